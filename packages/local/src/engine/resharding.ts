import { KINESIS_LIMITS } from '@kinesis-kit/records';
import type { Engine, LiveShard, LiveStream } from './engine.js';
import { MAX_SHARD_INDEX, sequenceNumber, shardIdFor } from './sequence-numbers.js';

/**
 * The shard changes behind SplitShard, MergeShards and UpdateShardCount. Every change is a
 * step: its parents close at the stream counter and its children start above it, so a
 * child's records all come after its parents' (readers that finish parents first keep
 * per-key order). Records already given a number in a parent still land in the parent.
 */

/** A hash key range, both ends included. */
export interface HashKeyRange {
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** `count` ranges splitting the hash key space evenly (the last one takes the remainder). */
export function uniformHashRanges(count: number): HashKeyRange[] {
  const width = (KINESIS_LIMITS.maxHashKey + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, index) => ({
    startingHashKey: width * BigInt(index),
    endingHashKey: index === count - 1 ? KINESIS_LIMITS.maxHashKey : width * BigInt(index + 1) - 1n,
  }));
}

/** The stream's open shards, in hash key order. */
export function openShards(stream: LiveStream): LiveShard[] {
  return [...stream.shards.values()]
    .filter((shard) => shard.state.endingSequenceNumber === undefined)
    .sort((a, b) => (a.state.startingHashKey < b.state.startingHashKey ? -1 : 1));
}

/** Shard ids a stream can still hand out (ids encode into sequence numbers). */
export function shardIdsLeft(stream: LiveStream): number {
  return MAX_SHARD_INDEX + 1 - stream.state.nextShardIndex;
}

/**
 * Closes `parents` (one for a split, two for a merge) and opens `children` in one step. The
 * first parent becomes each child's ParentShardId, the second its AdjacentParentShardId.
 */
export function reshardStep(
  engine: Engine,
  stream: LiveStream,
  parents: readonly LiveShard[],
  children: readonly HashKeyRange[],
): LiveShard[] {
  const now = engine.clock.now();
  const counter = stream.state.nextSequence;
  for (const parent of parents) {
    // The last number the parent could have had: every record routed to it has a lower counter.
    parent.state.endingSequenceNumber = sequenceNumber(counter - 1n, parent.index);
    parent.state.closedMs = now;
  }
  for (const parent of parents) parent.changed.notify();
  const [parent, adjacent] = parents;
  const opened = children.map((range) => {
    const index = stream.state.nextShardIndex++;
    return engine.openShard(stream, {
      shardId: shardIdFor(index),
      startingHashKey: range.startingHashKey,
      endingHashKey: range.endingHashKey,
      startingSequenceNumber: sequenceNumber(counter, index),
      ...(parent ? { parentShardId: parent.state.shardId } : {}),
      ...(adjacent ? { adjacentParentShardId: adjacent.state.shardId } : {}),
      createdMs: now,
    });
  });
  // The next step's parents (perhaps these children) then close at or above their start.
  stream.state.nextSequence = counter + 1n;
  return opened;
}

/** Splits `shard` so that the second child starts at `newStartingHashKey`. */
export function splitShard(
  engine: Engine,
  stream: LiveStream,
  shard: LiveShard,
  newStartingHashKey: bigint,
): LiveShard[] {
  const { startingHashKey, endingHashKey } = shard.state;
  return reshardStep(
    engine,
    stream,
    [shard],
    [
      { startingHashKey, endingHashKey: newStartingHashKey - 1n },
      { startingHashKey: newStartingHashKey, endingHashKey },
    ],
  );
}

/** Merges two shards whose ranges touch (in either order) into one. */
export function mergeShards(
  engine: Engine,
  stream: LiveStream,
  shard: LiveShard,
  adjacent: LiveShard,
): LiveShard {
  const range: HashKeyRange = {
    startingHashKey: min(shard.state.startingHashKey, adjacent.state.startingHashKey),
    endingHashKey: max(shard.state.endingHashKey, adjacent.state.endingHashKey),
  };
  return reshardStep(engine, stream, [shard, adjacent], [range])[0] as LiveShard;
}

/** Whether two shards' ranges touch, so that they may be merged. */
export function areAdjacent(a: LiveShard, b: LiveShard): boolean {
  return (
    a.state.endingHashKey + 1n === b.state.startingHashKey ||
    b.state.endingHashKey + 1n === a.state.startingHashKey
  );
}

/** Shard ids {@link scaleUniformly} would use (intermediate shards included). */
export function uniformScalingShardIds(stream: LiveStream, target: number): number {
  const { splits } = uniformScalingPlan(stream, target);
  // Each split opens two shards; then each merge (one per piece too many) opens one.
  const pieces = openShards(stream).length + splits;
  return 2 * splits + (pieces - target);
}

/**
 * UpdateShardCount with UNIFORM_SCALING: splits the open shards at the boundaries of `target`
 * even ranges, then merges the pieces inside each range, so the stream ends with `target`
 * open shards covering the hash key space evenly and every shard has a real lineage.
 */
export function scaleUniformly(engine: Engine, stream: LiveStream, target: number): void {
  const { targets } = uniformScalingPlan(stream, target);
  for (const range of targets.slice(1)) {
    const boundary = range.startingHashKey;
    const shard = openShards(stream).find(
      (open) => open.state.startingHashKey < boundary && boundary <= open.state.endingHashKey,
    );
    if (shard) splitShard(engine, stream, shard, boundary);
  }
  for (const range of targets) {
    let inside = openShards(stream).filter(
      (shard) =>
        shard.state.startingHashKey >= range.startingHashKey &&
        shard.state.endingHashKey <= range.endingHashKey,
    );
    while (inside.length > 1) {
      const [first, second, ...rest] = inside as [LiveShard, LiveShard, ...LiveShard[]];
      inside = [mergeShards(engine, stream, first, second), ...rest];
    }
  }
}

function uniformScalingPlan(stream: LiveStream, target: number) {
  const targets = uniformHashRanges(target);
  const open = openShards(stream);
  const splits = targets
    .slice(1)
    .filter(({ startingHashKey: boundary }) =>
      open.some(
        (shard) => shard.state.startingHashKey < boundary && boundary <= shard.state.endingHashKey,
      ),
    ).length;
  return { targets, splits };
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
