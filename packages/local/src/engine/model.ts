/**
 * The state the engine keeps and the store persists. Plain data: no behaviour, no I/O.
 * Sequence numbers and hash keys are `bigint`; times are epoch milliseconds.
 */

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** One record as a shard stores it. */
export interface ShardRecord {
  readonly sequenceNumber: bigint;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** ApproximateArrivalTimestamp, epoch milliseconds. */
  readonly arrivalMs: number;
}

/** A shard's description; its records live apart, in the shard log. */
export interface ShardState {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
  readonly startingSequenceNumber: bigint;
  /** Set when the shard is closed by resharding. */
  endingSequenceNumber?: bigint | undefined;
  /** When the shard was closed, epoch milliseconds. */
  closedMs?: number | undefined;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
  readonly createdMs: number;
}

export type StreamConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

/** An enhanced fan-out consumer registered on a stream (RegisterStreamConsumer). */
export interface StreamConsumerState {
  readonly name: string;
  /** `<stream ARN>/consumer/<name>:<creation epoch seconds>`, as AWS builds it. */
  readonly arn: string;
  readonly createdMs: number;
  status: StreamConsumerStatus;
}

/** A stream's description: everything but its records. */
export interface StreamState {
  readonly name: string;
  readonly arn: string;
  /** Distinguishes a stream from an earlier one of the same name (storage keys use it). */
  readonly createdMs: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  /** Largest record, data + partition key, in KiB (UpdateMaxRecordSize). */
  maxRecordSizeKiB: number;
  shards: ShardState[];
  tags: Record<string, string>;
  /** Index the next new shard's id gets (`shardId-000000000007`). */
  nextShardIndex: number;
  /** Stream-wide counter behind sequence numbers; the next record gets this value. */
  nextSequence: bigint;
  /** Enhanced fan-out consumers, in registration order. */
  consumers: StreamConsumerState[];
}
