import { FIREHOSE_LIMITS, RecordValidationCode, RecordValidationError } from '@kinesis-kit/records';

/**
 * A record for {@link FirehoseProducer.put}: the bytes to deliver. Text must be encoded first
 * (`new TextEncoder().encode(line)`), so that the size checked is the size Firehose counts.
 * The object itself comes back in a {@link RecordDeliveryError} if it cannot be delivered.
 */
export interface FirehoseRecord {
  readonly data: Uint8Array;
}

/** Where a delivered record was stored. */
export interface FirehosePutResult {
  /**
   * The RecordId Firehose gave the Firehose record that carried it. With packing, records packed
   * together share it.
   */
  readonly recordId: string;
  /** Tries it took, the successful one included. */
  readonly attempts: number;
}

/**
 * Checks a record against the Firehose record limit and returns its size as sent: data plus
 * delimiter. Throws a {@link RecordValidationError} naming the limit and the record's size.
 */
export function validateFirehoseRecord(record: FirehoseRecord, delimiterBytes: number): number {
  if (record instanceof Uint8Array) {
    throw new RecordValidationError(
      RecordValidationCode.InvalidData,
      'put takes a record { data: Uint8Array }, got a bare Uint8Array',
    );
  }
  const data = (record as { data?: unknown } | null | undefined)?.data;
  if (!(data instanceof Uint8Array)) {
    throw new RecordValidationError(
      RecordValidationCode.InvalidData,
      `data must be a Uint8Array (encode text with TextEncoder), got ${describe(data)}`,
    );
  }
  const recordBytes = data.byteLength + delimiterBytes;
  if (recordBytes > FIREHOSE_LIMITS.maxRecordBytes) {
    throw new RecordValidationError(
      RecordValidationCode.RecordTooLarge,
      `record is ${recordBytes} bytes (${data.byteLength} data + ${delimiterBytes} delimiter), more than the Firehose record limit of ${FIREHOSE_LIMITS.maxRecordBytes} bytes (FIREHOSE_LIMITS.maxRecordBytes)`,
      { limit: FIREHOSE_LIMITS.maxRecordBytes, actual: recordBytes },
    );
  }
  return recordBytes;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
