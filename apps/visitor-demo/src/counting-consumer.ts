import { access } from 'node:fs/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type ConsumerBatch,
  FileCheckpointStore,
  KinesisConsumer,
  type KinesisConsumerMetrics,
  SHARD_END,
} from '@kinesis-kit/consumer';
import { type Logger, silentLogger } from '@kinesis-kit/records';
import { readSealedDocument, sealDocument, writeFileAtomic } from './atomic-file.js';
import { DEFAULTS } from './defaults.js';
import { VisitorDemoError } from './errors.js';
import type { VisitRow } from './queries.js';
import { comparePositions, VisitCounter, type VisitCounterOptions } from './visit-counter.js';

const FORMAT = 'kinesis-kit-visitor-counter';
const VERSION = 1;

/** Options of {@link CountingConsumer}. */
export interface CountingConsumerOptions extends VisitCounterOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** The counter's state file. */
  readonly statePath: string;
  /** The consumer's checkpoint file. */
  readonly checkpointPath: string;
  /** How often the state is saved and the batches checkpointed. @default 1000 */
  readonly commitIntervalMs?: number;
  /** The consumer's wait after a read that found a shard caught up. @default 250 */
  readonly pollIntervalMs?: number;
  /**
   * VisitIds of the batches the ledger has in doubt, to be sent again: remembered, once seen,
   * until `counter.resendsSettled()` (see `VisitCounter.holdUntilSettled`).
   */
  readonly heldVisitIds?: Iterable<string>;
  /**
   * Takes the visits each batch counted that belong in a window (each visitId once) — first,
   * at start, those of the windows a restored state keeps. The consumer reads on once the
   * promise it returns (if any) settles: back-pressure.
   */
  readonly onVisits?: (visits: readonly VisitRow[]) => Promise<void> | undefined;
  readonly logger?: Logger;
}

/**
 * The counting side of the demo: a {@link KinesisConsumer} with manual checkpoints feeding a
 * {@link VisitCounter}. Every `commitIntervalMs` it commits: the counter's state is written
 * crash-safely (temporary file, fsync, rename, directory fsync), and only then is each shard's
 * last counted batch checkpointed. So a stored checkpoint never covers a visit the stored state
 * has not counted; the other way round (state saved, checkpoint not yet), the restart re-delivers
 * visits the state remembers by visitId, and they are not counted again.
 */
export class CountingConsumer {
  readonly counter: VisitCounter;
  readonly #consumer: KinesisConsumer;
  readonly #statePath: string;
  readonly #commitIntervalMs: number;
  readonly #logger: Logger;
  readonly #onVisits: CountingConsumerOptions['onVisits'];
  /** Each shard's last counted batch not checkpointed yet. */
  readonly #uncommitted = new Map<string, ConsumerBatch>();
  #commits: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failure: unknown;
  #stopped: Promise<void> | undefined;

  private constructor(
    options: CountingConsumerOptions,
    counter: VisitCounter,
    checkpoints: FileCheckpointStore,
  ) {
    this.counter = counter;
    this.#statePath = options.statePath;
    this.#commitIntervalMs = options.commitIntervalMs ?? DEFAULTS.commitIntervalMs;
    this.#logger = options.logger ?? silentLogger;
    this.#onVisits = options.onVisits;
    this.#consumer = new KinesisConsumer({
      streamName: options.streamName,
      client: options.client,
      checkpoints,
      checkpointing: 'manual',
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      logger: this.#logger,
    });
  }

  /**
   * Loads the counter's state (a first start if there is none) and starts consuming. Refuses a
   * data dir with checkpoints but no state: counting would start in the middle of the stream.
   */
  static async start(options: CountingConsumerOptions): Promise<CountingConsumer> {
    const body = await readSealedDocument(options.statePath, FORMAT, VERSION);
    let counter: VisitCounter;
    if (body === undefined) {
      if (await exists(options.checkpointPath)) {
        throw new VisitorDemoError(
          'StateMissing',
          `${options.checkpointPath} exists but the counter state ${options.statePath} does not: the counts would miss what was checkpointed. Delete both to count from the start of the stream`,
        );
      }
      counter = new VisitCounter(options);
    } else {
      counter = VisitCounter.restore(body, options);
    }
    // Until the resends are settled (the demo says when), nothing from before this start is
    // forgotten: its copies may come back any time later.
    counter.holdUntilSettled(options.heldVisitIds);
    const checkpoints = new FileCheckpointStore({ path: options.checkpointPath });
    // A shard whose checkpoint is at the state's end delivers nothing the state counted again.
    for (const [shardId, checkpoint] of await checkpoints.loadAll()) {
      const pending = counter.pendingPosition(shardId);
      if (pending === undefined) continue;
      if (
        checkpoint === SHARD_END ||
        (pending !== null && comparePositions(checkpoint, pending) >= 0)
      ) {
        counter.shardReadPast(shardId);
      }
    }
    const consuming = new CountingConsumer(options, counter, checkpoints);
    await options.onVisits?.(counter.restoredVisits());
    consuming.#run();
    return consuming;
  }

  #run(): void {
    this.#running = this.#consumer
      .run({
        eachBatch: (batch) => {
          const visits = this.counter.apply(batch.shardId, batch.records);
          this.#uncommitted.set(batch.shardId, batch);
          return this.#onVisits?.(visits);
        },
      })
      .catch((error: unknown) => {
        this.#failure = error;
        this.#logger.error(`the consumer stopped: ${(error as Error)?.message ?? error}`);
      });
    this.#timer = setInterval(() => {
      this.commit().catch((error: unknown) => {
        this.#logger.error(`commit failed: ${(error as Error)?.message ?? error}`);
      });
    }, this.#commitIntervalMs);
  }

  /** The error that stopped the consumer, if one did. */
  get failure(): unknown {
    return this.#failure;
  }

  metrics(): KinesisConsumerMetrics {
    return this.#consumer.metrics();
  }

  /** Saves the state, then checkpoints the batches it covers. Commits never overlap. */
  commit(): Promise<void> {
    this.#commits = this.#commits.catch(() => {}).then(() => this.#commit());
    return this.#commits;
  }

  async #commit(): Promise<void> {
    if (this.#uncommitted.size === 0) return;
    const batches = [...this.#uncommitted.values()];
    this.#uncommitted.clear();
    const { body, generation } = this.counter.beginCommit();
    try {
      await writeFileAtomic(this.#statePath, sealDocument(FORMAT, VERSION, body));
      await Promise.all(batches.map((batch) => batch.checkpoint()));
    } catch (error) {
      // Not checkpointed: commit them with the next state (a later batch of a shard wins).
      for (const batch of batches) {
        if (!this.#uncommitted.has(batch.shardId)) this.#uncommitted.set(batch.shardId, batch);
      }
      throw error;
    }
    this.counter.commitDurable(generation);
  }

  /** Stops reading, lets the batch in hand finish, then commits the last state and checkpoints. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      clearInterval(this.#timer);
      await this.#consumer.stop();
      await this.#running;
      await this.commit();
    })();
    return this.#stopped;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
