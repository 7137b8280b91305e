export type { Logger } from '@kinesis-kit/records';
export { DEFAULTS } from './defaults.js';
export {
  type DeliveryAttempt,
  DeliveryFailureCode,
  ProducerClosedError,
  ProducerError,
  RecordDeliveryError,
} from './errors.js';
export {
  FirehoseProducer,
  type FirehoseProducerEvents,
  type FirehoseProducerMetrics,
} from './firehose/firehose-producer.js';
export type { FirehosePutResult, FirehoseRecord } from './firehose/firehose-record.js';
export type { FirehoseProducerOptions } from './firehose/options.js';
export {
  createKeepAliveKinesisClient,
  KEEP_ALIVE_HANDLER_DEFAULTS,
} from './kinesis/keep-alive-client.js';
export {
  KinesisProducer,
  type KinesisProducerEvents,
  type KinesisProducerMetrics,
  type ShardMetrics,
} from './kinesis/kinesis-producer.js';
export type { KinesisProducerOptions } from './kinesis/options.js';
export type { PutResult } from './kinesis/pending-record.js';
export type { PutListener } from './shared/pending-put.js';
