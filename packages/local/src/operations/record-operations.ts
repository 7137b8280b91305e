import { KINESIS_LIMITS, partitionKeyToHashKey } from '@kinesis-kit/records';
import type { Engine, LiveShard, LiveStream } from '../engine/engine.js';
import type { ShardRecord } from '../engine/model.js';
import {
  counterOf,
  parseSequenceNumber,
  sequenceNumber,
  shardIdFor,
  shardIndexOf,
} from '../engine/sequence-numbers.js';
import { decodeShardIterator, encodeShardIterator } from '../engine/shard-iterator.js';
import { AwsServiceError } from '../errors.js';
import type { ParsedInput } from '../protocol/shapes.js';

const MiB = 1024 * 1024;

interface EntryInput {
  readonly Data: Buffer;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

export async function putRecord(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveWritableStream(input);
  const entry = input as unknown as EntryInput;
  checkRecordSize(stream, entry, 'data');
  const shard = shardFor(stream, entry);
  const now = engine.clock.now();
  const bytes = recordBytes(entry);
  if (!shard.throttle.tryWrite(bytes, now)) {
    shard.metrics.record('WriteProvisionedThroughputExceeded', 1, now);
    throw rateExceeded(engine, stream, shard);
  }
  const ordering = input.SequenceNumberForOrdering as string | undefined;
  if (ordering !== undefined) checkOrdering(engine, stream, ordering);
  const record = newRecord(stream, shard, entry, now);
  await engine.storeRecords(stream, new Map([[shard, [record]]]));
  // Counted once acknowledged, in the second the records arrived.
  shard.metrics.record('IncomingRecords', 1, now);
  shard.metrics.record('IncomingBytes', bytes, now);
  shard.metrics.record('PutRecord.Success', 1, now);
  return {
    ShardId: shard.state.shardId,
    SequenceNumber: record.sequenceNumber.toString(),
    EncryptionType: 'NONE',
  };
}

export async function putRecords(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveWritableStream(input);
  const entries = input.Records as EntryInput[];
  let requestBytes = 0;
  entries.forEach((entry, index) => {
    checkRecordSize(stream, entry, `records.${index + 1}.member.data`);
    requestBytes += recordBytes(entry);
  });
  const maxBytes = engine.options.putRecordsMaxBytes;
  if (requestBytes > maxBytes) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Records size exceeds ${maxBytes / MiB} MB limit`,
    );
  }
  const shards = entries.map((entry) => shardFor(stream, entry));
  const now = engine.clock.now();
  const batches = new Map<LiveShard, ShardRecord[]>();
  const results: object[] = [];
  let failed = 0;
  const acceptedBytes = new Map<LiveShard, number>();
  entries.forEach((entry, index) => {
    const shard = shards[index] as LiveShard;
    const bytes = recordBytes(entry);
    if (!shard.throttle.tryWrite(bytes, now)) {
      failed++;
      shard.metrics.record('WriteProvisionedThroughputExceeded', 1, now);
      const error = rateExceeded(engine, stream, shard);
      results.push({ ErrorCode: error.code, ErrorMessage: error.message });
      return;
    }
    const record = newRecord(stream, shard, entry, now);
    acceptedBytes.set(shard, (acceptedBytes.get(shard) ?? 0) + bytes);
    const batch = batches.get(shard);
    if (batch) batch.push(record);
    else batches.set(shard, [record]);
    results.push({
      SequenceNumber: record.sequenceNumber.toString(),
      ShardId: shard.state.shardId,
    });
  });
  if (batches.size > 0) await engine.storeRecords(stream, batches);
  for (const [shard, records] of batches) {
    shard.metrics.record('IncomingRecords', records.length, now);
    shard.metrics.record('IncomingBytes', acceptedBytes.get(shard) ?? 0, now);
    shard.metrics.record('PutRecords.SuccessfulRecords', records.length, now);
  }
  return { FailedRecordCount: failed, Records: results, EncryptionType: 'NONE' };
}

export function getShardIterator(engine: Engine, input: ParsedInput): object {
  const { stream, shard } = engine.resolveShard(input, input.ShardId as string);
  engine.requireReadable(stream);
  const type = input.ShardIteratorType as string;
  const starting = input.StartingSequenceNumber as string | undefined;
  const now = engine.clock.now();
  const { name } = stream.state;
  const atOrAfter = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (atOrAfter !== (starting !== undefined) && type !== 'AT_TIMESTAMP') {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${starting === undefined ? 'no' : 'also a'} StartingSequenceNumber.`,
    );
  }
  if (!shard.throttle.tryGetIterator(now)) throw rateExceeded(engine, stream, shard);
  const from = startingPosition(engine, stream, shard, {
    operation: 'GetShardIterator',
    type,
    sequenceNumber: starting,
    timestampMs: input.Timestamp as number | undefined,
  });
  return {
    ShardIterator: encodeShardIterator({
      streamName: name,
      streamCreatedMs: stream.state.createdMs,
      shardId: shard.state.shardId,
      from,
      issuedMs: now,
    }),
  };
}

export function getRecords(engine: Engine, input: ParsedInput): object {
  const position = decodeShardIterator(input.ShardIterator as string);
  if (!position) throw new AwsServiceError('InvalidArgumentException', 'Invalid ShardIterator.');
  const now = engine.clock.now();
  const ttlMs = engine.options.shardIteratorTtlMs;
  if (now - position.issuedMs > ttlMs) {
    throw new AwsServiceError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${amzDate(position.issuedMs)} while right now it is ${amzDate(now)} which is further in the future than the tolerated delay of ${ttlMs} milliseconds.`,
    );
  }
  const { stream, shard } = engine.resolveShard(
    {
      StreamName: position.streamName,
      ...(input.StreamARN === undefined ? {} : { StreamARN: input.StreamARN }),
    },
    position.shardId,
  );
  if (stream.state.createdMs !== position.streamCreatedMs) {
    // The iterator belongs to an earlier stream of the same name.
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Shard ${position.shardId} in stream ${position.streamName} under account ${engine.options.accountId} does not exist`,
    );
  }
  engine.requireReadable(stream);

  if (!shard.throttle.tryRead(now)) {
    shard.metrics.record('ReadProvisionedThroughputExceeded', 1, now);
    throw rateExceeded(engine, stream, shard);
  }

  const limit = (input.Limit as number | undefined) ?? KINESIS_LIMITS.getRecordsMaxRecords;
  const log = shard.log;
  const trimHorizonMs = now - stream.state.retentionHours * 3_600_000;
  let index = Math.max(log.indexAtOrAfter(position.from), log.indexAtOrAfterTime(trimHorizonMs));
  const records: object[] = [];
  let bytes = 0;
  let next = position.from;
  let lastArrivalMs: number | undefined;
  while (index < log.end && records.length < limit) {
    const record = log.at(index) as ShardRecord;
    const size = record.data.byteLength + Buffer.byteLength(record.partitionKey);
    if (records.length > 0 && bytes + size > KINESIS_LIMITS.getRecordsMaxBytes) break;
    bytes += size;
    records.push({
      SequenceNumber: record.sequenceNumber.toString(),
      ApproximateArrivalTimestamp: record.arrivalMs / 1000,
      Data: Buffer.from(
        record.data.buffer,
        record.data.byteOffset,
        record.data.byteLength,
      ).toString('base64'),
      PartitionKey: record.partitionKey,
    });
    next = record.sequenceNumber + 1n;
    lastArrivalMs = record.arrivalMs;
    index++;
  }
  shard.throttle.chargeRead(bytes, now);
  shard.metrics.record('GetRecords.Success', 1, now);
  shard.metrics.record('GetRecords.Records', records.length, now);
  shard.metrics.record('GetRecords.Bytes', bytes, now);
  shard.metrics.record('OutgoingRecords', records.length, now);
  shard.metrics.record('OutgoingBytes', bytes, now);
  shard.metrics.record(
    'GetRecords.IteratorAgeMilliseconds',
    lastArrivalMs === undefined ? 0 : Math.max(0, now - lastArrivalMs),
    now,
  );
  const newest = log.last;
  const behind = index < log.end ? now - (log.at(index) as ShardRecord).arrivalMs : 0;
  // A closed shard gets no more records: once it is read to the end (and writes routed to it
  // before it closed have landed), the reader moves on to its children.
  if (
    shard.state.endingSequenceNumber !== undefined &&
    index >= log.end &&
    shard.pendingWrites === 0
  ) {
    return { Records: records, MillisBehindLatest: 0, ChildShards: childShards(stream, shard) };
  }
  return {
    Records: records,
    NextShardIterator: encodeShardIterator({
      ...position,
      from: records.length > 0 ? next : position.from,
      issuedMs: now,
    }),
    MillisBehindLatest: newest ? Math.max(0, behind) : 0,
  };
}

/** The shards a closed shard's records continue in, as GetRecords and SubscribeToShard list them. */
export function childShards(stream: LiveStream, shard: LiveShard): object[] {
  return stream.state.shards
    .filter(
      (child) =>
        child.parentShardId === shard.state.shardId ||
        child.adjacentParentShardId === shard.state.shardId,
    )
    .map((child) => ({
      ShardId: child.shardId,
      ParentShards: [child.parentShardId, child.adjacentParentShardId].filter(
        (id): id is string => id !== undefined,
      ),
      HashKeyRange: {
        StartingHashKey: child.startingHashKey.toString(),
        EndingHashKey: child.endingHashKey.toString(),
      },
    }));
}

/** Where a read starts, as GetShardIterator and SubscribeToShard name it. */
export interface StartingPositionInput {
  /** For messages: the operation the position was given to. */
  readonly operation: 'GetShardIterator' | 'SubscribeToShard';
  readonly type: string;
  readonly sequenceNumber: string | undefined;
  readonly timestampMs: number | undefined;
}

/**
 * The first sequence number a read from `shard` may return, for a starting position whose
 * arguments were checked to fit its type. Throws AWS's InvalidArgumentException for a sequence
 * number of another shard (or none of ours) and for a missing or future timestamp.
 */
export function startingPosition(
  engine: Engine,
  stream: LiveStream,
  shard: LiveShard,
  position: StartingPositionInput,
): bigint {
  const { name } = stream.state;
  const { accountId } = engine.options;
  const { type, operation } = position;
  if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
    const starting = position.sequenceNumber as string;
    const value = parseSequenceNumber(starting);
    const encodedShard = value === undefined ? undefined : shardIndexOf(value);
    if (value === undefined || encodedShard === undefined) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        `StartingSequenceNumber ${starting} used in ${operation} on shard ${shard.state.shardId} in stream ${name} under account ${accountId} is invalid.`,
      );
    }
    if (encodedShard !== shard.index) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        `Invalid StartingSequenceNumber. It encodes ${shardIdFor(encodedShard)}, while it was used in a call to a shard with ${shard.state.shardId}`,
      );
    }
    return type === 'AT_SEQUENCE_NUMBER' ? value : value + 1n;
  }
  if (type === 'TRIM_HORIZON') return 0n;
  if (type === 'LATEST') return latestPosition(stream, shard);
  const timestamp = position.timestampMs;
  if (timestamp === undefined) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
    );
  }
  const now = engine.clock.now();
  if (timestamp > now) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${timestamp}, currentTimestampInMillis: ${now}`,
    );
  }
  const record = shard.log.at(shard.log.indexAtOrAfterTime(timestamp));
  return record ? record.sequenceNumber : latestPosition(stream, shard);
}

/** The position just past the newest record: where a LATEST iterator starts. */
function latestPosition(stream: LiveStream, shard: LiveShard): bigint {
  return sequenceNumber(stream.state.nextSequence, shard.index);
}

function recordBytes(entry: EntryInput): number {
  return entry.Data.length + Buffer.byteLength(entry.PartitionKey);
}

/** `path` names the member as AWS does in the message: `data`, or `records.N.member.data`. */
function checkRecordSize(stream: LiveStream, entry: EntryInput, path: string): void {
  const maxBytes = stream.state.maxRecordSizeKiB * 1024;
  if (entry.Data.length > maxBytes) {
    const length = entry.Data.length;
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${length} cap=${length}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${maxBytes}`,
    );
  }
  const bytes = recordBytes(entry);
  if (bytes > maxBytes) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Record size of ${bytes} bytes (data plus partition key) exceeds the maximum record size of ${maxBytes} bytes of stream ${stream.state.name}.`,
    );
  }
}

function shardFor(stream: LiveStream, entry: EntryInput): LiveShard {
  let hashKey: bigint;
  if (entry.ExplicitHashKey !== undefined) {
    hashKey = BigInt(entry.ExplicitHashKey);
    if (hashKey > KINESIS_LIMITS.maxHashKey) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${entry.ExplicitHashKey}`,
      );
    }
  } else {
    hashKey = partitionKeyToHashKey(entry.PartitionKey);
  }
  for (const shard of stream.shards.values()) {
    const { state } = shard;
    if (
      state.endingSequenceNumber === undefined &&
      state.startingHashKey <= hashKey &&
      hashKey <= state.endingHashKey
    ) {
      return shard;
    }
  }
  throw new AwsServiceError(
    'InternalFailure',
    `No open shard of stream ${stream.state.name} covers hash key ${hashKey}.`,
  );
}

function newRecord(
  stream: LiveStream,
  shard: LiveShard,
  entry: EntryInput,
  now: number,
): ShardRecord {
  const counter = stream.state.nextSequence;
  stream.state.nextSequence = counter + 1n;
  return {
    sequenceNumber: sequenceNumber(counter, shard.index),
    partitionKey: entry.PartitionKey,
    data: entry.Data,
    arrivalMs: now,
  };
}

/**
 * SequenceNumberForOrdering must be a sequence number the stream handed out. Ours increase
 * across the whole stream, so the new record's number is above it already; one that was never
 * handed out (not ours, or from the future) is invalid, as AWS says.
 */
function checkOrdering(engine: Engine, stream: LiveStream, ordering: string): void {
  const value = BigInt(ordering);
  if (shardIndexOf(value) === undefined || counterOf(value) >= stream.state.nextSequence) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `ExclusiveMinimumSequenceNumber ${ordering} used in PutRecord on stream ${stream.state.name} under account ${engine.options.accountId} is invalid.`,
    );
  }
}

export function rateExceeded(
  engine: Engine,
  stream: LiveStream,
  shard: LiveShard,
): AwsServiceError {
  return new AwsServiceError(
    'ProvisionedThroughputExceededException',
    `Rate exceeded for shard ${shard.state.shardId} in stream ${stream.state.name} under account ${engine.options.accountId}.`,
  );
}

/** Dates as AWS prints them in messages: `Thu Jan 22 01:22:02 UTC 2015`. */
function amzDate(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}
