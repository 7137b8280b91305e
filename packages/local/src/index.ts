export type { Logger } from '@kinesis-kit/records';
export type {
  MetricFigures,
  MetricSet,
  MetricsReport,
  StreamMetrics,
} from './admin/metrics-report.js';
export { DEFAULTS } from './defaults.js';
export type { Clock } from './engine/clock.js';
export type { LimitsProfileName } from './engine/limits-profile.js';
export type { MetricName } from './engine/shard-metrics.js';
export {
  type AwsErrorType,
  AwsServiceError,
  LocalKinesisError,
  StorageCorruptionError,
} from './errors.js';
export type {
  FaultCounters,
  FaultErrorType,
  FaultPlan,
  FaultRule,
  FaultsReport,
} from './faults/fault-plan.js';
export {
  type LocalKinesis,
  type LocalKinesisOptions,
  startLocalKinesis,
} from './start-local-kinesis.js';
