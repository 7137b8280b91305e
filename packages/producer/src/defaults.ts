import { FIREHOSE_LIMITS, KINESIS_LIMITS, KPL_DEFAULTS } from '@kinesis-kit/records';

/** Defaults of the producers' options, in one place. */
export const DEFAULTS = {
  /** Pack user records into KPL aggregates per predicted shard. */
  aggregation: true,
  /** Byte budget of an aggregate (the KPL's AggregationMaxSize). */
  maxAggregatedBytes: KPL_DEFAULTS.aggregationMaxBytes,
  /** Kinesis records per PutRecords request. */
  maxBatchRecords: KINESIS_LIMITS.putRecordsMaxRecords,
  /** Bytes (data + partition keys) per PutRecords request: the limit every region accepts. */
  maxBatchBytes: KINESIS_LIMITS.putRecordsSafeMaxBytes,
  /** Longest a record waits for companions before it is sent. */
  lingerMs: KPL_DEFAULTS.recordMaxBufferedTimeMs,
  /** Longest a record may take to be delivered, retries included, before its put rejects. */
  recordTtlMs: KPL_DEFAULTS.recordTtlMs,
  /** Records of one partition key may be stored out of put order (fastest). */
  ordering: 'none',
  /**
   * Bytes (data + partition keys) handed to `put` and not yet settled. 16 s of a saturated
   * shard: a backlog must drain within recordTtlMs, or records expire instead of `put` waiting.
   */
  maxBufferedBytes: 16 * 1024 * 1024,
  /** Records handed to `put` and not yet settled: 20 s of a shard's record limit (see above). */
  maxBufferedRecords: 20_000,
  /** Requests in flight at once. */
  maxInFlightRequests: 8,
  /** A request not answered within this time is abandoned and its records retried. */
  requestTimeoutMs: 10_000,
  /** How often the shard map is reloaded (also whenever a record lands on an unexpected shard). */
  shardMapRefreshMs: 60_000,
  /** First retry delay; later ones double, with jitter. */
  initialBackoffMs: 100,
  /** Longest retry delay. */
  maxBackoffMs: 5000,
  /** Firehose: records per PutRecordBatch call. */
  firehoseMaxBatchRecords: FIREHOSE_LIMITS.putRecordBatchMaxRecords,
  /** Firehose: bytes per PutRecordBatch call. */
  firehoseMaxBatchBytes: FIREHOSE_LIMITS.putRecordBatchMaxBytes,
  /** Firehose: concatenate consecutive small records into fewer, larger Firehose records. */
  firehosePacking: false,
  /**
   * Firehose: byte budget of a packed record (delimiters included). The largest record Firehose
   * takes, which is 200 billing increments of 5 KiB exactly: a full pack wastes nothing.
   */
  firehoseMaxPackedBytes: FIREHOSE_LIMITS.maxRecordBytes,
} as const;
