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
 * - after its parents, at TRIM_HORIZON, when a parent was read to its end (its SHARD_END is
 *   stored, even if the parent is gone past retention since);
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
  /** Where shards put back to waiting resume, when not from the checkpoints loaded at start. */
  readonly #resume = new Map<string, ReadyShard>();

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

  /**
   * Puts a running shard back to waiting: it stopped before its end, or reached it with
   * records not checkpointed. With `resume`, it starts there next time (e.g. from a checkpoint
   * stored after the run began) rather than from what was stored when the run began.
   */
  markStopped(shardId: string, resume?: Omit<ReadyShard, 'shardId'>): void {
    if (this.#status.get(shardId) !== 'running') return;
    this.#status.set(shardId, 'waiting');
    if (resume !== undefined) this.#resume.set(shardId, { shardId, ...resume });
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
        // Gone, but read to its end before it went: this shard continues it.
        if (this.#checkpoints.get(parentId) === SHARD_END) anyParentRead = true;
        continue;
      }
      if (parentStatus === 'waiting' || parentStatus === 'running') return undefined;
      if (parentStatus === 'ended') anyParentRead = true;
    }
    const resume = this.#resume.get(shardId);
    if (resume !== undefined) {
      this.#resume.delete(shardId);
      return resume;
    }
    const checkpoint = this.#checkpoints.get(shardId);
    if (checkpoint !== undefined && checkpoint !== SHARD_END) {
      return { shardId, checkpoint, start: startAfter(checkpoint) };
    }
    const initial = this.#initialPosition;
    // A child of a shard read to its end continues it from its first record, whatever the
    // initial position: a timestamp (taken anew at each start) could skip what came after the
    // split while the consumer was down.
    if (anyParentRead || initial === 'TRIM_HORIZON') {
      return { shardId, checkpoint: undefined, start: { type: 'TRIM_HORIZON' } };
    }
    if (typeof initial === 'object') {
      return {
        shardId,
        checkpoint: undefined,
        start: { type: 'AT_TIMESTAMP', timestamp: initial.timestamp },
      };
    }
    return shard.closed ? 'skip' : { shardId, checkpoint: undefined, start: { type: 'LATEST' } };
  }
}

/**
 * Where a read resumes after a checkpoint: after its record, or at the aggregate it is inside
 * (the records of the aggregate up to it are then skipped).
 */
export function startAfter(checkpoint: RecordPosition): StartPosition {
  return checkpoint.subSequenceNumber === undefined
    ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber }
    : { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber };
}
