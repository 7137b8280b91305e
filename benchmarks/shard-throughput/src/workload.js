/**
 * The user records every subject is offered: a pool per record size and partition-key length,
 * from a seeded PRNG (random data, random partition keys, so records spread evenly over the
 * shards), built before anything is timed and offered in turn; and what one shard can take of
 * them.
 */
import { createPrng, randomBytes, UUID_LIKE_CHARS, uuidLike } from '@kinesis-kit/bench-harness';
import { DEFAULTS as PRODUCER_DEFAULTS } from '@kinesis-kit/producer';
import { RecordAggregator } from '@kinesis-kit/records';
import { shardCeiling } from './limits.js';

/** @typedef {{ partitionKey: string, data: Buffer }} UserRecord */

/** Characters of the short keys after their `u-` prefix: digits and lower-case letters. */
const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A random key of `chars` characters from the PRNG: UUID-like for 36 (as the harness makes
 * them), otherwise an id like a user's or visitor's, `u-` and random digits and letters.
 * @param {() => number} next
 * @param {number} chars
 */
export function randomKey(next, chars) {
  if (chars === UUID_LIKE_CHARS) return uuidLike(next);
  if (!(Number.isInteger(chars) && chars >= 3 && chars <= 256)) {
    throw new Error(`partition keys of ${chars} characters are not supported`);
  }
  let id = 'u-';
  while (id.length < chars) id += ID_CHARS[next() % ID_CHARS.length];
  return id;
}

/** Bytes of data the pool of each size holds, about (at least 256, at most 16,384 records). */
const POOL_BYTES = 24 * 1024 * 1024;

/**
 * The pool of user records of `recordBytes` data bytes and random partition keys of
 * `partitionKeyChars` characters, the same on every run (for 36-character keys, the same pool
 * as before short keys were added).
 * @param {number} recordBytes
 * @param {number} partitionKeyChars
 * @returns {UserRecord[]}
 */
export function createPool(recordBytes, partitionKeyChars) {
  const next = createPrng(0x6b696e + recordBytes);
  const count = Math.min(16_384, Math.max(256, Math.floor(POOL_BYTES / recordBytes)));
  return Array.from({ length: count }, () => ({
    partitionKey: randomKey(next, partitionKeyChars),
    data: randomBytes(next, recordBytes),
  }));
}

/**
 * @typedef {object} Ceilings user records per second one shard takes at most from the pool
 * @property {number} plain one Kinesis record per user record: the smaller of 1,000 records/s
 *   and 1 MiB/s ÷ (data + partition key bytes)
 * @property {number} aggregated packed into KPL aggregates of the producer's default byte budget
 *   (50 KiB; a record too large for it goes alone): 1 MiB/s ÷ the Kinesis bytes per user record,
 *   or 1,000 Kinesis records/s × user records per aggregate if that binds first
 * @property {number} aggregatedBytesPerUserRecord Kinesis bytes (data + partition key) per user
 *   record when aggregated
 * @property {number} userRecordsPerAggregate
 * @property {number} plainKinesisRecordsPerSec Kinesis records per second one shard takes at most
 *   at the plain ceiling (one per user record)
 * @property {number} aggregatedKinesisRecordsPerSec the same at the aggregated ceiling (one per
 *   aggregate of the producer's default byte budget)
 */

/**
 * Packs the pool as the producer would (its default aggregate budget) to find what a shard can
 * take of it.
 * @param {UserRecord[]} pool
 * @returns {Ceilings}
 */
export function ceilingsOf(pool) {
  const first = pool[0];
  const plainBytes = first ? first.data.byteLength + Buffer.byteLength(first.partitionKey) : 0;
  const aggregator = new RecordAggregator({
    maxAggregatedBytes: PRODUCER_DEFAULTS.maxAggregatedBytes,
  });
  let kinesisRecords = 0;
  let kinesisBytes = 0;
  const emit = () => {
    const encoded = aggregator.flush();
    if (!encoded) return;
    kinesisRecords++;
    kinesisBytes += encoded.data.byteLength + Buffer.byteLength(encoded.partitionKey);
  };
  for (const record of pool) {
    if (aggregator.tryAdd(record)) continue;
    emit();
    if (!aggregator.tryAdd(record)) {
      kinesisRecords++;
      kinesisBytes += plainBytes;
    }
  }
  emit();
  const aggregatedBytesPerUserRecord = kinesisBytes / pool.length;
  const userRecordsPerAggregate = pool.length / kinesisRecords;
  const plain = shardCeiling(plainBytes, 1);
  const aggregated = shardCeiling(aggregatedBytesPerUserRecord, userRecordsPerAggregate);
  return {
    plain,
    aggregated,
    aggregatedBytesPerUserRecord,
    userRecordsPerAggregate,
    plainKinesisRecordsPerSec: plain,
    aggregatedKinesisRecordsPerSec: aggregated / userRecordsPerAggregate,
  };
}
