import type {
  ShardState,
  StreamConsumerState,
  StreamConsumerStatus,
  StreamMode,
  StreamState,
  StreamStatus,
} from '../engine/model.js';

/** Bumped when `stream.json` changes incompatibly, so an old reader refuses a newer file. */
const FORMAT_VERSION = 1;

const STATUSES: readonly StreamStatus[] = ['CREATING', 'DELETING', 'ACTIVE', 'UPDATING'];
const MODES: readonly StreamMode[] = ['PROVISIONED', 'ON_DEMAND'];
const CONSUMER_STATUSES: readonly StreamConsumerStatus[] = ['CREATING', 'ACTIVE', 'DELETING'];

/**
 * Serialises a stream's metadata for `stream.json`. Bigints become decimal strings because JSON
 * numbers lose precision above 2^53. Listing every field (checked by `satisfies`) keeps a field
 * added to `StreamState` from being silently left out of the file.
 */
export function encodeStreamState(stream: StreamState): string {
  const json = {
    name: stream.name,
    arn: stream.arn,
    createdMs: stream.createdMs,
    status: stream.status,
    mode: stream.mode,
    retentionHours: stream.retentionHours,
    maxRecordSizeKiB: stream.maxRecordSizeKiB,
    shards: stream.shards.map(encodeShard),
    tags: { ...stream.tags },
    nextShardIndex: stream.nextShardIndex,
    nextSequence: stream.nextSequence.toString(),
    consumers: stream.consumers.map(encodeConsumer),
  } satisfies Record<keyof StreamState, unknown>;
  return `${JSON.stringify({ formatVersion: FORMAT_VERSION, stream: json }, null, 2)}\n`;
}

function encodeConsumer(consumer: StreamConsumerState) {
  return {
    name: consumer.name,
    arn: consumer.arn,
    createdMs: consumer.createdMs,
    status: consumer.status,
  } satisfies Record<keyof StreamConsumerState, unknown>;
}

function encodeShard(shard: ShardState) {
  return {
    shardId: shard.shardId,
    startingHashKey: shard.startingHashKey.toString(),
    endingHashKey: shard.endingHashKey.toString(),
    startingSequenceNumber: shard.startingSequenceNumber.toString(),
    endingSequenceNumber: shard.endingSequenceNumber?.toString(),
    closedMs: shard.closedMs,
    parentShardId: shard.parentShardId,
    adjacentParentShardId: shard.adjacentParentShardId,
    createdMs: shard.createdMs,
  } satisfies Record<keyof ShardState, unknown>;
}

/**
 * Parses `stream.json`. Throws an `Error` whose message names the offending field when the text
 * is not a stream this version wrote.
 */
export function decodeStreamState(text: string): StreamState {
  const file = object(JSON.parse(text) as unknown, 'file');
  if (file.formatVersion !== FORMAT_VERSION) {
    throw new Error(`unsupported formatVersion ${String(file.formatVersion)}`);
  }
  const json = object(file.stream, 'stream');
  return {
    name: string(json, 'name'),
    arn: string(json, 'arn'),
    createdMs: number(json, 'createdMs'),
    status: oneOf(json, 'status', STATUSES),
    mode: oneOf(json, 'mode', MODES),
    retentionHours: number(json, 'retentionHours'),
    maxRecordSizeKiB: number(json, 'maxRecordSizeKiB'),
    shards: array(json, 'shards').map((shard, index) =>
      decodeShard(object(shard, `shards[${index}]`)),
    ),
    tags: tags(json),
    nextShardIndex: number(json, 'nextShardIndex'),
    nextSequence: bigint(json, 'nextSequence'),
    // Files written before fan-out existed have no consumers.
    consumers:
      json.consumers === undefined
        ? []
        : array(json, 'consumers').map((consumer, index) =>
            decodeConsumer(object(consumer, `consumers[${index}]`)),
          ),
  };
}

function decodeConsumer(json: Record<string, unknown>): StreamConsumerState {
  return {
    name: string(json, 'name'),
    arn: string(json, 'arn'),
    createdMs: number(json, 'createdMs'),
    status: oneOf(json, 'status', CONSUMER_STATUSES),
  };
}

function decodeShard(json: Record<string, unknown>): ShardState {
  // Absent optional fields stay absent, as the engine created them, rather than `undefined`.
  return {
    shardId: string(json, 'shardId'),
    startingHashKey: bigint(json, 'startingHashKey'),
    endingHashKey: bigint(json, 'endingHashKey'),
    startingSequenceNumber: bigint(json, 'startingSequenceNumber'),
    ...(json.endingSequenceNumber === undefined
      ? {}
      : { endingSequenceNumber: bigint(json, 'endingSequenceNumber') }),
    ...(json.closedMs === undefined ? {} : { closedMs: number(json, 'closedMs') }),
    ...(json.parentShardId === undefined ? {} : { parentShardId: string(json, 'parentShardId') }),
    ...(json.adjacentParentShardId === undefined
      ? {}
      : { adjacentParentShardId: string(json, 'adjacentParentShardId') }),
    createdMs: number(json, 'createdMs'),
  };
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path} is not an object`);
  }
  return value as Record<string, unknown>;
}

function string(json: Record<string, unknown>, key: string): string {
  const value = json[key];
  if (typeof value !== 'string') throw new Error(`${key} is not a string`);
  return value;
}

function number(json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${key} is not a finite number`);
  }
  return value;
}

function bigint(json: Record<string, unknown>, key: string): bigint {
  const value = json[key];
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw new Error(`${key} is not a decimal integer string`);
  }
  return BigInt(value);
}

function oneOf<T extends string>(
  json: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T {
  const value = json[key];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new Error(`${key} is not one of ${allowed.join(', ')}`);
  return match;
}

function array(json: Record<string, unknown>, key: string): unknown[] {
  const value = json[key];
  if (!Array.isArray(value)) throw new Error(`${key} is not an array`);
  return value;
}

function tags(json: Record<string, unknown>): Record<string, string> {
  const entries = Object.entries(object(json.tags, 'tags'));
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new Error(`tags.${key} is not a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
