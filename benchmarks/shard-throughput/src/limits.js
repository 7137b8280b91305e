/**
 * A shard's write limits, the user records per second they allow for a record size (plain or
 * KPL-aggregated), and the fraction of them a measurement achieved.
 */
import { KINESIS_LIMITS } from '@kinesis-kit/records';

/** Kinesis records one shard accepts per second. */
export const SHARD_RECORDS_PER_SEC = KINESIS_LIMITS.shardWriteRecordsPerSec;

/** Bytes (data + partition key) one shard accepts per second: 1 MiB. */
export const SHARD_BYTES_PER_SEC = KINESIS_LIMITS.shardWriteBytesPerSec;

/**
 * User records per second one shard takes at most when each costs `bytesPerUserRecord` of the
 * byte limit and `userRecordsPerKinesisRecord` of them share one Kinesis record.
 * @param {number} bytesPerUserRecord
 * @param {number} userRecordsPerKinesisRecord
 */
export function shardCeiling(bytesPerUserRecord, userRecordsPerKinesisRecord) {
  return Math.min(
    SHARD_RECORDS_PER_SEC * userRecordsPerKinesisRecord,
    SHARD_BYTES_PER_SEC / bytesPerUserRecord,
  );
}

/**
 * @typedef {{ records: number, bytes: number }} ShardCount Kinesis records and bytes a shard
 *   accepted
 * @typedef {{ limitFraction: number, minShardLimitFraction: number,
 *   binding: 'records' | 'bytes', recordsFraction: number, bytesFraction: number }} LimitUse
 */

/**
 * How much of the shards' limits the accepted Kinesis records used over `seconds`: for each
 * shard the larger of (records/s ÷ 1,000) and (bytes/s ÷ 1 MiB), the limit that binds first;
 * `limitFraction` is their mean over the `shards` shards (a shard that got nothing counts 0).
 * @param {Map<string, ShardCount>} perShard
 * @param {number} shards
 * @param {number} seconds
 * @returns {LimitUse}
 */
export function limitUse(perShard, shards, seconds) {
  const fractions = [];
  let records = 0;
  let bytes = 0;
  for (const count of perShard.values()) {
    records += count.records;
    bytes += count.bytes;
    fractions.push(
      Math.max(
        count.records / seconds / SHARD_RECORDS_PER_SEC,
        count.bytes / seconds / SHARD_BYTES_PER_SEC,
      ),
    );
  }
  while (fractions.length < shards) fractions.push(0);
  const recordsFraction = records / seconds / shards / SHARD_RECORDS_PER_SEC;
  const bytesFraction = bytes / seconds / shards / SHARD_BYTES_PER_SEC;
  return {
    limitFraction: fractions.reduce((sum, value) => sum + value, 0) / shards,
    minShardLimitFraction: Math.min(...fractions),
    binding: recordsFraction >= bytesFraction ? 'records' : 'bytes',
    recordsFraction,
    bytesFraction,
  };
}
