/**
 * The user records every subject is offered: a pool per record size, from a seeded PRNG (random
 * data, random 36-character partition keys, so records spread evenly over the shards), built
 * before anything is timed and offered in turn; and what one shard can take of them.
 */
import { createPrng, randomBytes, UUID_LIKE_CHARS, uuidLike } from '@kinesis-kit/bench-harness';
import { DEFAULTS as PRODUCER_DEFAULTS } from '@kinesis-kit/producer';
import { RecordAggregator } from '@kinesis-kit/records';
import { shardCeiling } from './limits.js';

/** @typedef {{ partitionKey: string, data: Buffer }} UserRecord */

/** Length of the partition keys. */
export const PARTITION_KEY_CHARS = UUID_LIKE_CHARS;

/** Bytes of data the pool of each size holds, about (at least 256, at most 16,384 records). */
const POOL_BYTES = 24 * 1024 * 1024;

/**
 * The pool of user records of `recordBytes` data bytes, the same on every run.
 * @param {number} recordBytes
 * @returns {UserRecord[]}
 */
export function createPool(recordBytes) {
  const next = createPrng(0x6b696e + recordBytes);
  const count = Math.min(16_384, Math.max(256, Math.floor(POOL_BYTES / recordBytes)));
  return Array.from({ length: count }, () => ({
    partitionKey: uuidLike(next),
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
 */

/**
 * Packs the pool as the producer would (its default aggregate budget) to find what a shard can
 * take of it.
 * @param {UserRecord[]} pool
 * @returns {Ceilings}
 */
export function ceilingsOf(pool) {
  const plainBytes = (pool[0]?.data.byteLength ?? 0) + PARTITION_KEY_CHARS;
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
  return {
    plain: shardCeiling(plainBytes, 1),
    aggregated: shardCeiling(aggregatedBytesPerUserRecord, userRecordsPerAggregate),
    aggregatedBytesPerUserRecord,
    userRecordsPerAggregate,
  };
}
