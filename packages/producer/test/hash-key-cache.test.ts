import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

  it('keeps copies of the keys: keys cut from large strings do not keep those strings alive', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new HashKeyCache(4096);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 4000; i++) {
      // A 64 KiB line of its own, of which the key is the first 20 characters (a V8 slice).
      const line = `${String(i).padStart(8, '0')}${'x'.repeat(64 * 1024)}`;
      cache.of({ partitionKey: line.slice(0, 20), data: new Uint8Array() });
    }
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
    // 4,000 lines are 250 MiB: keeping them would show; 4,000 keys of 20 characters do not.
    expect(grownMiB).toBeLessThan(16);
    expect(
      cache.of({ partitionKey: `${'0'.repeat(7)}1${'x'.repeat(12)}`, data: new Uint8Array() }),
    ).toBe(partitionKeyToHashKey(`${'0'.repeat(7)}1${'x'.repeat(12)}`));
  });
});
