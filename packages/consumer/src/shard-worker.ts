import { backoffMs, deaggregate, type Logger, type TypedEvents } from '@kinesis-kit/records';
import { Batch, type ConsumerBatch, type ConsumerRecord, type RecordPlace } from './batch.js';
import {
  type CheckpointStore,
  type RecordPosition,
  SHARD_END,
} from './checkpoints/checkpoint-store.js';
import { InvalidCheckpointError } from './errors.js';
import type { KinesisConsumerEvents } from './events.js';
import type { ShardStats } from './metrics.js';
import { comparePositions, toPosition } from './positions.js';
import type { ChildShard, ReadBatch, ShardReader, StartPosition } from './readers/shard-reader.js';

/** How a delivered batch was settled by the handler side. */
export type DeliveryOutcome = 'processed' | 'handed-off';

/**
 * Hands a batch to the application. Resolves once it is finished (or handed to
 * `onFailedBatch`); rejects with {@link DeliveryAbandoned} when the consumer stops before it
 * was finished, or with the error that stops the consumer.
 */
export type Deliver = (
  batch: ConsumerBatch,
) => Promise<{ outcome: DeliveryOutcome; handlerMs: number }>;

/** The batch was not finished because the consumer is stopping: no checkpoint, no error. */
export class DeliveryAbandoned extends Error {
  override readonly name = 'DeliveryAbandoned';
}

export interface ShardWorkerOptions {
  readonly shardId: string;
  readonly start: StartPosition;
  /** The stored checkpoint: records up to it are not delivered again. */
  readonly checkpoint: RecordPosition | undefined;
  readonly reader: ShardReader;
  readonly store: CheckpointStore;
  readonly deaggregate: boolean;
  readonly checkpointing: 'auto' | 'manual';
  /**
   * Manual mode: how long a shard that reached its end waits for the checkpoint of its last
   * delivered record before it is read again from its checkpoint (0: it does not wait).
   */
  readonly shardEndCheckpointWaitMs: number;
  readonly deliver: Deliver;
  readonly events: TypedEvents<KinesisConsumerEvents>;
  readonly stats: ShardStats;
  readonly logger: Logger;
  /** Aborted when the consumer stops: the batch in flight finishes, nothing new is read. */
  readonly signal: AbortSignal;
  /** Retry delays of a failed checkpoint write. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Tries of a checkpoint write after the first before its error is final. */
const CHECKPOINT_RETRIES = 4;

/** How a worker finished. */
export type ShardWorkerResult =
  | { readonly ended: true; readonly childShards: readonly ChildShard[] }
  | {
      readonly ended: false;
      /**
       * Set when the shard reached its end with records delivered but not checkpointed
       * (manual mode): it is to be read again from this checkpoint (undefined: from its start)
       * so that those records come again and can be checkpointed.
       */
      readonly resumeFrom?: RecordPosition | undefined;
    };

/**
 * Runs one shard: reads batches, takes aggregates apart, skips what the checkpoint covers,
 * hands one batch at a time to the application, checkpoints what it finished, and at the
 * shard's end stores SHARD_END so that the children may start. Knows nothing of other shards.
 */
export class ShardWorker {
  readonly #options: ShardWorkerOptions;
  /** The last record handed to the application: nothing at or before it is handed again. */
  #delivered: RecordPosition | undefined;
  /** The last checkpoint asked for (stored, or being stored). */
  #requested: RecordPosition | undefined;
  /** The last checkpoint the store accepted. */
  #stored: RecordPosition | undefined;
  #ordinal = 0;
  #checkpoints: Promise<void> = Promise.resolve();
  /** Set while the shard's end waits for a checkpoint: told each time one is stored. */
  #onStored: (() => void) | undefined;

  constructor(options: ShardWorkerOptions) {
    this.#options = options;
    this.#delivered = options.checkpoint;
    this.#requested = options.checkpoint;
    this.#stored = options.checkpoint;
  }

  async run(): Promise<ShardWorkerResult> {
    const options = this.#options;
    const { shardId, signal } = options;
    options.events.emit('shard_started', () => ({ shardId, start: options.start }));
    for await (const read of options.reader.read(shardId, options.start, signal)) {
      options.stats.millisBehindLatest = read.millisBehindLatest;
      const batch = this.#toBatch(read);
      if (batch) {
        let settled: Awaited<ReturnType<Deliver>>;
        try {
          settled = await options.deliver(batch);
        } catch (error) {
          if (error instanceof DeliveryAbandoned) return { ended: false };
          throw error;
        }
        const lastPlace = batch.lastPlace;
        this.#delivered = lastPlace.position;
        options.stats.processed(
          batch.records.length,
          batch.bytes,
          lastPlace.ordinal + 1,
          Date.now(),
        );
        if (options.checkpointing === 'auto') await this.#checkpoint(lastPlace);
        options.events.emit('batch_processed', () => ({
          position: batch.position,
          records: batch.records.length,
          bytes: batch.bytes,
          millisBehindLatest: batch.millisBehindLatest,
          handlerMs: settled.handlerMs,
          succeeded: settled.outcome === 'processed',
        }));
      }
      if (read.childShards) return this.#end(read.childShards);
      if (signal.aborted) break;
    }
    return { ended: false };
  }

  /**
   * Stores SHARD_END once everything delivered is checkpointed. In manual mode the handler may
   * checkpoint its last records later than it returned (a streaming-SQL engine checkpoints a
   * batch once the windows it fed have fired): the shard's end waits for that checkpoint, up to
   * `shardEndCheckpointWaitMs`, before it falls back to reading the shard again.
   */
  async #end(childShards: readonly ChildShard[]): Promise<ShardWorkerResult> {
    const { shardId, events, logger, signal, checkpointing, shardEndCheckpointWaitMs } =
      this.#options;
    // A failed write was reported to whoever asked for it; what counts is what was stored.
    await this.#checkpoints.catch(() => undefined);
    const started = Date.now();
    if (checkpointing === 'manual' && !this.#allStored() && shardEndCheckpointWaitMs > 0) {
      logger.debug(
        `shard ${shardId} reached its end with records not checkpointed: waiting up to ${shardEndCheckpointWaitMs} ms for their checkpoint`,
        { shardId, lastDelivered: this.#delivered, lastCheckpoint: this.#stored },
      );
      await this.#storedOrTimeout(shardEndCheckpointWaitMs);
      await this.#checkpoints.catch(() => undefined);
    }
    if (!this.#allStored()) {
      // Stopping: the next start delivers them again, as for any record not checkpointed.
      if (signal.aborted) return { ended: false };
      const waitedMs = Date.now() - started;
      logger.warn(
        `shard ${shardId} reached its end with records not checkpointed (waited ${waitedMs} ms for their checkpoint): it is read again from its checkpoint so that they come again; its children wait until they are checkpointed`,
        { shardId, lastDelivered: this.#delivered, lastCheckpoint: this.#stored, waitedMs },
      );
      return { ended: false, resumeFrom: this.#stored };
    }
    await this.#save(SHARD_END);
    this.#options.stats.checkpointed(this.#ordinal, Date.now());
    events.emit('checkpoint_written', () => ({ shardId, checkpoint: SHARD_END }));
    events.emit('shard_ended', () => ({
      shardId,
      childShardIds: childShards.map((child) => child.shardId),
    }));
    return { ended: true, childShards };
  }

  /** Whether the stored checkpoint covers every record delivered. */
  #allStored(): boolean {
    const delivered = this.#delivered;
    const stored = this.#stored;
    return !delivered || (stored !== undefined && comparePositions(stored, delivered) >= 0);
  }

  /**
   * Resolves once a stored checkpoint covers every record delivered, after `timeoutMs`, or when
   * the consumer stops, whichever comes first. Woken by the checkpoint write itself: no polling.
   */
  #storedOrTimeout(timeoutMs: number): Promise<void> {
    const { signal } = this.#options;
    if (signal.aborted || this.#allStored()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.#onStored = undefined;
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      signal.addEventListener('abort', finish, { once: true });
      this.#onStored = () => {
        if (this.#allStored()) finish();
      };
    });
  }

  /** The read's user records past what was delivered, as a batch; undefined when none. */
  #toBatch(read: ReadBatch): Batch | undefined {
    const options = this.#options;
    const records: ConsumerRecord[] = [];
    const places = new Map<ConsumerRecord, RecordPlace>();
    let bytes = 0;
    for (const outer of read.records) {
      const users = options.deaggregate
        ? deaggregate(outer, { onCorrupt: 'passThrough' })
        : [outer];
      const lastIndex = users.length - 1;
      users.forEach((user, index) => {
        // The last record of an aggregate stands for the whole Kinesis record: a checkpoint
        // there resumes after it (AFTER_SEQUENCE_NUMBER), not inside it.
        const position =
          index === lastIndex
            ? toPosition(user.sequenceNumber)
            : toPosition(user.sequenceNumber, user.subSequenceNumber);
        const exact = toPosition(user.sequenceNumber, user.subSequenceNumber);
        if (this.#delivered && comparePositions(exact, this.#delivered) <= 0) return;
        records.push(user);
        places.set(user, { position, ordinal: this.#ordinal++ });
        bytes += user.data.byteLength + Buffer.byteLength(user.partitionKey);
      });
    }
    if (records.length === 0) return undefined;
    return new Batch({
      shardId: options.shardId,
      records,
      places,
      millisBehindLatest: read.millisBehindLatest,
      bytes,
      checkpoint: (place) => this.#checkpoint(place),
    });
  }

  /**
   * Stores a checkpoint, in order with earlier ones; refuses one that goes backwards. A write
   * that keeps failing rejects (for whoever asked) without blocking later checkpoints: the
   * next one is written as if the failed one had never been asked for.
   */
  #checkpoint(place: RecordPlace): Promise<void> {
    const { shardId, events, stats } = this.#options;
    const requested = this.#requested;
    if (requested) {
      const order = comparePositions(place.position, requested);
      if (order < 0) {
        return Promise.reject(
          new InvalidCheckpointError(
            `cannot checkpoint shard ${shardId} at ${describe(place.position)}: it is below the checkpoint ${describe(requested)}`,
          ),
        );
      }
      if (order === 0) return this.#checkpoints;
    }
    this.#requested = place.position;
    const write = this.#checkpoints
      .catch(() => undefined)
      .then(async () => {
        try {
          await this.#save(place.position);
        } catch (error) {
          // Nothing later was asked for: the next request may ask for this place again.
          if (this.#requested === place.position) this.#requested = this.#stored;
          throw error;
        }
        this.#stored = place.position;
        this.#onStored?.();
        stats.checkpointed(place.ordinal + 1, Date.now());
        events.emit('checkpoint_written', () => ({ shardId, checkpoint: place.position }));
      });
    this.#checkpoints = write;
    return write;
  }

  /**
   * `store.save`, tried again with backoff (a store may fail now and then: a throttled table,
   * a busy disk); the error of the last try is final.
   */
  async #save(checkpoint: RecordPosition | typeof SHARD_END): Promise<void> {
    const { shardId, store, logger, initialBackoffMs, maxBackoffMs } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        await store.save(shardId, checkpoint);
        return;
      } catch (error) {
        if (attempt > CHECKPOINT_RETRIES) throw error;
        logger.warn(`checkpoint of shard ${shardId} failed; trying again`, {
          attempt,
          error: (error as Error)?.message ?? String(error),
        });
        await new Promise((resolve) =>
          setTimeout(resolve, backoffMs(attempt, initialBackoffMs, maxBackoffMs)),
        );
      }
    }
  }
}

function describe(position: RecordPosition): string {
  return position.subSequenceNumber === undefined
    ? position.sequenceNumber
    : `${position.sequenceNumber}/${position.subSequenceNumber}`;
}
