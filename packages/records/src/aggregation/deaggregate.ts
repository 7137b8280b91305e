import { isAscii } from 'node:buffer';
import { DEFAULTS } from '../defaults.js';
import { CorruptAggregateCode, CorruptAggregateError } from '../errors.js';
import { parseHashKey, partitionKeyToHashKey } from '../hash-key.js';
import type { HashKeyRange, StoredRecord, UserRecord } from '../model.js';
import { DIGEST_BYTES, Field, FRAME_BYTES, MAGIC, md5, startsWithMagic, Tag } from './format.js';
import { ProtobufFormatError, ProtobufReader, WireType } from './protobuf.js';

/** Options of {@link deaggregate}. */
export interface DeaggregateOptions {
  /**
   * What to do with a record that starts with the KPL magic number but is not a valid aggregate
   * (too short, wrong MD5 digest, malformed protobuf, bad table index, hash key outside
   * `hashKeyRange`): `'throw'` raises a `CorruptAggregateError`; `'passThrough'` returns the
   * record unchanged as a plain record, as the KCL does.
   * @default 'throw'
   */
  readonly onCorrupt?: 'throw' | 'passThrough';
  /**
   * The hash key range of the shard the record was read from. When set, every user record must
   * hash into it, or the aggregate is corrupt (code `HashKeyOutsideShard`): the KCL drops such
   * aggregates, because their records belong to another shard's order.
   */
  readonly hashKeyRange?: HashKeyRange | undefined;
}

/**
 * A user record taken out of a Kinesis record: the outer record's other fields (sequence number,
 * arrival time, shard) with the user record's key, data and sub-sequence number.
 */
export type DeaggregatedRecord<T extends UserRecord> = Omit<
  T,
  'partitionKey' | 'explicitHashKey' | 'data' | 'subSequenceNumber'
> & {
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
  readonly data: Uint8Array;
  /** Position in the aggregate; absent when the record was not aggregated. */
  readonly subSequenceNumber?: number | undefined;
};

/**
 * Whether `data` is framed as a KPL aggregate: the magic number and room for the digest. It
 * does not verify the digest; {@link deaggregate} does.
 */
export function isAggregated(data: Uint8Array): boolean {
  return data.byteLength >= FRAME_BYTES && startsWithMagic(data);
}

/**
 * Takes the user records out of a Kinesis record. A plain record comes back alone and unchanged;
 * an aggregate yields its user records in order with sub-sequence numbers 0..n-1, each keeping
 * the outer record's other fields. User records' `data` are views into the outer record's
 * `data` (no copy). A corrupt aggregate raises `CorruptAggregateError` unless
 * `onCorrupt: 'passThrough'`.
 *
 * @example
 * ```ts
 * for (const record of response.records) {
 *   for (const user of deaggregate(record)) handle(user.partitionKey, user.data);
 * }
 * ```
 */
export function deaggregate<T extends UserRecord>(
  record: T,
  options: DeaggregateOptions = {},
): DeaggregatedRecord<T>[] {
  const data = record.data;
  if (!startsWithMagic(data)) return [record];
  try {
    return unpack(record, options.hashKeyRange);
  } catch (error) {
    if ((options.onCorrupt ?? DEFAULTS.onCorrupt) === 'passThrough') return [record];
    throw error;
  }
}

function unpack<T extends UserRecord>(
  record: T,
  hashKeyRange: HashKeyRange | undefined,
): DeaggregatedRecord<T>[] {
  const data = record.data;
  const length = data.byteLength;
  if (length < FRAME_BYTES) {
    throw new CorruptAggregateError(
      CorruptAggregateCode.TooShort,
      `record starts with the KPL magic number but has ${length} bytes, fewer than the ${FRAME_BYTES} of magic number and digest`,
    );
  }
  const protobufEnd = length - DIGEST_BYTES;
  const digest = md5(data, MAGIC.length, protobufEnd);
  for (let index = 0; index < DIGEST_BYTES; index++) {
    if (digest[index] !== data[protobufEnd + index]) {
      throw new CorruptAggregateError(
        CorruptAggregateCode.DigestMismatch,
        'aggregated record is corrupt: its MD5 digest does not match its protobuf message',
      );
    }
  }
  let message: ParsedAggregate;
  try {
    message = parseAggregate(data, MAGIC.length, protobufEnd);
  } catch (error) {
    if (!(error instanceof ProtobufFormatError)) throw error;
    throw new CorruptAggregateError(
      CorruptAggregateCode.MalformedProtobuf,
      `aggregated record is corrupt: ${error.message}`,
    );
  }
  return toUserRecords(record, message, hashKeyRange);
}

interface ParsedAggregate {
  readonly partitionKeys: string[];
  readonly explicitHashKeys: string[];
  /** Per record: partition key index, explicit hash key index (-1: none), data start, end. */
  readonly records: number[];
}

const FIELDS_PER_RECORD = 4;

function parseAggregate(bytes: Uint8Array, start: number, end: number): ParsedAggregate {
  const reader = new ProtobufReader(bytes, start, end);
  /** [start, end) of each partition key's bytes, decoded together at the end. */
  const partitionKeyRanges: number[] = [];
  const explicitHashKeyRanges: number[] = [];
  const records: number[] = [];
  while (reader.position < end) {
    const tag = reader.readVarint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const length = reader.readLength();
    const fieldStart = reader.position;
    const fieldEnd = fieldStart + length;
    if (field === Field.PartitionKeyTable) {
      partitionKeyRanges.push(fieldStart, fieldEnd);
    } else if (field === Field.ExplicitHashKeyTable) {
      explicitHashKeyRanges.push(fieldStart, fieldEnd);
    } else if (field === Field.Records) {
      reader.limit = fieldEnd;
      parseRecord(reader, records);
      reader.limit = end;
    }
    reader.position = fieldEnd;
  }
  return {
    partitionKeys: decodeStrings(bytes, partitionKeyRanges),
    explicitHashKeys: decodeStrings(bytes, explicitHashKeyRanges),
    records,
  };
}

/** Reads one `Record` message up to `reader.limit`. */
function parseRecord(reader: ProtobufReader, records: number[]): void {
  let partitionKeyIndex = -1;
  let explicitHashKeyIndex = -1;
  let dataStart = -1;
  let dataEnd = -1;
  while (reader.position < reader.limit) {
    const tag = reader.readVarint();
    if (tag === Tag.RecordPartitionKeyIndex) {
      partitionKeyIndex = reader.readVarint();
    } else if (tag === Tag.RecordExplicitHashKeyIndex) {
      explicitHashKeyIndex = reader.readVarint();
    } else if (tag === Tag.RecordData) {
      const length = reader.readLength();
      dataStart = reader.position;
      dataEnd = dataStart + length;
      reader.position = dataEnd;
    } else {
      // Tags (field 4) and unknown fields carry nothing a user record needs.
      reader.skip(tag & 7);
    }
  }
  if (partitionKeyIndex < 0) {
    throw new ProtobufFormatError(
      `record ${records.length / FIELDS_PER_RECORD} lacks the required partition_key_index`,
    );
  }
  if (dataStart < 0) {
    throw new ProtobufFormatError(
      `record ${records.length / FIELDS_PER_RECORD} lacks the required data field`,
    );
  }
  records.push(partitionKeyIndex, explicitHashKeyIndex, dataStart, dataEnd);
}

/**
 * Decodes the UTF-8 strings at the given ranges. When the bytes they span are all ASCII (the
 * common case: the tables are contiguous and keys are ASCII), one latin1 decode of the span and
 * a slice per key replace a native call per key.
 */
function decodeStrings(bytes: Uint8Array, ranges: readonly number[]): string[] {
  const count = ranges.length / 2;
  const strings: string[] = new Array(count);
  if (count === 0) return strings;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let spanStart = Number.POSITIVE_INFINITY;
  let spanEnd = 0;
  let stringBytes = 0;
  for (let index = 0; index < ranges.length; index += 2) {
    const start = ranges[index] as number;
    const end = ranges[index + 1] as number;
    if (start < spanStart) spanStart = start;
    if (end > spanEnd) spanEnd = end;
    stringBytes += end - start;
  }
  // Tables written together span little more than their strings plus a tag and length each.
  const contiguous = spanEnd - spanStart <= stringBytes + 4 * count;
  if (contiguous && isAscii(bytes.subarray(spanStart, spanEnd))) {
    const span = buffer.toString('latin1', spanStart, spanEnd);
    for (let index = 0; index < count; index++) {
      strings[index] = span.slice(
        (ranges[2 * index] as number) - spanStart,
        (ranges[2 * index + 1] as number) - spanStart,
      );
    }
    return strings;
  }
  for (let index = 0; index < count; index++) {
    strings[index] = buffer.toString('utf8', ranges[2 * index], ranges[2 * index + 1]);
  }
  return strings;
}

function toUserRecords<T extends UserRecord>(
  outer: T,
  message: ParsedAggregate,
  hashKeyRange: HashKeyRange | undefined,
): DeaggregatedRecord<T>[] {
  const { partitionKeys, explicitHashKeys, records } = message;
  const { data } = outer;
  const build = isStoredRecord(outer) ? storedUserRecord : genericUserRecord;
  const hashKeys: HashKeyCache | undefined = hashKeyRange
    ? { partitionKeys: [], explicitHashKeys: [] }
    : undefined;
  const output: DeaggregatedRecord<T>[] = [];
  for (let offset = 0; offset < records.length; offset += FIELDS_PER_RECORD) {
    const subSequenceNumber = offset / FIELDS_PER_RECORD;
    const partitionKeyIndex = records[offset] as number;
    const explicitHashKeyIndex = records[offset + 1] as number;
    const partitionKey = partitionKeys[partitionKeyIndex];
    if (partitionKey === undefined) {
      throw new CorruptAggregateError(
        CorruptAggregateCode.InvalidTableIndex,
        `aggregated record is corrupt: user record ${subSequenceNumber} points to partition key ${partitionKeyIndex} of a table of ${partitionKeys.length}`,
      );
    }
    let explicitHashKey: string | undefined;
    if (explicitHashKeyIndex >= 0) {
      explicitHashKey = explicitHashKeys[explicitHashKeyIndex];
      if (explicitHashKey === undefined) {
        throw new CorruptAggregateError(
          CorruptAggregateCode.InvalidTableIndex,
          `aggregated record is corrupt: user record ${subSequenceNumber} points to explicit hash key ${explicitHashKeyIndex} of a table of ${explicitHashKeys.length}`,
        );
      }
    }
    if (hashKeyRange && hashKeys) {
      const hashKey = hashKeyAt(
        hashKeys,
        message,
        partitionKeyIndex,
        explicitHashKeyIndex,
        subSequenceNumber,
      );
      if (hashKey < hashKeyRange.startingHashKey || hashKey > hashKeyRange.endingHashKey) {
        throw new CorruptAggregateError(
          CorruptAggregateCode.HashKeyOutsideShard,
          `user record ${subSequenceNumber} has hash key ${hashKey}, outside the shard's range [${hashKeyRange.startingHashKey}, ${hashKeyRange.endingHashKey}]`,
        );
      }
    }
    const dataStart = records[offset + 2] as number;
    const userData = new Uint8Array(
      data.buffer,
      data.byteOffset + dataStart,
      (records[offset + 3] as number) - dataStart,
    );
    output.push(
      build(
        outer,
        partitionKey,
        explicitHashKey,
        userData,
        subSequenceNumber,
      ) as DeaggregatedRecord<T>,
    );
  }
  return output;
}

/** The fields of a `StoredRecord`, the shape consumers pass. */
const STORED_RECORD_FIELDS = new Set([
  'partitionKey',
  'explicitHashKey',
  'data',
  'subSequenceNumber',
  'sequenceNumber',
  'approximateArrivalTimestamp',
  'shardId',
]);

/** Whether the record has a `StoredRecord`'s fields and no others. */
function isStoredRecord(record: UserRecord): record is StoredRecord {
  const fields = Object.keys(record);
  for (const field of fields) if (!STORED_RECORD_FIELDS.has(field)) return false;
  return (
    'sequenceNumber' in record && 'approximateArrivalTimestamp' in record && 'shardId' in record
  );
}

type UserRecordBuilder = (
  outer: UserRecord,
  partitionKey: string,
  explicitHashKey: string | undefined,
  data: Uint8Array,
  subSequenceNumber: number,
) => UserRecord;

/** Builds the user record as a literal: one object shape, several times faster than copying. */
const storedUserRecord: UserRecordBuilder = (
  outer,
  partitionKey,
  explicitHashKey,
  data,
  subSequenceNumber,
) => {
  const { sequenceNumber, approximateArrivalTimestamp, shardId } = outer as StoredRecord;
  return explicitHashKey === undefined
    ? {
        partitionKey,
        data,
        sequenceNumber,
        subSequenceNumber,
        approximateArrivalTimestamp,
        shardId,
      }
    : {
        partitionKey,
        explicitHashKey,
        data,
        sequenceNumber,
        subSequenceNumber,
        approximateArrivalTimestamp,
        shardId,
      };
};

/** Copies whatever other fields the outer record has (encryption type, ...). */
const genericUserRecord: UserRecordBuilder = (
  outer,
  partitionKey,
  explicitHashKey,
  data,
  subSequenceNumber,
) => {
  const user: Record<string, unknown> = Object.assign<Record<string, unknown>, UserRecord>(
    {},
    outer,
  );
  user.partitionKey = partitionKey;
  if (explicitHashKey === undefined) delete user.explicitHashKey;
  else user.explicitHashKey = explicitHashKey;
  user.data = data;
  user.subSequenceNumber = subSequenceNumber;
  return user as unknown as UserRecord;
};

/** Hash keys of the tables' entries, computed once per entry. */
interface HashKeyCache {
  readonly partitionKeys: (bigint | undefined)[];
  readonly explicitHashKeys: (bigint | undefined)[];
}

function hashKeyAt(
  cache: HashKeyCache,
  message: ParsedAggregate,
  partitionKeyIndex: number,
  explicitHashKeyIndex: number,
  subSequenceNumber: number,
): bigint {
  if (explicitHashKeyIndex < 0) {
    let hashKey = cache.partitionKeys[partitionKeyIndex];
    if (hashKey === undefined) {
      hashKey = partitionKeyToHashKey(message.partitionKeys[partitionKeyIndex] as string);
      cache.partitionKeys[partitionKeyIndex] = hashKey;
    }
    return hashKey;
  }
  let hashKey = cache.explicitHashKeys[explicitHashKeyIndex];
  if (hashKey === undefined) {
    const text = message.explicitHashKeys[explicitHashKeyIndex] as string;
    hashKey = parseHashKey(text);
    if (hashKey === undefined) {
      throw new CorruptAggregateError(
        CorruptAggregateCode.InvalidExplicitHashKey,
        `aggregated record is corrupt: user record ${subSequenceNumber} has explicit hash key ${JSON.stringify(text)}, not a decimal integer in [0, 2^128)`,
      );
    }
    cache.explicitHashKeys[explicitHashKeyIndex] = hashKey;
  }
  return hashKey;
}
