import { KINESIS_LIMITS } from '@kinesis-kit/records';
import type { Engine, LiveStream } from '../engine/engine.js';
import type { ShardState, StreamState } from '../engine/model.js';
import { shardIndexFromId } from '../engine/sequence-numbers.js';
import { AwsServiceError } from '../errors.js';
import type { ParsedInput } from '../protocol/shapes.js';
import { decodePageToken, encodePageToken } from './page-token.js';

/** Shards of a new on-demand stream. */
const ON_DEMAND_SHARDS = 4;

const seconds = (ms: number): number => ms / 1000;

export async function createStream(engine: Engine, input: ParsedInput): Promise<object> {
  const name = input.StreamName as string;
  const modeDetails = input.StreamModeDetails as { StreamMode: StreamState['mode'] } | undefined;
  const shardCountInput = input.ShardCount as number | undefined;
  const mode =
    modeDetails?.StreamMode ?? (shardCountInput === undefined ? 'ON_DEMAND' : 'PROVISIONED');
  if (mode === 'PROVISIONED' && shardCountInput === undefined) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      'ShardCount is required for a stream in PROVISIONED mode.',
    );
  }
  const shardCount = mode === 'ON_DEMAND' ? ON_DEMAND_SHARDS : (shardCountInput as number);
  const { accountId, region, shardLimit, onDemandStreamLimit } = engine.options;
  if (engine.streams().some((stream) => stream.state.name === name)) {
    throw new AwsServiceError(
      'ResourceInUseException',
      `Stream ${name} under account ${accountId} already exists.`,
    );
  }
  if (engine.openShardCount() + shardCount > shardLimit) {
    throw engine.shardLimitExceeded(shardCount);
  }
  if (mode === 'ON_DEMAND' && engine.onDemandStreamCount() >= onDemandStreamLimit) {
    throw new AwsServiceError(
      'LimitExceededException',
      `This request would exceed the on-demand stream count limit of ${onDemandStreamLimit} for the account ${accountId} in ${region}.`,
    );
  }
  await engine.createStream(name, shardCount, mode, { ...(input.Tags as Record<string, string>) });
  return {};
}

export async function deleteStream(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveStream(input);
  if (stream.state.status === 'CREATING') {
    throw new AwsServiceError(
      'ResourceInUseException',
      `Stream ${stream.state.name} under account ${engine.options.accountId} not ACTIVE, instead in state CREATING`,
    );
  }
  if (stream.state.consumers.length > 0 && input.EnforceConsumerDeletion !== true) {
    throw new AwsServiceError(
      'ResourceInUseException',
      `DeleteStream can't delete ${stream.state.arn} because there are consumers associated with this data stream. To delete ${stream.state.name} anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.`,
    );
  }
  if (stream.state.status !== 'DELETING') await engine.deleteStream(stream);
  return {};
}

export function describeStream(engine: Engine, input: ParsedInput): object {
  const stream = engine.resolveStream(input);
  const limit = (input.Limit as number | undefined) ?? 100;
  const after = input.ExclusiveStartShardId as string | undefined;
  const shards = stream.state.shards.filter(
    (shard) => after === undefined || shardAfter(shard, after),
  );
  return {
    StreamDescription: {
      ...streamSummaryFields(stream.state),
      Shards: shards.slice(0, limit).map(describeShard),
      HasMoreShards: shards.length > limit,
    },
  };
}

export function describeStreamSummary(engine: Engine, input: ParsedInput): object {
  const { state } = engine.resolveStream(input);
  return {
    StreamDescriptionSummary: {
      ...streamSummaryFields(state),
      OpenShardCount: state.shards.filter((shard) => shard.endingSequenceNumber === undefined)
        .length,
      ConsumerCount: state.consumers.length,
      MaxRecordSizeInKiB: state.maxRecordSizeKiB,
    },
  };
}

/** ListStreams returns at most this many names, whatever the Limit. */
const LIST_STREAMS_MAX = 100;

export function listStreams(engine: Engine, input: ParsedInput): object {
  const limit = Math.min((input.Limit as number | undefined) ?? LIST_STREAMS_MAX, LIST_STREAMS_MAX);
  let after = input.ExclusiveStartStreamName as string | undefined;
  if (input.NextToken !== undefined) {
    after = decodePageToken(engine, input.NextToken as string, 'ListStreams').after;
  }
  const streams = engine
    .streams()
    .filter((stream) => after === undefined || stream.state.name > after);
  const page = streams.slice(0, limit);
  const hasMore = streams.length > limit;
  const last = page[page.length - 1];
  return {
    StreamNames: page.map((stream) => stream.state.name),
    HasMoreStreams: hasMore,
    StreamSummaries: page.map(({ state }) => ({
      StreamName: state.name,
      StreamARN: state.arn,
      StreamStatus: state.status,
      StreamModeDetails: { StreamMode: state.mode },
      StreamCreationTimestamp: seconds(state.createdMs),
    })),
    ...(hasMore && last
      ? { NextToken: encodePageToken(engine, { kind: 'ListStreams', after: last.state.name }) }
      : {}),
  };
}

export function listShards(engine: Engine, input: ParsedInput): object {
  const hasStream = input.StreamName !== undefined || input.StreamARN !== undefined;
  let stream: LiveStream;
  let after = input.ExclusiveStartShardId as string | undefined;
  let filter = input.ShardFilter as
    | { Type: string; ShardId?: string; Timestamp?: number }
    | undefined;
  if (input.NextToken !== undefined) {
    if (input.StreamName !== undefined) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        'NextToken and StreamName cannot be provided together.',
      );
    }
    const token = decodePageToken(engine, input.NextToken as string, 'ListShards');
    stream = engine.resolveStream({ StreamName: token.stream });
    if (stream.state.createdMs !== token.createdMs) throw engine.streamNotFound(token.stream ?? '');
    after = token.after;
    filter = token.filter;
  } else {
    if (!hasStream) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        'Either NextToken or StreamName should be provided.',
      );
    }
    stream = engine.resolveStream(input);
  }
  if (filter?.Type === 'AFTER_SHARD_ID') {
    if (filter.ShardId === undefined) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        'ShardId must be specified in ShardFilter when the type is AFTER_SHARD_ID.',
      );
    }
    after = filter.ShardId;
  }
  if (
    (filter?.Type === 'AT_TIMESTAMP' || filter?.Type === 'FROM_TIMESTAMP') &&
    filter.Timestamp === undefined
  ) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Timestamp must be specified in ShardFilter when the type is ${filter.Type}.`,
    );
  }
  const limit = (input.MaxResults as number | undefined) ?? 1000;
  const now = engine.clock.now();
  const trimHorizonMs = now - stream.state.retentionHours * 3_600_000;
  const shards = stream.state.shards.filter(
    (shard) =>
      (after === undefined || shardAfter(shard, after)) &&
      matchesFilter(shard, filter, trimHorizonMs),
  );
  const page = shards.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Shards: page.map(describeShard),
    ...(shards.length > limit && last
      ? {
          NextToken: encodePageToken(engine, {
            kind: 'ListShards',
            stream: stream.state.name,
            createdMs: stream.state.createdMs,
            after: last.shardId,
            filter,
          }),
        }
      : {}),
  };
}

export async function changeRetention(
  engine: Engine,
  input: ParsedInput,
  direction: 'increase' | 'decrease',
): Promise<object> {
  const stream = engine.resolveActiveStream(input);
  const hours = input.RetentionPeriodHours as number;
  const current = stream.state.retentionHours;
  if (hours < KINESIS_LIMITS.minRetentionHours) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Minimum allowed retention period is ${KINESIS_LIMITS.minRetentionHours} hours. Requested retention period (${hours} hours) is too short.`,
    );
  }
  if (direction === 'increase' && hours < current) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Requested retention period (${hours} hours) for stream ${stream.state.name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
    );
  }
  if (direction === 'decrease' && hours > current) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Requested retention period (${hours} hours) for stream ${stream.state.name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
    );
  }
  stream.state.retentionHours = hours;
  await engine.saveStream(stream.state);
  return {};
}

const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_./=+\-%@]*$/u;
const MAX_TAGS = 50;

export async function addTagsToStream(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveStream(input);
  const tags = input.Tags as Record<string, string>;
  checkTagCharacters(engine, stream, 'add tags to', [...Object.keys(tags), ...Object.values(tags)]);
  const merged = { ...stream.state.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Failed to add tags to stream ${stream.state.name} under account ${engine.options.accountId} because a given stream cannot have more than ${MAX_TAGS} tags associated with it.`,
    );
  }
  stream.state.tags = merged;
  await engine.saveStream(stream.state);
  return {};
}

export async function removeTagsFromStream(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveStream(input);
  const keys = input.TagKeys as string[];
  checkTagCharacters(engine, stream, 'remove tags from', keys);
  const tags = { ...stream.state.tags };
  for (const key of keys) delete tags[key];
  stream.state.tags = tags;
  await engine.saveStream(stream.state);
  return {};
}

export function listTagsForStream(engine: Engine, input: ParsedInput): object {
  const { state } = engine.resolveStream(input);
  const limit = (input.Limit as number | undefined) ?? 10;
  const after = input.ExclusiveStartTagKey as string | undefined;
  const keys = Object.keys(state.tags)
    .sort()
    .filter((key) => after === undefined || key > after);
  return {
    Tags: keys.slice(0, limit).map((key) => ({ Key: key, Value: state.tags[key] })),
    HasMoreTags: keys.length > limit,
  };
}

export function describeLimits(engine: Engine): object {
  return {
    ShardLimit: engine.options.shardLimit,
    OpenShardCount: engine.openShardCount(),
    OnDemandStreamCount: engine.onDemandStreamCount(),
    OnDemandStreamCountLimit: engine.options.onDemandStreamLimit,
  };
}

export async function updateMaxRecordSize(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveActiveStream(input);
  stream.state.maxRecordSizeKiB = input.MaxRecordSizeInKiB as number;
  await engine.saveStream(stream.state);
  return {};
}

/**
 * Kinesis checks tag characters twice, with two messages: a general pattern (which lists `%`),
 * then a stricter rule that refuses `%` after all.
 */
function checkTagCharacters(
  engine: Engine,
  stream: LiveStream,
  action: 'add tags to' | 'remove tags from',
  values: readonly string[],
): void {
  if (values.some((value) => !TAG_CHARACTERS.test(value))) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
    );
  }
  if (values.some((value) => value.includes('%'))) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Failed to ${action} stream ${stream.state.name} under account ${engine.options.accountId} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`,
    );
  }
}

function streamSummaryFields(state: StreamState) {
  return {
    StreamName: state.name,
    StreamARN: state.arn,
    StreamStatus: state.status,
    StreamModeDetails: { StreamMode: state.mode },
    RetentionPeriodHours: state.retentionHours,
    StreamCreationTimestamp: seconds(state.createdMs),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
  };
}

/** A shard as DescribeStream and ListShards describe it. */
export function describeShard(shard: ShardState) {
  return {
    ShardId: shard.shardId,
    ...(shard.parentShardId === undefined ? {} : { ParentShardId: shard.parentShardId }),
    ...(shard.adjacentParentShardId === undefined
      ? {}
      : { AdjacentParentShardId: shard.adjacentParentShardId }),
    HashKeyRange: {
      StartingHashKey: shard.startingHashKey.toString(),
      EndingHashKey: shard.endingHashKey.toString(),
    },
    SequenceNumberRange: {
      StartingSequenceNumber: shard.startingSequenceNumber.toString(),
      ...(shard.endingSequenceNumber === undefined
        ? {}
        : { EndingSequenceNumber: shard.endingSequenceNumber.toString() }),
    },
  };
}

function shardAfter(shard: ShardState, after: string): boolean {
  const afterIndex = shardIndexFromId(after) ?? -1;
  const index = shardIndexFromId(shard.shardId) ?? 0;
  return afterIndex >= 0 ? index > afterIndex : shard.shardId > after;
}

/**
 * ListShards' ShardFilter: which shards were open at (or since) the trim horizon, the tip or a
 * time. A shard is open from its creation until it is closed by resharding.
 */
function matchesFilter(
  shard: ShardState,
  filter: { Type: string; Timestamp?: number } | undefined,
  trimHorizonMs: number,
): boolean {
  if (!filter) return true;
  const closedMs = shard.closedMs ?? Number.POSITIVE_INFINITY;
  switch (filter.Type) {
    case 'AT_LATEST':
      return shard.endingSequenceNumber === undefined;
    case 'AT_TRIM_HORIZON':
      return shard.createdMs <= trimHorizonMs ? closedMs > trimHorizonMs : isOriginal(shard);
    case 'FROM_TRIM_HORIZON':
      return closedMs > trimHorizonMs;
    case 'AT_TIMESTAMP': {
      const at = filter.Timestamp as number;
      return (shard.createdMs <= at || isOriginal(shard)) && closedMs > at;
    }
    case 'FROM_TIMESTAMP':
      return closedMs > (filter.Timestamp as number);
    default:
      return true;
  }
}

/** A shard the stream was created with (no parent): it covers the stream's whole history. */
function isOriginal(shard: ShardState): boolean {
  return shard.parentShardId === undefined;
}
