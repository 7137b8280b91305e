import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { MiB } from './shared/units.js';

/**
 * Defaults of this package's options, in one place.
 *
 * @example
 * ```ts
 * const destination = s3Directory({ root: './bucket' });
 * const maxBufferedBytes = DEFAULTS.maxBufferedBytes / 4;
 * const stream = createDeliveryStream({ name: 'clicks', destination, maxBufferedBytes });
 * ```
 */
export const DEFAULTS = {
  /** `TransformerOptions.decode`: the handler gets the raw bytes. */
  decode: 'bytes',
  /** `TransformerOptions.concurrency`: records of a batch are transformed one at a time. */
  concurrency: 1,
  /** `CloudWatchLogsTransformerOptions.format`. */
  cloudWatchLogsFormat: 'lines',

  /** `DeliveryStreamOptions.region`. */
  region: 'us-east-1',
  /** `DeliveryStreamOptions.accountId`: no real account, as local tools use. */
  accountId: '000000000000',
  /** `DeliveryStreamOptions.version`. */
  version: FIREHOSE_LIMITS.initialDeliveryStreamVersion,
  /** `BufferingHints.sizeMiB` of the destination buffer. */
  bufferingSizeMiB: FIREHOSE_LIMITS.defaultBufferingSizeMiB,
  /** `BufferingHints.intervalSeconds` of the destination buffer. */
  bufferingIntervalSeconds: FIREHOSE_LIMITS.defaultBufferingIntervalSeconds,
  /** `ProcessorBufferingHints.sizeMB`. */
  processorBufferSizeMB: FIREHOSE_LIMITS.defaultProcessorBufferSizeMB,
  /** `ProcessorBufferingHints.intervalSeconds`. */
  processorBufferIntervalSeconds: FIREHOSE_LIMITS.defaultProcessorBufferIntervalSeconds,
  /** `DeliveryStreamOptions.numberOfRetries` (the processor's NumberOfRetries). */
  numberOfRetries: FIREHOSE_LIMITS.defaultLambdaRetries,
  /** `DeliveryStreamOptions.maxBufferedBytes`: records accepted but not yet delivered or failed. */
  maxBufferedBytes: 256 * MiB,
  /**
   * `DeliveryStreamOptions.invocationTimeoutSeconds`: a minute is far more than a transform of
   * at most 6 MB needs, and short enough that a hung processor is noticed while testing.
   */
  invocationTimeoutSeconds: 60,

  /** `S3DirectoryOptions.compression`. */
  s3Compression: 'UNCOMPRESSED',
  /** `S3DirectoryOptions.newlineDelimiter`. */
  newlineDelimiter: false,
  /**
   * `S3DirectoryOptions.retryDurationSeconds`: a local directory that fails for a minute
   * (permissions, a full disk) rarely recovers by itself, so the error output gets the records
   * sooner than Firehose's 24 h.
   */
  s3RetryDurationSeconds: 60,
  /** `DynamicPartitioningOptions.maxActivePartitions`. */
  maxActivePartitions: FIREHOSE_LIMITS.maxActivePartitions,

  /** `HttpEndpointOptions.compression`. */
  httpCompression: 'NONE',
  /** `HttpEndpointOptions.retryDurationSeconds`: Firehose's default for HTTP endpoints. */
  retryDurationSeconds: 300,
  /** `HttpEndpointOptions.responseTimeoutMs`. */
  responseTimeoutMs: FIREHOSE_LIMITS.httpEndpointResponseTimeoutMs,
} as const;

/** Ranges of options that Firehose itself does not document as limits. */
export const RANGES = {
  /** NumberOfRetries of a Lambda processor. */
  maxNumberOfRetries: 300,
  /** RetryOptions.DurationInSeconds of an HTTP endpoint. */
  maxRetryDurationSeconds: 7200,
  /** How long Firehose retries S3 delivery: the most a local write may be retried. */
  maxS3RetryDurationSeconds: FIREHOSE_LIMITS.s3RetryDurationMs / 1000,
  /** Lambda's longest function timeout. */
  maxInvocationTimeoutSeconds: 900,
} as const;
