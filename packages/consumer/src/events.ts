import type { Checkpoint } from './checkpoints/checkpoint-store.js';
import type { BatchPosition } from './errors.js';
import type { StartPosition } from './readers/shard-reader.js';

/** The consumer's events and their payloads (subscribe with `consumer.on(name, listener)`). */
export interface KinesisConsumerEvents {
  /** A shard's reader started, at `start`. */
  shard_started: { readonly shardId: string; readonly start: StartPosition };
  /** A shard was read to its end and its SHARD_END checkpoint stored: its children may start. */
  shard_ended: { readonly shardId: string; readonly childShardIds: readonly string[] };
  /** A batch was handled (or handed to `onFailedBatch`) and, in auto mode, checkpointed. */
  batch_processed: {
    readonly position: BatchPosition;
    readonly records: number;
    readonly bytes: number;
    readonly millisBehindLatest: number | undefined;
    /** Handler time, retries included. */
    readonly handlerMs: number;
    /** `false` when the batch failed and went to `onFailedBatch`. */
    readonly succeeded: boolean;
  };
  /** A checkpoint is durable in the store. */
  checkpoint_written: { readonly shardId: string; readonly checkpoint: Checkpoint };
  /** A batch handler threw; `willRetry` says whether it is tried again. */
  handler_failed: {
    readonly position: BatchPosition;
    readonly error: unknown;
    /** Tries so far, this one included. */
    readonly attempt: number;
    readonly willRetry: boolean;
  };
  /** Kinesis answered a read with ProvisionedThroughputExceeded: the shard's reads slow down. */
  shard_throttled: { readonly shardId: string; readonly operation: string };
}
