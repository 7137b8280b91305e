import { type Checkpoint, type RecordPosition, SHARD_END } from './checkpoints/checkpoint-store.js';
import type { StartPosition } from './readers/shard-reader.js';

/** Where a shard with no checkpoint and no unread parent starts. */
export type InitialPosition = 'TRIM_HORIZON' | 'LATEST' | { readonly timestamp: Date };

/** What the assignment knows of a shard. */
export interface ShardLineage {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  /** Whether the shard is known to be closed (it has an ending sequence number). */
  readonly closed: boolean;
  /**
   * Whether the shard came from a full listing (ListShards), so that a parent missing from
   * the listing is known to be gone (past retention) rather than not listed yet.
   */
  readonly listed: boolean;
}

/** A shard that may start now, and where. */
export interface ReadyShard {
  readonly shardId: string;
  readonly start: StartPosition;
  /** The stored checkpoint it resumes from: records up to it are skipped. */
  readonly checkpoint: RecordPosition | undefined;
}

type Status = 'waiting' | 'running' | 'ended' | 'skipped';

/**
 * Decides which shards run and where each starts, keeping per-key order across resharding: a
 * child starts only once every parent has ended (its SHARD_END checkpoint is stored) or will
 * never be read. A shard with a checkpoint resumes after it. A shard without one starts
 * - after its parents, at TRIM_HORIZON (AT_TIMESTAMP when the initial position is a
 *   timestamp: the child's records are all newer than its parents', and those before the
 *   timestamp are still skipped), when a parent was read;
 * - at the initial position otherwise. With LATEST, a closed shard that nothing read is skipped
 *   (it holds nothing newer), and so are closed descendants of skipped shards.
 * Knows nothing of readers or stores: the consumer feeds it listings and shard ends; the lease
 * coordination of several workers will decide, among ready shards, which this worker takes.
 */
export class ShardAssignment {
  readonly #initialPosition: InitialPosition;
  readonly #checkpoints: ReadonlyMap<string, Checkpoint>;
  readonly #shards = new Map<string, ShardLineage>();
  readonly #status = new Map<string, Status>();

  constructor(initialPosition: InitialPosition, checkpoints: ReadonlyMap<string, Checkpoint>) {
    this.#initialPosition = initialPosition;
    this.#checkpoints = checkpoints;
  }

  /** Adds shards from a listing or a ChildShards answer; known shards gain what is new. */
  addShards(shards: readonly ShardLineage[]): void {
    for (const shard of shards) {
      const known = this.#shards.get(shard.shardId);
      this.#shards.set(
        shard.shardId,
        known
          ? {
              shardId: shard.shardId,
              parentShardIds: [...new Set([...known.parentShardIds, ...shard.parentShardIds])],
              closed: known.closed || shard.closed,
              listed: known.listed || shard.listed,
            }
          : shard,
      );
      if (!this.#status.has(shard.shardId)) {
        this.#status.set(
          shard.shardId,
          this.#checkpoints.get(shard.shardId) === SHARD_END ? 'ended' : 'waiting',
        );
      }
    }
  }

  /** Records that a shard was read to its end and its SHARD_END checkpoint stored. */
  markEnded(shardId: string): void {
    this.#status.set(shardId, 'ended');
  }

  /** Puts a running shard back to waiting (it stopped before its end). */
  markStopped(shardId: string): void {
    if (this.#status.get(shardId) === 'running') this.#status.set(shardId, 'waiting');
  }

  /** Shards waiting for a parent that is not in any listing yet. */
  hasUnlistedParents(): boolean {
    for (const [shardId, status] of this.#status) {
      if (status !== 'waiting') continue;
      const shard = this.#shards.get(shardId);
      if (shard && !shard.listed && shard.parentShardIds.some((id) => !this.#shards.has(id))) {
        return true;
      }
    }
    return false;
  }

  /** The status of a shard (`undefined` for one never seen). */
  status(shardId: string): Status | undefined {
    return this.#status.get(shardId);
  }

  /** Shards that may start now, each marked running. */
  takeReady(): ReadyShard[] {
    const ready: ReadyShard[] = [];
    // Skipping a shard can make its children ready: repeat until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [shardId, status] of this.#status) {
        if (status !== 'waiting') continue;
        const decision = this.#decide(shardId);
        if (decision === undefined) continue;
        changed = true;
        if (decision === 'skip') {
          this.#status.set(shardId, 'skipped');
          continue;
        }
        this.#status.set(shardId, 'running');
        ready.push(decision);
      }
    }
    return ready;
  }

  /** What to do with a waiting shard now: start it, skip it, or (undefined) keep waiting. */
  #decide(shardId: string): ReadyShard | 'skip' | undefined {
    const shard = this.#shards.get(shardId) as ShardLineage;
    let anyParentRead = false;
    for (const parentId of shard.parentShardIds) {
      const parentStatus = this.#status.get(parentId);
      if (parentStatus === undefined) {
        // Not in any listing: gone past retention if this shard was listed, else not seen yet.
        if (!shard.listed) return undefined;
        continue;
      }
      if (parentStatus === 'waiting' || parentStatus === 'running') return undefined;
      if (parentStatus === 'ended') anyParentRead = true;
    }
    const checkpoint = this.#checkpoints.get(shardId);
    if (checkpoint !== undefined && checkpoint !== SHARD_END) {
      return {
        shardId,
        checkpoint,
        start:
          checkpoint.subSequenceNumber === undefined
            ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber }
            : { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber },
      };
    }
    const initial = this.#initialPosition;
    if (typeof initial === 'object') {
      return {
        shardId,
        checkpoint: undefined,
        start: { type: 'AT_TIMESTAMP', timestamp: initial.timestamp },
      };
    }
    if (anyParentRead || initial === 'TRIM_HORIZON') {
      return { shardId, checkpoint: undefined, start: { type: 'TRIM_HORIZON' } };
    }
    return shard.closed ? 'skip' : { shardId, checkpoint: undefined, start: { type: 'LATEST' } };
  }
}
