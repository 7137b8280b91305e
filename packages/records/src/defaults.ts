import { KINESIS_LIMITS, KPL_DEFAULTS } from './limits.js';

/** Defaults of this package's options, in one place. */
export const DEFAULTS = {
  /** `RecordAggregatorOptions.maxAggregatedBytes`: the KPL's AggregationMaxSize. */
  maxAggregatedBytes: KPL_DEFAULTS.aggregationMaxBytes,
  /** `RecordLimits.maxRecordBytes`. */
  maxRecordBytes: KINESIS_LIMITS.maxRecordBytes,
  /** `DeaggregateOptions.onCorrupt`. */
  onCorrupt: 'throw',
  /** `ShardEstimateInput.partitionKeyBytes`: a UUID. */
  partitionKeyBytes: 36,
  /** `ShardEstimateInput.targetUtilization`. */
  targetUtilization: 1,
} as const;
