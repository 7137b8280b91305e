import { KINESIS_LIMITS } from '@kinesis-kit/records';

/**
 * The limits the endpoint enforces. Profile `aws` (the default) enforces AWS's per-shard
 * throughput limits; `off` disables throughput limits only, for fast tests. Validation limits
 * (sizes, counts, lengths) always hold.
 */
export type LimitsProfileName = 'aws' | 'off';

export interface LimitsProfile {
  readonly name: LimitsProfileName;
  /** Whether per-shard throughput limits apply. */
  readonly throttle: boolean;
  readonly shardWriteRecordsPerSec: number;
  readonly shardWriteBytesPerSec: number;
  readonly shardReadCallsPerSec: number;
  readonly shardReadBytesPerSec: number;
  readonly getShardIteratorCallsPerSec: number;
}

export function limitsProfile(name: LimitsProfileName): LimitsProfile {
  return {
    name,
    throttle: name === 'aws',
    shardWriteRecordsPerSec: KINESIS_LIMITS.shardWriteRecordsPerSec,
    shardWriteBytesPerSec: KINESIS_LIMITS.shardWriteBytesPerSec,
    shardReadCallsPerSec: KINESIS_LIMITS.shardReadCallsPerSec,
    shardReadBytesPerSec: KINESIS_LIMITS.shardReadBytesPerSec,
    getShardIteratorCallsPerSec: KINESIS_LIMITS.getShardIteratorCallsPerSec,
  };
}
