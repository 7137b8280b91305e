export type { Logger } from '@kinesis-kit/records';
export { DEFAULTS } from './defaults.js';
export type { Clock } from './engine/clock.js';
export type { LimitsProfileName } from './engine/limits-profile.js';
export {
  type AwsErrorType,
  AwsServiceError,
  LocalKinesisError,
  StorageCorruptionError,
} from './errors.js';
export {
  type LocalKinesis,
  type LocalKinesisOptions,
  startLocalKinesis,
} from './start-local-kinesis.js';
