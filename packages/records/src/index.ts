export { aggregate } from './aggregation/aggregate.js';
export {
  type DeaggregatedRecord,
  type DeaggregateOptions,
  deaggregate,
  isAggregated,
} from './aggregation/deaggregate.js';
export {
  type EncodedRecord,
  RecordAggregator,
  type RecordAggregatorOptions,
} from './aggregation/record-aggregator.js';
export {
  AggregationError,
  AggregationErrorCode,
  CorruptAggregateCode,
  CorruptAggregateError,
  InvalidArgumentError,
  KinesisKitError,
  type KinesisKitErrorOptions,
  RecordValidationCode,
  RecordValidationError,
  ShardMapError,
  ShardMapErrorCode,
} from './errors.js';
export { estimateShards, type ShardEstimate, type ShardEstimateInput } from './estimate-shards.js';
export { hashKeyOf, parseHashKey, partitionKeyToHashKey } from './hash-key.js';
export {
  FIREHOSE_LIMITS,
  type FirehoseLimits,
  KINESIS_LIMITS,
  type KinesisLimits,
  KPL_DEFAULTS,
} from './limits.js';
export { consoleLogger, type Logger, silentLogger } from './logger.js';
export type {
  HashKeyRange,
  ListShardsShard,
  ShardDescriptor,
  StoredRecord,
  UserRecord,
} from './model.js';
export { backoffMs } from './runtime/backoff.js';
export { type ClassifiedError, classifyError } from './runtime/classify-error.js';
export { RateCounter } from './runtime/rate-counter.js';
export { seededRandom } from './runtime/seeded-random.js';
export { type Listener, TypedEvents } from './runtime/typed-events.js';
export { ShardMap } from './shard-map.js';
export { type RecordLimits, type RecordSize, validateUserRecord } from './validate.js';
