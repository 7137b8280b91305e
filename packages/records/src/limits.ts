const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The limits of Amazon Kinesis Data Streams, as AWS documents them. Byte sizes are in bytes,
 * rates per second, durations in milliseconds unless the name says otherwise.
 *
 * @example
 * ```ts
 * import { KINESIS_LIMITS } from '@kinesis-kit/records';
 * const shards = Math.ceil(recordsPerSec / KINESIS_LIMITS.shardWriteRecordsPerSec);
 * ```
 */
export const KINESIS_LIMITS = {
  /** Shortest partition key, in Unicode characters. */
  minPartitionKeyLength: 1,
  /** Longest partition key, in Unicode characters. */
  maxPartitionKeyLength: 256,
  /** Default maximum record size: data bytes plus partition key bytes (UTF-8). */
  maxRecordBytes: 1 * MiB,
  /** Lowest value UpdateMaxRecordSize accepts, in KiB. */
  minConfigurableMaxRecordSizeKiB: 1024,
  /** Highest value UpdateMaxRecordSize accepts, in KiB. */
  maxConfigurableMaxRecordSizeKiB: 10240,
  /** Largest hash key: the hash key space is [0, 2^128 - 1]. */
  maxHashKey: (1n << 128n) - 1n,
  /** Pattern an ExplicitHashKey must match: a decimal integer without leading zeros. */
  explicitHashKeyPattern: /^(0|[1-9]\d{0,38})$/,

  /** Most records in one PutRecords request. */
  putRecordsMaxRecords: 500,
  /** Largest PutRecords request in the current API reference (data plus partition keys). */
  putRecordsMaxBytes: 10 * MiB,
  /** Largest PutRecords request in older documentation: the size producers stay within by default. */
  putRecordsSafeMaxBytes: 5 * MiB,

  /** Records one shard accepts per second. */
  shardWriteRecordsPerSec: 1000,
  /** Bytes (data plus partition keys) one shard accepts per second. */
  shardWriteBytesPerSec: 1 * MiB,

  /** Most records one GetRecords call returns. */
  getRecordsMaxRecords: 10_000,
  /** Most bytes one GetRecords call returns. */
  getRecordsMaxBytes: 10 * MiB,
  /** GetRecords calls per second per shard, shared by every consumer of the shard. */
  shardReadCallsPerSec: 5,
  /** Bytes per second GetRecords can read from one shard. */
  shardReadBytesPerSec: 2 * MiB,
  /** After a GetRecords call that returned 10 MiB, calls within this window are throttled. */
  getRecordsLargeReadPenaltyMs: 5000,
  /** Throttling window after a GetRecords call when read throughput is insufficient. */
  getRecordsThrottlePenaltyMs: 1000,
  /** Shortest interval between polls of one shard by one consumer that AWS advises. */
  minPollIntervalMs: 200,
  /** A shard iterator expires this long after it was issued. */
  shardIteratorTtlMs: 5 * 60_000,
  /** GetShardIterator calls per second per shard. */
  getShardIteratorCallsPerSec: 5,

  /** Registered enhanced fan-out consumers per stream. */
  maxConsumersPerStream: 20,
  /** Consumers in the CREATING state at once, per stream. */
  maxCreatingConsumersPerStream: 5,
  /** Longest a SubscribeToShard subscription lasts. */
  subscriptionDurationMs: 5 * 60_000,
  /** SubscribeToShard calls per second per consumer per shard. */
  subscribeToShardCallsPerSec: 1,
  /**
   * A SubscribeToShard call within this window of a successful one for the same consumer and
   * shard fails with ResourceInUseException; after it, the new call takes over.
   */
  subscribeToShardTakeoverMs: 5000,
  /** Bytes per second pushed to one enhanced fan-out consumer from one shard. */
  fanOutBytesPerSecPerConsumerPerShard: 2 * MiB,

  /** Most shards one ListShards call returns. */
  listShardsMaxResults: 10_000,
  /** Factor by which one UpdateShardCount (UNIFORM_SCALING) call may scale up or down. */
  updateShardCountMaxFactor: 2,
  /** UpdateShardCount calls per rolling 24 hours. */
  updateShardCountCallsPer24h: 10,

  /** Retention period of a new stream, in hours. */
  defaultRetentionHours: 24,
  /** Shortest retention period, in hours. */
  minRetentionHours: 24,
  /** Longest retention period, in hours (365 days). */
  maxRetentionHours: 8760,
} as const;

/** The type of {@link KINESIS_LIMITS}. */
export type KinesisLimits = typeof KINESIS_LIMITS;

/**
 * The limits of Amazon Data Firehose (Kinesis Firehose), as AWS documents them. Byte sizes are in
 * bytes, rates per second, durations in milliseconds unless the name says otherwise.
 *
 * @example
 * ```ts
 * import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
 * if (data.byteLength > FIREHOSE_LIMITS.maxRecordBytes) throw new Error('record too large');
 * ```
 */
export const FIREHOSE_LIMITS = {
  /** Largest record, before base64 encoding (1,000 KiB). */
  maxRecordBytes: 1000 * KiB,
  /** Most records in one PutRecordBatch call. */
  putRecordBatchMaxRecords: 500,
  /** Largest PutRecordBatch call. */
  putRecordBatchMaxBytes: 4 * MiB,

  /** Direct PUT records per second per delivery stream in the large regions (quota, adjustable). */
  directPutRecordsPerSec: 500_000,
  /** Direct PUT requests per second per delivery stream in the large regions. */
  directPutRequestsPerSec: 2000,
  /** Direct PUT bytes per second per delivery stream in the large regions. */
  directPutBytesPerSec: 5 * MiB,
  /** Direct PUT records per second per delivery stream in the other regions. */
  directPutRecordsPerSecSmallRegions: 100_000,
  /** Direct PUT requests per second per delivery stream in the other regions. */
  directPutRequestsPerSecSmallRegions: 1000,
  /** Direct PUT bytes per second per delivery stream in the other regions. */
  directPutBytesPerSecSmallRegions: 1 * MiB,
  /** Firehose bills ingestion in increments of this many bytes per record (5 KB). */
  billingIncrementBytes: 5 * KiB,
  /** Reading a Kinesis stream source, Firehose calls GetRecords this often per shard per second. */
  kinesisSourceGetRecordsPerSecPerShard: 1,

  /** Smallest S3 buffering size hint, in MiB. */
  minBufferingSizeMiB: 1,
  /** Largest S3 buffering size hint, in MiB. */
  maxBufferingSizeMiB: 128,
  /** Default S3 buffering size hint, in MiB. */
  defaultBufferingSizeMiB: 5,
  /** Shortest buffering interval hint, in seconds. */
  minBufferingIntervalSeconds: 0,
  /** Longest buffering interval hint, in seconds. */
  maxBufferingIntervalSeconds: 900,
  /** Default buffering interval hint, in seconds. */
  defaultBufferingIntervalSeconds: 300,

  /** Longest S3 object key prefix after evaluation, in characters. */
  maxPrefixLength: 512,
  /** Length of `!{firehose:random-string}` (default object keys end with a UUID instead). */
  randomStringLength: 11,
  /** Version number of a new delivery stream (part of default object keys). */
  initialDeliveryStreamVersion: 1,
  /** Active dynamic partitions per delivery stream before overflow goes to the error prefix. */
  maxActivePartitions: 500,
  /** How long delivery to S3 is retried before giving up. */
  s3RetryDurationMs: 24 * 60 * 60_000,

  /** Largest transformation Lambda request and response (6 MB). */
  lambdaMaxPayloadBytes: 6_291_456,
  /** Smallest processor buffering size hint, in MB. */
  minProcessorBufferSizeMB: 0.2,
  /** Largest processor buffering size hint, in MB. */
  maxProcessorBufferSizeMB: 3,
  /** Default processor buffering size hint, in MB. */
  defaultProcessorBufferSizeMB: 1,
  /** Shortest processor buffering interval hint, in seconds. */
  minProcessorBufferIntervalSeconds: 0,
  /** Longest processor buffering interval hint, in seconds. */
  maxProcessorBufferIntervalSeconds: 900,
  /** Default processor buffering interval hint, in seconds. */
  defaultProcessorBufferIntervalSeconds: 60,
  /** Times a failed Lambda invocation is retried before its records go to the error output. */
  defaultLambdaRetries: 3,

  /** Fewest records in one HTTP endpoint delivery request. */
  httpEndpointMinRecordsPerRequest: 1,
  /** Most records in one HTTP endpoint delivery request. */
  httpEndpointMaxRecordsPerRequest: 10_000,
  /** Largest HTTP endpoint request body, uncompressed. */
  httpEndpointMaxRequestBytes: 64 * MiB,
  /** An HTTP endpoint must answer within this time. */
  httpEndpointResponseTimeoutMs: 3 * 60_000,
  /** Largest HTTP endpoint response body. */
  httpEndpointMaxResponseBytes: 1 * MiB,
  /** Largest `X-Amz-Firehose-Access-Key` header value, in bytes. */
  httpEndpointMaxAccessKeyBytes: 4096,
  /** Most entries in `X-Amz-Firehose-Common-Attributes`. */
  httpEndpointMaxCommonAttributes: 50,
  /** First retry delay of a failed HTTP endpoint delivery; later delays double. */
  httpEndpointInitialRetryDelayMs: 1000,
  /** Longest retry delay of a failed HTTP endpoint delivery. */
  httpEndpointMaxRetryDelayMs: 2 * 60_000,
  /** Random jitter applied to each HTTP endpoint retry delay, as a fraction (±15 %). */
  httpEndpointRetryJitter: 0.15,
} as const;

/** The type of {@link FIREHOSE_LIMITS}. */
export type FirehoseLimits = typeof FIREHOSE_LIMITS;

/**
 * The defaults of the Kinesis Producer Library (KPL) that matter to compatible producers.
 */
export const KPL_DEFAULTS = {
  /** The four bytes every aggregated record starts with. */
  aggregationMagic: [0xf3, 0x89, 0x9a, 0xc2],
  /** Length of the MD5 digest that ends every aggregated record. */
  aggregationDigestBytes: 16,
  /** Partition key of the Kinesis record that carries an aggregate. */
  aggregatePartitionKey: 'a',
  /** Largest aggregated record the KPL builds by default (AggregationMaxSize). */
  aggregationMaxBytes: 51_200,
  /** Records per PutRecords call (CollectionMaxCount). */
  collectionMaxCount: 500,
  /** Bytes per PutRecords call (CollectionMaxSize). */
  collectionMaxBytes: 5 * MiB,
  /** Longest a record waits in the buffer (RecordMaxBufferedTime). */
  recordMaxBufferedTimeMs: 100,
  /** Longest a record may take to be delivered before it fails (RecordTtl). */
  recordTtlMs: 30_000,
  /** Per-shard rate limit as a percentage of the shard limit (RateLimit). */
  rateLimitPercent: 150,
} as const;
