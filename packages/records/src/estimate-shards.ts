import { AGGREGATE_PARTITION_KEY_BYTES, FRAME_BYTES } from './aggregation/format.js';
import { varintSize } from './aggregation/protobuf.js';
import { DEFAULTS } from './defaults.js';
import { InvalidArgumentError } from './errors.js';
import { KINESIS_LIMITS } from './limits.js';
import { requireInteger } from './options.js';

/** A write workload, for {@link estimateShards}. */
export interface ShardEstimateInput {
  /** Average user record size: data bytes + partition key bytes. */
  readonly recordBytes: number;
  /** User records written per second. */
  readonly recordsPerSec: number;
  /** Whether user records are packed into KPL aggregates. */
  readonly aggregation: boolean;
  /**
   * Partition key bytes within `recordBytes`; with aggregation, every key is assumed distinct
   * (the worst case: each one takes a table entry).
   * @default 36 (a UUID)
   */
  readonly partitionKeyBytes?: number;
  /**
   * Aggregate byte budget, as for `RecordAggregator`.
   * @default 51_200
   */
  readonly maxAggregatedBytes?: number;
  /**
   * Fraction of each shard's limits to plan for, in (0, 1]: 0.8 leaves 20 % headroom.
   * @default 1
   */
  readonly targetUtilization?: number;
}

/** What {@link estimateShards} found. */
export interface ShardEstimate {
  /** Shards the workload needs (at least 1). */
  readonly shards: number;
  /** The per-shard limit that decides the count: 1,000 records/s or 1 MiB/s. */
  readonly binding: 'records' | 'bytes';
  /** Kinesis records written per second: aggregates when aggregating. */
  readonly kinesisRecordsPerSec: number;
  /** Bytes per second counted against the shard limits (data + partition keys). */
  readonly bytesPerSec: number;
  /** User records carried by each Kinesis record (1 without aggregation). */
  readonly userRecordsPerKinesisRecord: number;
}

/**
 * The number of shards a write workload needs under the per-shard limits (1,000 records/s and
 * 1 MiB/s each), with or without KPL aggregation. Aggregation packs small records so that the
 * records limit stops binding; the byte limit then decides.
 *
 * @example
 * ```ts
 * estimateShards({ recordBytes: 100, recordsPerSec: 50_000, aggregation: false }).shards; // 50
 * estimateShards({ recordBytes: 100, recordsPerSec: 50_000, aggregation: true }).shards; // 6
 * ```
 */
export function estimateShards(input: ShardEstimateInput): ShardEstimate {
  const { recordBytes, recordsPerSec, aggregation } = input;
  const partitionKeyBytes =
    input.partitionKeyBytes ?? Math.min(DEFAULTS.partitionKeyBytes, recordBytes);
  const maxAggregatedBytes = input.maxAggregatedBytes ?? DEFAULTS.maxAggregatedBytes;
  const utilization = input.targetUtilization ?? DEFAULTS.targetUtilization;
  checkInput(recordBytes, recordsPerSec, partitionKeyBytes, maxAggregatedBytes, utilization);

  const packing = aggregation
    ? packAggregate(recordBytes, partitionKeyBytes, maxAggregatedBytes)
    : { userRecords: 1, bytes: recordBytes };
  const kinesisRecordsPerSec = recordsPerSec / packing.userRecords;
  const bytesPerSec = kinesisRecordsPerSec * packing.bytes;
  const byRecords = Math.ceil(
    kinesisRecordsPerSec / (KINESIS_LIMITS.shardWriteRecordsPerSec * utilization),
  );
  const byBytes = Math.ceil(bytesPerSec / (KINESIS_LIMITS.shardWriteBytesPerSec * utilization));
  return {
    shards: Math.max(1, byRecords, byBytes),
    binding: byRecords > byBytes ? 'records' : 'bytes',
    kinesisRecordsPerSec,
    bytesPerSec,
    userRecordsPerKinesisRecord: packing.userRecords,
  };
}

/** Longest decimal hash key (2^128 - 1): the outer explicit hash key, at worst. */
const MAX_HASH_KEY_DIGITS = KINESIS_LIMITS.maxHashKey.toString().length;

/**
 * How many records of this size fill one aggregate within the budget, and the aggregate's size
 * as the shard limits count it (data + outer partition key). Uses the encoder's exact size rules.
 */
function packAggregate(
  recordBytes: number,
  partitionKeyBytes: number,
  maxAggregatedBytes: number,
): { userRecords: number; bytes: number } {
  const dataBytes = recordBytes - partitionKeyBytes;
  const maxProtobufBytes =
    maxAggregatedBytes - FRAME_BYTES - AGGREGATE_PARTITION_KEY_BYTES - MAX_HASH_KEY_DIGITS;
  const keyEntry = 1 + varintSize(partitionKeyBytes) + partitionKeyBytes;
  let protobufBytes = 0;
  let count = 0;
  for (;;) {
    const body = 1 + varintSize(count) + 1 + varintSize(dataBytes) + dataBytes;
    const growth = keyEntry + 1 + varintSize(body) + body;
    if (protobufBytes + growth > maxProtobufBytes) break;
    protobufBytes += growth;
    count++;
  }
  // One record alone is sent plain, as the aggregator does.
  if (count < 2) return { userRecords: 1, bytes: recordBytes };
  return {
    userRecords: count,
    bytes: FRAME_BYTES + protobufBytes + AGGREGATE_PARTITION_KEY_BYTES,
  };
}

function checkInput(
  recordBytes: number,
  recordsPerSec: number,
  partitionKeyBytes: number,
  maxAggregatedBytes: number,
  utilization: number,
): void {
  requireInteger('recordBytes', recordBytes, 1, KINESIS_LIMITS.maxRecordBytes);
  if (!Number.isFinite(recordsPerSec) || recordsPerSec < 0) {
    throw new InvalidArgumentError(
      `recordsPerSec must be a finite number >= 0, got ${recordsPerSec}`,
    );
  }
  requireInteger('partitionKeyBytes', partitionKeyBytes, 1, recordBytes, 'recordBytes');
  requireInteger('maxAggregatedBytes', maxAggregatedBytes, 1);
  if (!(utilization > 0 && utilization <= 1)) {
    throw new InvalidArgumentError(`targetUtilization must be in (0, 1], got ${utilization}`);
  }
}
