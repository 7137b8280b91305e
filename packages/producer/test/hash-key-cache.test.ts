import { partitionKeyToHashKey } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { HashKeyCache } from '../src/kinesis/hash-key-cache.js';

describe('HashKeyCache', () => {
  it('gives the MD5 hash key of every partition key, across generations, and explicit keys as set', () => {
    const cache = new HashKeyCache(8);
    // Keys coming back at every distance: within a generation, from the older one, long gone.
    for (let i = 0; i < 500; i++) {
      const partitionKey = `key-${(i * 7) % 37}-${i % 3 === 0 ? 'é' : 'e'}`;
      expect(cache.of({ partitionKey, data: new Uint8Array() })).toBe(
        partitionKeyToHashKey(partitionKey),
      );
    }
    expect(
      cache.of({ partitionKey: 'key-1-e', explicitHashKey: '12345', data: new Uint8Array() }),
    ).toBe(12345n);
  });
});
