export {
  ensureStream,
  integerFlag,
  parseFlags,
  runCli,
  UsageError,
  usesAws,
} from './cli-support.js';
export { DEFAULTS } from './defaults.js';
export { IngestGatewayError, IngestGatewayErrorCode, STATUS_OF_CODE } from './errors.js';
export {
  createIngestGateway,
  type IngestGateway,
  type IngestGatewayEvents,
  type IngestGatewayMetrics,
  InvalidVisitsError,
} from './gateway.js';
export type {
  GatewayProducerOptions,
  IngestGatewayOptions,
  IngestGatewayTarget,
} from './options.js';
export { urlPartitionKey } from './partition-key.js';
export {
  isAbsoluteHttpUrl,
  isIsoTimestamp,
  type ValidateVisitsOptions,
  VISIT_LIMITS,
  type Visit,
  type VisitIssue,
  VisitRule,
  type VisitValidation,
  validateVisits,
} from './visit.js';
