import { RecordValidationCode, RecordValidationError } from './errors.js';
import { parseHashKey } from './hash-key.js';
import { KINESIS_LIMITS } from './limits.js';
import type { UserRecord } from './model.js';

/** The limits {@link validateUserRecord} checks, where a stream's differ from the defaults. */
export interface RecordLimits {
  /**
   * Largest record: data bytes plus partition key bytes. A stream's maximum can be raised with
   * UpdateMaxRecordSize.
   * @default KINESIS_LIMITS.maxRecordBytes (1 MiB)
   */
  readonly maxRecordBytes?: number;
}

/** Sizes measured while validating a record, so callers need not measure again. */
export interface RecordSize {
  /** UTF-8 bytes of the partition key. */
  readonly partitionKeyBytes: number;
  /** Data bytes plus partition key bytes: what Kinesis counts against its limits. */
  readonly recordBytes: number;
}

/**
 * Checks a user record against the Kinesis limits and returns its size. Throws a
 * {@link RecordValidationError} whose `code` names the broken rule and whose message gives the
 * limit and the record's actual value.
 *
 * @example
 * ```ts
 * const { recordBytes } = validateUserRecord({ partitionKey: 'user-1', data });
 * ```
 */
export function validateUserRecord(record: UserRecord, limits: RecordLimits = {}): RecordSize {
  const { partitionKey, data, explicitHashKey } = record;
  if (typeof partitionKey !== 'string') {
    throw new RecordValidationError(
      RecordValidationCode.InvalidPartitionKey,
      `partitionKey must be a string, got ${describe(partitionKey)}`,
    );
  }
  if (partitionKey.length === 0) {
    throw new RecordValidationError(
      RecordValidationCode.EmptyPartitionKey,
      `partitionKey must have at least ${KINESIS_LIMITS.minPartitionKeyLength} character, got an empty string`,
      { limit: KINESIS_LIMITS.minPartitionKeyLength, actual: 0 },
    );
  }
  if (partitionKey.length > KINESIS_LIMITS.maxPartitionKeyLength) {
    // String length counts UTF-16 code units; Kinesis counts Unicode characters (code points).
    const characters = countCodePoints(partitionKey);
    if (characters > KINESIS_LIMITS.maxPartitionKeyLength) {
      throw new RecordValidationError(
        RecordValidationCode.PartitionKeyTooLong,
        `partitionKey has ${characters} characters, more than the limit of ${KINESIS_LIMITS.maxPartitionKeyLength}`,
        { limit: KINESIS_LIMITS.maxPartitionKeyLength, actual: characters },
      );
    }
  }
  if (!partitionKey.isWellFormed()) {
    throw new RecordValidationError(
      RecordValidationCode.InvalidPartitionKey,
      'partitionKey contains a lone UTF-16 surrogate and has no UTF-8 form',
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new RecordValidationError(
      RecordValidationCode.InvalidData,
      `data must be a Uint8Array, got ${describe(data)}`,
    );
  }
  const partitionKeyBytes = Buffer.byteLength(partitionKey, 'utf8');
  const recordBytes = data.byteLength + partitionKeyBytes;
  const maxRecordBytes = limits.maxRecordBytes ?? KINESIS_LIMITS.maxRecordBytes;
  if (recordBytes > maxRecordBytes) {
    throw new RecordValidationError(
      RecordValidationCode.RecordTooLarge,
      `record is ${recordBytes} bytes (${data.byteLength} data + ${partitionKeyBytes} partition key), more than the limit of ${maxRecordBytes} bytes`,
      { limit: maxRecordBytes, actual: recordBytes },
    );
  }
  if (explicitHashKey !== undefined) {
    if (typeof explicitHashKey !== 'string' || parseHashKey(explicitHashKey) === undefined) {
      throw new RecordValidationError(
        RecordValidationCode.InvalidExplicitHashKey,
        `explicitHashKey must be a decimal integer from 0 to 2^128 - 1 without leading zeros, got ${describe(explicitHashKey)}`,
      );
    }
  }
  return { partitionKeyBytes, recordBytes };
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
