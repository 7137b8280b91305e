import type { Engine, LiveShard, LiveStream } from '../engine/engine.js';
import type { StreamMode } from '../engine/model.js';
import {
  areAdjacent,
  mergeShards as mergeLiveShards,
  openShards,
  scaleUniformly,
  shardIdsLeft,
  splitShard as splitLiveShard,
  uniformScalingShardIds,
} from '../engine/resharding.js';
import { shardIdFor } from '../engine/sequence-numbers.js';
import { AwsServiceError } from '../errors.js';
import type { ParsedInput } from '../protocol/shapes.js';

/** UpdateShardCount calls AWS allows per stream in a rolling 24 hours. */
const SHARD_COUNT_UPDATES_PER_DAY = 10;
const DAY_MS = 24 * 3_600_000;

export async function splitShard(engine: Engine, input: ParsedInput): Promise<object> {
  const requested = input.ShardToSplit as string;
  const shardId = canonicalShardId(engine, input, requested);
  const stream = provisionedActiveStream(engine, input);
  const shard = existingOpenShard(engine, stream, shardId);
  if (engine.openShardCount() + 1 > engine.options.shardLimit) throw engine.shardLimitExceeded(1);
  checkShardIdsLeft(engine, stream, 2);
  const hashKeyText = input.NewStartingHashKey as string;
  const hashKey = BigInt(hashKeyText);
  const { startingHashKey, endingHashKey } = shard.state;
  if (hashKey <= startingHashKey + 1n || hashKey >= endingHashKey) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `NewStartingHashKey ${hashKeyText} used in SplitShard() on shard ${shardId} in stream ${stream.state.name} under account ${engine.options.accountId} is not both greater than one plus the shard's StartingHashKey ${startingHashKey} and less than the shard's EndingHashKey ${endingHashKey}.`,
    );
  }
  splitLiveShard(engine, stream, shard, hashKey);
  await engine.finishUpdate(stream);
  return {};
}

export async function mergeShards(engine: Engine, input: ParsedInput): Promise<object> {
  const ids = [input.ShardToMerge as string, input.AdjacentShardToMerge as string].map((id) =>
    canonicalShardId(engine, input, id),
  ) as [string, string];
  const stream = provisionedActiveStream(engine, input);
  const [shard, adjacent] = ids.map((id) => existingOpenShard(engine, stream, id)) as [
    LiveShard,
    LiveShard,
  ];
  if (!areAdjacent(shard, adjacent)) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Shards ${ids[0]} and ${ids[1]} in stream ${stream.state.name} under account ${engine.options.accountId} are not an adjacent pair of shards eligible for merging`,
    );
  }
  checkShardIdsLeft(engine, stream, 1);
  mergeLiveShards(engine, stream, shard, adjacent);
  await engine.finishUpdate(stream);
  return {};
}

export async function updateShardCount(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = provisionedActiveStream(engine, input);
  const { name, arn } = stream.state;
  const { accountId, shardLimit } = engine.options;
  const target = input.TargetShardCount as number;
  const current = openShards(stream).length;
  if (target > current * 2) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
    );
  }
  if (target * 2 < current) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
    );
  }
  const now = engine.clock.now();
  const calls = stream.shardCountUpdatesMs;
  while (calls.length > 0 && (calls[0] as number) <= now - DAY_MS) calls.shift();
  if (calls.length >= SHARD_COUNT_UPDATES_PER_DAY) {
    throw new AwsServiceError(
      'LimitExceededException',
      `Stream ${name} under account ${accountId} has already been scaled ${SHARD_COUNT_UPDATES_PER_DAY} times in the last 24 hours, the most UpdateShardCount allows in a rolling 24-hour period.`,
    );
  }
  if (target > current && engine.openShardCount() + (target - current) > shardLimit) {
    throw engine.shardLimitExceeded(target - current);
  }
  if (target !== current) {
    checkShardIdsLeft(engine, stream, uniformScalingShardIds(stream, target));
    calls.push(now);
    scaleUniformly(engine, stream, target);
    await engine.finishUpdate(stream);
  }
  return {
    StreamName: name,
    StreamARN: arn,
    CurrentShardCount: current,
    TargetShardCount: target,
  };
}

export async function updateStreamMode(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveActiveStream({ StreamARN: input.StreamARN });
  const mode = (input.StreamModeDetails as { StreamMode: StreamMode }).StreamMode;
  if (mode === stream.state.mode) return {};
  const { accountId, region, onDemandStreamLimit } = engine.options;
  if (mode === 'ON_DEMAND' && engine.onDemandStreamCount() >= onDemandStreamLimit) {
    throw new AwsServiceError(
      'LimitExceededException',
      `This request would exceed the on-demand stream count limit of ${onDemandStreamLimit} for the account ${accountId} in ${region}.`,
    );
  }
  // The shards stay as they are: AWS keeps a switched stream's shards until it scales it.
  stream.state.mode = mode;
  await engine.finishUpdate(stream);
  return {};
}

/**
 * A shard id in the canonical form, read as AWS reads it (`<prefix>-<number>` or a number).
 * An unreadable id is reported as missing, before the stream is even looked up.
 */
function canonicalShardId(engine: Engine, input: ParsedInput, shardId: string): string {
  const digits = /^(?:.*-)?(\d{1,20})$/.exec(shardId)?.[1];
  const index = digits === undefined ? Number.NaN : Number(digits);
  if (!(index <= 2_147_483_647)) throw shardNotFound(engine, engine.streamNameOf(input), shardId);
  return shardIdFor(index);
}

/** The stream, which must be ACTIVE and provisioned (resharding is for provisioned streams). */
function provisionedActiveStream(engine: Engine, input: ParsedInput): LiveStream {
  const stream = engine.resolveActiveStream(input);
  if (stream.state.mode === 'ON_DEMAND') {
    throw new AwsServiceError(
      'ValidationException',
      `Request is invalid. Stream ${stream.state.name} under account ${engine.options.accountId} is in On-Demand mode.`,
    );
  }
  return stream;
}

function existingOpenShard(engine: Engine, stream: LiveStream, shardId: string): LiveShard {
  const shard = stream.shards.get(shardId);
  if (!shard) throw shardNotFound(engine, stream.state.name, shardId);
  if (shard.state.endingSequenceNumber !== undefined) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Shard ${shardId} in stream ${stream.state.name} under account ${engine.options.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`,
    );
  }
  return shard;
}

function shardNotFound(engine: Engine, streamName: string, shardId: string): AwsServiceError {
  return new AwsServiceError(
    'ResourceNotFoundException',
    `Could not find shard ${shardId} in stream ${streamName} under account ${engine.options.accountId}.`,
  );
}

/** Shard ids are encoded in sequence numbers, so a stream has a finite supply of them. */
function checkShardIdsLeft(engine: Engine, stream: LiveStream, needed: number): void {
  if (shardIdsLeft(stream) < needed) {
    throw new AwsServiceError(
      'LimitExceededException',
      `Stream ${stream.state.name} under account ${engine.options.accountId} has used every shard id this endpoint can encode.`,
    );
  }
}
