import type { Checkpoint, CheckpointStore } from './checkpoint-store.js';

/**
 * Keeps checkpoints in memory: for tests, and for consumers that may re-read from their
 * initial position after a restart. Share one instance between consumers to resume in-process.
 *
 * @example
 * ```ts
 * const checkpoints = new MemoryCheckpointStore();
 * const consumer = new KinesisConsumer({ streamName: 'clicks', checkpoints });
 * ```
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, Checkpoint>();

  async load(shardId: string): Promise<Checkpoint | undefined> {
    return this.#checkpoints.get(shardId);
  }

  async save(shardId: string, checkpoint: Checkpoint): Promise<void> {
    this.#checkpoints.set(shardId, checkpoint);
  }

  async loadAll(): Promise<ReadonlyMap<string, Checkpoint>> {
    return new Map(this.#checkpoints);
  }
}
