export type { Logger } from '@kinesis-kit/records';
export { type Clock, systemClock, type TimerHandle } from './clock.js';
export { DEFAULTS } from './defaults.js';
export {
  type AttemptError,
  type Delivered,
  type DeliveryContext,
  type DeliveryResult,
  type Destination,
  type DestinationRecord,
  ErrorOutputType,
  type FailedRecord,
  type FailureHistory,
  type PartitionPlacement,
} from './destinations/destination.js';
export {
  HttpEndpointErrorCode,
  type HttpEndpointOptions,
  httpEndpoint,
} from './destinations/http/http-endpoint.js';
export {
  type DynamicPartitioningOptions,
  type S3DirectoryOptions,
  S3ErrorCode,
  s3Directory,
} from './destinations/s3/s3-directory.js';
export {
  CloudWatchLogsDataError,
  DeliveryStreamClosedError,
  ErrorOutputFailedError,
  FirehoseError,
  FirehoseLimitCode,
  FirehoseLimitError,
  PrefixExpressionError,
  ServiceUnavailableError,
  TransformationResultError,
} from './errors.js';
export { DestinationErrorCode } from './pipeline/check-delivery.js';
export {
  createDeliveryStream,
  type DeliveryStream,
  type DeliveryStreamMetrics,
  type PutBatchResult,
} from './pipeline/delivery-stream.js';
export type { DeliveryStreamEventName, DeliveryStreamEvents } from './pipeline/events.js';
export type { LatencySnapshot } from './pipeline/latency.js';
export type {
  BufferingHints,
  DeliveryStreamOptions,
  ProcessorBufferingHints,
  SignalOptions,
} from './pipeline/options.js';
export { PartitioningErrorCode } from './pipeline/router.js';
export {
  type CloudWatchLogsTransformerOptions,
  cloudWatchLogsTransformer,
  decodeCloudWatchLogs,
} from './transformer/cloudwatch-logs.js';
export {
  defineTransformer,
  type Reingest,
  type ReingestRecord,
  type TransformerOptions,
  type TransformFunction,
} from './transformer/define-transformer.js';
export { toJson, toLines, toNdjson } from './transformer/encode.js';
export {
  DEFAULT_FAILURE_REASON,
  dropped,
  failed,
  type OkOptions,
  ok,
} from './transformer/results.js';
export {
  buildTransformationEvent,
  type RunTransformerOptions,
  runTransformer,
  type TestRecord,
  type TransformedRecord,
} from './transformer/run-transformer.js';
export type {
  DecodeAs,
  DecodedData,
  FirehoseTransformer,
  KinesisRecordMetadata,
  Processor,
  TransformerContext,
  TransformerRecord,
  TransformOutcome,
} from './transformer/types.js';
export {
  TransformationErrorCode,
  type TransformationProblem,
  validateTransformationResult,
} from './transformer/validate.js';
