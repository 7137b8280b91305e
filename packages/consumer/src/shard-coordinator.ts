import { setMaxListeners } from 'node:events';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '@kinesis-kit/records';
import { backoffMs, type TypedEvents } from '@kinesis-kit/records';
import type { CheckpointStore } from './checkpoints/checkpoint-store.js';
import { KinesisRequestError } from './errors.js';
import type { KinesisConsumerEvents } from './events.js';
import { ShardStats } from './metrics.js';
import { delay, type ShardReader } from './readers/shard-reader.js';
import { type InitialPosition, ShardAssignment, startAfter } from './shard-assignment.js';
import { listShards } from './shard-lister.js';
import { type Deliver, ShardWorker } from './shard-worker.js';
import type { StreamAddress } from './stream-address.js';

export interface ShardCoordinatorOptions {
  readonly client: KinesisClient;
  readonly stream: StreamAddress;
  readonly store: CheckpointStore;
  readonly reader: ShardReader;
  readonly initialPosition: InitialPosition;
  readonly deaggregate: boolean;
  readonly checkpointing: 'auto' | 'manual';
  readonly shardEndCheckpointWaitMs: number;
  readonly shardDiscoveryIntervalMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly deliver: Deliver;
  readonly events: TypedEvents<KinesisConsumerEvents>;
  /** Where each shard's figures go (kept by the consumer for `metrics()`). */
  readonly stats: Map<string, ShardStats>;
  readonly logger: Logger;
  /** Told once when the run starts stopping (by `stop()` or a fatal error). */
  readonly onStopping: () => void;
}

/**
 * Runs the stream in one process: lists shards (at start, every `shardDiscoveryIntervalMs`,
 * and when a shard ends), asks the {@link ShardAssignment} which may start, runs a
 * {@link ShardWorker} for each, and on stop or on the first fatal error lets every worker
 * finish its batch in flight before it settles.
 */
export class ShardCoordinator {
  readonly #options: ShardCoordinatorOptions;
  readonly #stopping = new AbortController();
  readonly #workers = new Map<string, Promise<void>>();
  #assignment: ShardAssignment | undefined;
  #failed = false;
  #failure: unknown;
  #discoverNow: (() => void) | undefined;
  /** Shards read again because they ended with records not checkpointed: how often in a row. */
  readonly #rereads = new Map<string, number>();

  constructor(options: ShardCoordinatorOptions) {
    this.#options = options;
    // Every shard's reader and requests listen to this one signal: many shards, many listeners.
    setMaxListeners(0, this.#stopping.signal);
  }

  /** The shards a worker reads now (a child shard only once its parents are done). */
  readingShards(): string[] {
    return [...this.#workers.keys()];
  }

  /** Stops reading; the batches in flight finish and are checkpointed. */
  stop(): void {
    this.#stopping.abort();
  }

  /** Resolves once stopped and every worker settled; rejects with the first fatal error. */
  async run(): Promise<void> {
    const options = this.#options;
    this.#stopping.signal.addEventListener('abort', () => options.onStopping(), { once: true });
    try {
      await options.reader.open?.(this.#stopping.signal);
      const checkpoints = await options.store.loadAll();
      this.#assignment = new ShardAssignment(options.initialPosition, checkpoints);
      await this.#discoverUntilListed();
      this.#startReady();
      await this.#discoveryLoop();
    } catch (error) {
      this.#fail(error);
    }
    while (this.#workers.size > 0) await Promise.allSettled([...this.#workers.values()]);
    try {
      await options.reader.close?.();
    } catch (error) {
      this.#fail(error);
    }
    if (this.#failed) throw this.#failure;
  }

  /** The first listing: retriable failures are retried, others end the run. */
  async #discoverUntilListed(): Promise<void> {
    const options = this.#options;
    const signal = this.#stopping.signal;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        this.#assignment?.addShards(await listShards(options.client, options.stream, signal));
        return;
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof KinesisRequestError) || !error.retriable) throw error;
        options.logger.warn(`listing shards failed (${error.awsCode}); retrying`, { attempt });
        await delay(backoffMs(attempt, options.initialBackoffMs, options.maxBackoffMs), signal);
      }
    }
  }

  async #discoveryLoop(): Promise<void> {
    const options = this.#options;
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        this.#discoverNow = resolve;
        void delay(options.shardDiscoveryIntervalMs, signal).then(resolve);
      });
      this.#discoverNow = undefined;
      if (signal.aborted) return;
      try {
        this.#assignment?.addShards(await listShards(options.client, options.stream, signal));
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof KinesisRequestError) || !error.retriable) throw error;
        options.logger.warn(`listing shards failed (${error.awsCode}); trying again later`);
      }
      this.#startReady();
    }
  }

  #startReady(): void {
    const assignment = this.#assignment;
    const signal = this.#stopping.signal;
    if (!assignment || signal.aborted) return;
    const options = this.#options;
    for (const ready of assignment.takeReady()) {
      const stats = new ShardStats(ready.shardId);
      options.stats.set(ready.shardId, stats);
      const worker = new ShardWorker({
        shardId: ready.shardId,
        start: ready.start,
        checkpoint: ready.checkpoint,
        reader: options.reader,
        store: options.store,
        deaggregate: options.deaggregate,
        checkpointing: options.checkpointing,
        shardEndCheckpointWaitMs: options.shardEndCheckpointWaitMs,
        deliver: options.deliver,
        events: options.events,
        stats,
        logger: options.logger,
        signal,
        initialBackoffMs: options.initialBackoffMs,
        maxBackoffMs: options.maxBackoffMs,
      });
      const running = worker
        .run()
        .then(
          (result) => {
            if (!result.ended) {
              stats.state = 'stopped';
              if (signal.aborted) {
                // Stopped by the consumer: it may start again.
                assignment.markStopped(ready.shardId);
                return;
              }
              // It reached its end with records not checkpointed (manual mode): read it again
              // from its checkpoint, after a pause, so that they come again.
              const attempt = (this.#rereads.get(ready.shardId) ?? 0) + 1;
              this.#rereads.set(ready.shardId, attempt);
              void delay(
                backoffMs(attempt, options.initialBackoffMs, options.maxBackoffMs),
                signal,
              ).then(() => {
                const from = result.resumeFrom;
                assignment.markStopped(
                  ready.shardId,
                  from === undefined
                    ? { checkpoint: ready.checkpoint, start: ready.start }
                    : { checkpoint: from, start: startAfter(from) },
                );
                this.#startReady();
              });
              return;
            }
            this.#rereads.delete(ready.shardId);
            stats.state = 'ended';
            assignment.markEnded(ready.shardId);
            assignment.addShards(
              result.childShards.map((child) => ({
                shardId: child.shardId,
                parentShardIds: child.parentShardIds,
                closed: false,
                listed: false,
              })),
            );
            // A merge's other parent may be unknown yet: list now rather than at the next tick.
            if (assignment.hasUnlistedParents()) this.#discoverNow?.();
            this.#startReady();
          },
          (error: unknown) => {
            stats.state = 'stopped';
            this.#fail(error);
          },
        )
        .finally(() => {
          this.#workers.delete(ready.shardId);
        });
      this.#workers.set(ready.shardId, running);
    }
  }

  #fail(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#failure = error;
    }
    this.#stopping.abort();
  }
}
