import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKeyOf, parseHashKey, partitionKeyToHashKey } from '../src/index.js';

const MAX = (1n << 128n) - 1n;

describe('partitionKeyToHashKey', () => {
  it('reads the MD5 of the UTF-8 key as an unsigned big-endian 128-bit integer', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    expect(partitionKeyToHashKey('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
    // md5("ü") over its UTF-8 bytes c3 bc, not over a UTF-16 or latin1 encoding.
    const expected = BigInt(
      `0x${createHash('md5')
        .update(Buffer.from([0xc3, 0xbc]))
        .digest('hex')}`,
    );
    expect(partitionKeyToHashKey('ü')).toBe(expected);
  });

  it('keeps digests with a high first bit positive', () => {
    // md5("4") = a87ff679a2f3e71d9181a67b7542122c: first byte above 0x7f.
    expect(partitionKeyToHashKey('4')).toBe(0xa87ff679a2f3e71d9181a67b7542122cn);
  });

  it('agrees with a hex reading of the digest for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => {
        const hex = createHash('md5').update(key, 'utf8').digest('hex');
        const hashKey = partitionKeyToHashKey(key);
        expect(hashKey).toBe(BigInt(`0x${hex}`));
        expect(hashKey >= 0n && hashKey <= MAX).toBe(true);
      }),
    );
  });
});

describe('parseHashKey', () => {
  it('accepts the bounds of the hash key space', () => {
    expect(parseHashKey('0')).toBe(0n);
    expect(parseHashKey(MAX.toString())).toBe(MAX);
  });

  it('rejects values outside it and text that is not a plain decimal', () => {
    for (const text of [(MAX + 1n).toString(), '-1', '01', '', ' 1', '1.0', '0x10', '1e3']) {
      expect(parseHashKey(text), text).toBeUndefined();
    }
  });
});

describe('hashKeyOf', () => {
  it('uses the explicit hash key when there is one, else the partition key', () => {
    const data = new Uint8Array();
    expect(hashKeyOf({ partitionKey: 'a', data, explicitHashKey: '99' })).toBe(99n);
    expect(hashKeyOf({ partitionKey: 'a', data })).toBe(partitionKeyToHashKey('a'));
  });
});
