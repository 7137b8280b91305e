import { setMaxListeners } from 'node:events';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  backoffMs,
  InvalidArgumentError,
  type Logger,
  silentLogger,
  TypedEvents,
} from '@kinesis-kit/records';
import type { ConsumerBatch, ConsumerBatches, ConsumerRecord } from './batch.js';
import { BatchChannel } from './batch-channel.js';
import type { CheckpointStore } from './checkpoints/checkpoint-store.js';
import { defaultClient } from './default-client.js';
import { DEFAULTS } from './defaults.js';
import { ConsumerStateError, HandlerFailedError } from './errors.js';
import type { KinesisConsumerEvents } from './events.js';
import type { KinesisConsumerMetrics, ShardStats } from './metrics.js';
import {
  type FailedBatch,
  type KinesisConsumerOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { createShardReader } from './readers/create-shard-reader.js';
import { delay, type ShardReader } from './readers/shard-reader.js';
import { ShardCoordinator } from './shard-coordinator.js';
import { type Deliver, DeliveryAbandoned } from './shard-worker.js';

/** The handler of `run()`: a whole batch, or each record in order. */
export type RunHandlers =
  | {
      /** Processes a batch; resolves once it is done (then it is checkpointed in auto mode). */
      readonly eachBatch: (batch: ConsumerBatch) => void | Promise<void>;
    }
  | {
      /**
       * Processes one record; the batch's records come in order, one at a time. After a failure
       * the batch is retried from the record that failed.
       */
      readonly eachRecord: (record: ConsumerRecord, batch: ConsumerBatch) => void | Promise<void>;
    };

/**
 * Reads every shard of a Kinesis data stream and hands its records to your handler, one batch
 * at a time per shard (shards in parallel), in shard order, without ever checkpointing beyond
 * what the handler finished: delivery is at-least-once, and a restart resumes right after the
 * last checkpoint. KPL aggregates are taken apart; resharded shards are read parents first, so
 * each partition key's records stay in order; iterators that expire and throttled reads are
 * handled; a failing handler is retried, then stops the consumer or goes to `onFailedBatch`.
 *
 * @example
 * ```ts
 * const consumer = new KinesisConsumer({
 *   streamName: 'clicks',
 *   checkpoints: new FileCheckpointStore({ path: 'clicks.checkpoints.json' }),
 * });
 * process.once('SIGTERM', () => void consumer.stop());
 * await consumer.run({ eachRecord: async (record) => save(record.partitionKey, record.data) });
 * ```
 */
export class KinesisConsumer implements AsyncDisposable {
  readonly #options: ResolvedOptions;
  readonly #client: KinesisClient;
  readonly #ownsClient: boolean;
  readonly #store: CheckpointStore;
  readonly #logger: Logger;
  readonly #events: TypedEvents<KinesisConsumerEvents>;
  readonly #reader: ShardReader;
  readonly #onFailedBatch: ((failed: FailedBatch) => void | Promise<void>) | undefined;
  readonly #stats = new Map<string, ShardStats>();
  /** Aborted by `stop()`: stops handler retries waiting for their backoff. */
  readonly #stopping = new AbortController();
  #coordinator: ShardCoordinator | undefined;
  #running: Promise<void> | undefined;
  #onStop: (() => void) | undefined;
  #handlerFailures = 0;
  #throttles = 0;

  constructor(options: KinesisConsumerOptions) {
    this.#options = resolveOptions(options);
    // Each shard's handler retries wait on this signal.
    setMaxListeners(0, this.#stopping.signal);
    this.#logger = options.logger ?? silentLogger;
    this.#store = options.checkpoints;
    this.#onFailedBatch = options.onFailedBatch;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? defaultClient(this.#options.mode);
    this.#events = new TypedEvents((error) =>
      this.#logger.warn(`a KinesisConsumer listener threw: ${(error as Error)?.stack ?? error}`),
    );
    const { mode, consumerName, deregisterOnStop } = this.#options;
    this.#reader = createShardReader({
      ...(mode === 'fan-out'
        ? {
            mode,
            consumerName: consumerName as string,
            deregisterOnStop,
            consumerStatusPollMs: DEFAULTS.consumerStatusPollMs,
          }
        : { mode }),
      client: this.#client,
      stream: this.#options.stream,
      maxRecordsPerCall: this.#options.maxRecordsPerCall,
      pollIntervalMs: this.#options.pollIntervalMs,
      minReadIntervalMs: DEFAULTS.minReadIntervalMs,
      readBytesPerSec: DEFAULTS.readBytesPerSec,
      initialBackoffMs: this.#options.initialBackoffMs,
      maxBackoffMs: this.#options.maxBackoffMs,
      logger: this.#logger,
      onThrottled: (shardId, operation) => {
        this.#throttles += 1;
        this.#events.emit('shard_throttled', () => ({ shardId, operation }));
      },
    });
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof KinesisConsumerEvents>(
    name: K,
    listener: (event: KinesisConsumerEvents[K]) => void,
  ): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Consumes the stream with `eachBatch` or `eachRecord` until `stop()` (or the signal) ends
   * it, then resolves once the batches in flight are finished and checkpointed. Rejects with a
   * `HandlerFailedError` when a handler failed on every try and no `onFailedBatch` is set,
   * or with the error that made reading impossible (a `KinesisRequestError`, a checkpoint
   * store's error); the other shards then stop as they would on `stop()`.
   */
  run(handlers: RunHandlers, options: { signal?: AbortSignal } = {}): Promise<void> {
    let handler: (batch: ConsumerBatch) => void | Promise<void>;
    if (typeof handlers === 'object' && handlers !== null && 'eachBatch' in handlers) {
      if (typeof handlers.eachBatch !== 'function') {
        return Promise.reject(new InvalidArgumentError('eachBatch must be a function'));
      }
      handler = handlers.eachBatch;
    } else if (typeof handlers === 'object' && handlers !== null && 'eachRecord' in handlers) {
      if (typeof handlers.eachRecord !== 'function') {
        return Promise.reject(new InvalidArgumentError('eachRecord must be a function'));
      }
      handler = eachRecordHandler(handlers.eachRecord);
    } else {
      return Promise.reject(
        new InvalidArgumentError('run() needs { eachBatch } or { eachRecord }'),
      );
    }
    return this.#start((batch) => this.#handle(handler, batch), options.signal);
  }

  /**
   * The stream's batches as an async iterator, one at a time across shards. A batch counts as
   * finished when the loop asks for the next one (then, in auto mode, it is checkpointed).
   * Leaving the loop (`break`, an exception) stops the consumer without checkpointing the
   * batch in hand: call `batch.checkpoint()` first if it was processed. The iteration ends
   * after `stop()` or when `signal` aborts, and throws what would make `run()` reject.
   */
  batches(options: { signal?: AbortSignal } = {}): ConsumerBatches {
    const channel = new BatchChannel();
    let started: Promise<void> | undefined;
    const start = () => {
      started ??= this.#start(channel.deliver, options.signal, () => channel.close()).then(
        () => channel.end(),
        (error: unknown) => channel.end({ error }),
      );
    };
    const iterator: ConsumerBatches = {
      readingShards: () => this.readingShards(),
      next: () => {
        start();
        return channel.next();
      },
      return: async () => {
        channel.abandonCurrent();
        if (started) await this.stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * The shards this consumer reads now: one worker each; a child shard appears once its parents
   * are read to their end, and a shard leaves the list when it ends. Empty before the consumer
   * starts and after it stops. An event-time reader (such as `@kinesis-kit/analytics`) waits for
   * every shard listed before it decides that rows are late.
   */
  readingShards(): readonly string[] {
    return this.#coordinator?.readingShards() ?? [];
  }

  /**
   * Stops: nothing new is read, the handlers in flight finish, their batches are checkpointed,
   * and then it resolves (whether `run()` succeeded or not). Idempotent.
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#onStop?.();
    this.#coordinator?.stop();
    if (this.#running) await this.#running.catch(() => {});
    else if (this.#ownsClient) this.#client.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** A snapshot of the consumer's figures, per shard and in total. */
  metrics(): KinesisConsumerMetrics {
    const now = Date.now();
    const shards = [...this.#stats.values()].map((stats) => stats.snapshot(now));
    return {
      shards,
      recordsPerSec: shards.reduce((sum, shard) => sum + shard.recordsPerSec, 0),
      recordsProcessed: shards.reduce((sum, shard) => sum + shard.recordsProcessed, 0),
      handlerFailures: this.#handlerFailures,
      throttles: this.#throttles,
    };
  }

  #start(deliver: Deliver, signal: AbortSignal | undefined, onStop?: () => void): Promise<void> {
    if (this.#running || this.#stopping.signal.aborted) {
      return Promise.reject(
        new ConsumerStateError(
          this.#running
            ? 'the consumer is already running: one run() or batches() per consumer'
            : 'the consumer was stopped: create a new one to consume again',
        ),
      );
    }
    this.#onStop = onStop;
    const coordinator = new ShardCoordinator({
      client: this.#client,
      stream: this.#options.stream,
      store: this.#store,
      reader: this.#reader,
      initialPosition: this.#options.initialPosition,
      deaggregate: this.#options.deaggregate,
      checkpointing: this.#options.checkpointing,
      shardEndCheckpointWaitMs: this.#options.shardEndCheckpointWaitMs,
      shardDiscoveryIntervalMs: this.#options.shardDiscoveryIntervalMs,
      initialBackoffMs: this.#options.initialBackoffMs,
      maxBackoffMs: this.#options.maxBackoffMs,
      deliver,
      events: this.#events,
      stats: this.#stats,
      logger: this.#logger,
      // Whether by stop() or a fatal error: retries waiting for their backoff give up, and
      // batches() hands out nothing more.
      onStopping: () => {
        this.#stopping.abort();
        this.#onStop?.();
      },
    });
    this.#coordinator = coordinator;
    const onAbort = () => void this.stop();
    if (signal?.aborted) coordinator.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    const running = coordinator.run().finally(() => {
      signal?.removeEventListener('abort', onAbort);
      this.#onStop?.();
      if (this.#ownsClient) this.#client.destroy();
    });
    this.#running = running;
    return running;
  }

  /** Runs the handler on a batch with retries, then applies the failure policy. */
  async #handle(
    handler: (batch: ConsumerBatch) => void | Promise<void>,
    batch: ConsumerBatch,
  ): ReturnType<Deliver> {
    const started = Date.now();
    const stopping = this.#stopping.signal;
    const retries = this.#options.maxHandlerRetries;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(batch);
        return { outcome: 'processed', handlerMs: Date.now() - started };
      } catch (error) {
        this.#handlerFailures += 1;
        const willRetry = attempt <= retries && !stopping.aborted;
        this.#events.emit('handler_failed', () => ({
          position: batch.position,
          error,
          attempt,
          willRetry,
        }));
        if (willRetry) {
          await delay(
            backoffMs(attempt, this.#options.initialBackoffMs, this.#options.maxBackoffMs),
            stopping,
          );
          if (!stopping.aborted) continue;
        }
        if (stopping.aborted) throw new DeliveryAbandoned('the consumer stopped during retries');
        const onFailedBatch = this.#onFailedBatch;
        if (onFailedBatch === undefined) {
          throw new HandlerFailedError('HandlerFailed', batch.position, attempt, error);
        }
        try {
          await onFailedBatch({ batch, error, attempts: attempt });
        } catch (handOffError) {
          throw new HandlerFailedError(
            'FailedBatchHandlerFailed',
            batch.position,
            attempt,
            handOffError,
          );
        }
        return { outcome: 'handed-off', handlerMs: Date.now() - started };
      }
    }
  }
}

/** A batch handler that calls `eachRecord` in order and resumes at the failed record on retry. */
function eachRecordHandler(
  eachRecord: (record: ConsumerRecord, batch: ConsumerBatch) => void | Promise<void>,
): (batch: ConsumerBatch) => Promise<void> {
  const progress = new WeakMap<ConsumerBatch, number>();
  return async (batch) => {
    for (let index = progress.get(batch) ?? 0; index < batch.records.length; index++) {
      progress.set(batch, index);
      await eachRecord(batch.records[index] as ConsumerRecord, batch);
    }
    progress.set(batch, batch.records.length);
  };
}
