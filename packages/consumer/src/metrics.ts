import { RateCounter } from '@kinesis-kit/records';
/** A shard's figures in {@link KinesisConsumerMetrics}. */
export interface ShardMetrics {
  readonly shardId: string;
  /** `running` while read; `ended` once its SHARD_END checkpoint is stored; `stopped` otherwise. */
  readonly state: 'running' | 'ended' | 'stopped';
  /** User records handled per second (average of the last completed seconds). */
  readonly recordsPerSec: number;
  /** Bytes (data + partition keys) handled per second. */
  readonly bytesPerSec: number;
  /** What the last read said (`undefined` before the first read). */
  readonly millisBehindLatest: number | undefined;
  /** User records handled since the shard started. */
  readonly recordsProcessed: number;
  /** Records handed to the handler and not covered by a checkpoint yet: what a crash re-delivers. */
  readonly checkpointLagRecords: number;
  /** Milliseconds since the last checkpoint was stored (`undefined`: none yet). */
  readonly msSinceCheckpoint: number | undefined;
}

/** What `metrics()` returns: a plain snapshot. */
export interface KinesisConsumerMetrics {
  readonly shards: readonly ShardMetrics[];
  /** Sum of the shards' `recordsPerSec`. */
  readonly recordsPerSec: number;
  readonly recordsProcessed: number;
  readonly handlerFailures: number;
  readonly throttles: number;
}

/** The running figures of one shard. */
export class ShardStats {
  readonly shardId: string;
  state: ShardMetrics['state'] = 'running';
  millisBehindLatest: number | undefined;
  recordsProcessed = 0;
  /** Records handed over and finished, and how many of them a checkpoint covers. */
  #finishedThrough = 0;
  #checkpointedThrough = 0;
  lastCheckpointMs: number | undefined;
  readonly #records = new RateCounter();
  readonly #bytes = new RateCounter();

  constructor(shardId: string) {
    this.shardId = shardId;
  }

  /** A batch was finished; `through` counts the shard's records handed over up to its end. */
  processed(records: number, bytes: number, through: number, nowMs: number): void {
    this.recordsProcessed += records;
    this.#finishedThrough = Math.max(this.#finishedThrough, through);
    this.#records.add(records, nowMs);
    this.#bytes.add(bytes, nowMs);
  }

  /** A checkpoint covering the shard's first `through` records handed over was stored. */
  checkpointed(through: number, nowMs: number): void {
    this.#checkpointedThrough = Math.max(this.#checkpointedThrough, through);
    this.lastCheckpointMs = nowMs;
  }

  snapshot(nowMs: number): ShardMetrics {
    return {
      shardId: this.shardId,
      state: this.state,
      recordsPerSec: this.#records.perSecond(nowMs),
      bytesPerSec: this.#bytes.perSecond(nowMs),
      millisBehindLatest: this.millisBehindLatest,
      recordsProcessed: this.recordsProcessed,
      checkpointLagRecords: Math.max(0, this.#finishedThrough - this.#checkpointedThrough),
      msSinceCheckpoint:
        this.lastCheckpointMs === undefined ? undefined : nowMs - this.lastCheckpointMs,
    };
  }
}
