export type { Logger, StoredRecord } from '@kinesis-kit/records';
export type { ConsumerBatch, ConsumerBatches, ConsumerRecord } from './batch.js';
export {
  type Checkpoint,
  type CheckpointStore,
  type RecordPosition,
  SHARD_END,
  type ShardEnd,
} from './checkpoints/checkpoint-store.js';
export {
  FileCheckpointStore,
  type FileCheckpointStoreOptions,
} from './checkpoints/file-checkpoint-store.js';
export { MemoryCheckpointStore } from './checkpoints/memory-checkpoint-store.js';
export { DEFAULTS } from './defaults.js';
export {
  type BatchPosition,
  CheckpointStoreCorruptError,
  ConsumerError,
  ConsumerErrorCode,
  ConsumerStateError,
  HandlerFailedError,
  InvalidCheckpointError,
  KinesisRequestError,
} from './errors.js';
export type { KinesisConsumerEvents } from './events.js';
export { KinesisConsumer, type RunHandlers } from './kinesis-consumer.js';
export type { KinesisConsumerMetrics, ShardMetrics } from './metrics.js';
export type { FailedBatch, KinesisConsumerOptions } from './options.js';
export type {
  ChildShard,
  ReadBatch,
  ShardReader,
  StartPosition,
} from './readers/shard-reader.js';
export type { InitialPosition } from './shard-assignment.js';
export type { StreamAddress } from './stream-address.js';
