import { describe, expect, it } from 'vitest';
import {
  KINESIS_LIMITS,
  RecordValidationError,
  type UserRecord,
  validateUserRecord,
} from '../src/index.js';

function rejection(record: UserRecord, limits = {}): RecordValidationError {
  try {
    validateUserRecord(record, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(RecordValidationError);
    return error as RecordValidationError;
  }
  throw new Error('expected the record to be rejected');
}

const data = new Uint8Array(10);

describe('validateUserRecord', () => {
  it('returns the sizes Kinesis counts for a valid record', () => {
    expect(validateUserRecord({ partitionKey: 'clé', data })).toEqual({
      partitionKeyBytes: 4,
      recordBytes: 14,
    });
  });

  it('rejects an empty partition key', () => {
    const error = rejection({ partitionKey: '', data });
    expect(error).toMatchObject({
      code: 'EmptyPartitionKey',
      limit: 1,
      actual: 0,
      retriable: false,
    });
  });

  it('counts partition key length in Unicode characters, not UTF-16 code units', () => {
    // 256 emoji are 512 code units but 256 characters: allowed.
    expect(() => validateUserRecord({ partitionKey: '😀'.repeat(256), data })).not.toThrow();
    const error = rejection({ partitionKey: '😀'.repeat(257), data });
    expect(error).toMatchObject({ code: 'PartitionKeyTooLong', limit: 256, actual: 257 });
    expect(error.message).toBe('partitionKey has 257 characters, more than the limit of 256');
  });

  it('rejects a partition key with a lone surrogate, which has no UTF-8 form', () => {
    expect(rejection({ partitionKey: 'a\ud800b', data }).code).toBe('InvalidPartitionKey');
  });

  it('rejects a partition key that is not a string', () => {
    const error = rejection({ partitionKey: 42 as unknown as string, data });
    expect(error.code).toBe('InvalidPartitionKey');
    expect(error.message).toBe('partitionKey must be a string, got number');
  });

  it('rejects data that is not bytes', () => {
    const error = rejection({ partitionKey: 'k', data: 'text' as unknown as Uint8Array });
    expect(error.code).toBe('InvalidData');
  });

  it('limits data plus partition key bytes to 1 MiB by default', () => {
    const max = KINESIS_LIMITS.maxRecordBytes;
    expect(() =>
      validateUserRecord({ partitionKey: 'k', data: new Uint8Array(max - 1) }),
    ).not.toThrow();
    const error = rejection({ partitionKey: 'kk', data: new Uint8Array(max - 1) });
    expect(error).toMatchObject({ code: 'RecordTooLarge', limit: max, actual: max + 1 });
    expect(error.message).toBe(
      'record is 1048577 bytes (1048575 data + 2 partition key), more than the limit of 1048576 bytes',
    );
  });

  it('honours a stream maximum raised with UpdateMaxRecordSize', () => {
    const big = { partitionKey: 'k', data: new Uint8Array(2 * 1024 * 1024) };
    expect(rejection(big).code).toBe('RecordTooLarge');
    expect(() => validateUserRecord(big, { maxRecordBytes: 10240 * 1024 })).not.toThrow();
  });

  it('checks the explicit hash key is a decimal in [0, 2^128)', () => {
    const max = ((1n << 128n) - 1n).toString();
    expect(() =>
      validateUserRecord({ partitionKey: 'k', data, explicitHashKey: max }),
    ).not.toThrow();
    for (const explicitHashKey of [(1n << 128n).toString(), '007', '-5', 'abc', '']) {
      const error = rejection({ partitionKey: 'k', data, explicitHashKey });
      expect(error.code, explicitHashKey).toBe('InvalidExplicitHashKey');
    }
  });
});
