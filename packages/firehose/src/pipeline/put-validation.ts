import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';
import { FirehoseLimitError } from '../errors.js';

/**
 * The bytes of one record as PutRecord takes it, checked against the 1,000 KiB limit.
 *
 * @example
 * ```ts
 * recordBytes('{"a":1}', 'the record'); // Buffer of 7 bytes
 * ```
 */
export function recordBytes(data: Uint8Array | string, what: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) bytes = data;
  else throw new InvalidArgumentError(`${what} must be a Uint8Array or a string`);
  const limit = FIREHOSE_LIMITS.maxRecordBytes;
  if (bytes.byteLength > limit) {
    throw new FirehoseLimitError(
      'RecordTooLarge',
      `${what} is ${bytes.byteLength} bytes, over the limit of ${limit} (1,000 KiB)`,
      { limit, actual: bytes.byteLength },
    );
  }
  return bytes;
}

/**
 * The bytes of a PutRecordBatch call's records, checked against its limits: 1–500 records,
 * each at most 1,000 KiB, at most 4 MiB in all. Firehose rejects the whole call for any of
 * these, so this throws {@link FirehoseLimitError} before accepting anything.
 *
 * @example
 * ```ts
 * batchBytes(['a', 'b']).length; // 2
 * ```
 */
export function batchBytes(records: readonly (Uint8Array | string)[]): Uint8Array[] {
  const { putRecordBatchMaxRecords: maxRecords, putRecordBatchMaxBytes: maxBytes } =
    FIREHOSE_LIMITS;
  if (records.length === 0) {
    throw new FirehoseLimitError('EmptyBatch', 'PutRecordBatch needs at least 1 record', {
      limit: 1,
      actual: 0,
    });
  }
  if (records.length > maxRecords) {
    throw new FirehoseLimitError(
      'TooManyRecords',
      `PutRecordBatch has ${records.length} records, over the limit of ${maxRecords}`,
      { limit: maxRecords, actual: records.length },
    );
  }
  const encoded = records.map((data, index) => recordBytes(data, `record ${index}`));
  const total = encoded.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  if (total > maxBytes) {
    throw new FirehoseLimitError(
      'BatchTooLarge',
      `PutRecordBatch is ${total} bytes, over the limit of ${maxBytes} (4 MiB)`,
      { limit: maxBytes, actual: total },
    );
  }
  return encoded;
}
