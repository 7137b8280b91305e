import type { FirehoseTransformationResultRecord } from 'aws-lambda';

const EMPTY_RESPONSE_BYTES = Buffer.byteLength('{"records":[]}');

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** The smallest form of a record Firehose accepts: no data, no metadata. */
const minimal = (record: FirehoseTransformationResultRecord): FirehoseTransformationResultRecord =>
  record.result === 'Ok'
    ? { recordId: record.recordId, result: 'ProcessingFailed' }
    : { recordId: record.recordId, result: record.result };

/**
 * Fits `records` into a response of at most `maxBytes` of JSON. Every record keeps its place;
 * records are upgraded from their smallest form to their full one in input order while the
 * total stays within the cap, so the response always fits when the smallest forms do. Returns
 * the records and the ids of Ok records that had to be failed.
 */
export function fitResponse(
  records: readonly FirehoseTransformationResultRecord[],
  maxBytes: number,
): { records: FirehoseTransformationResultRecord[]; overflowed: Set<string> } {
  const smallest = records.map(minimal);
  let total =
    EMPTY_RESPONSE_BYTES +
    Math.max(0, records.length - 1) +
    smallest.reduce((sum, record) => sum + jsonBytes(record), 0);
  const fitted: FirehoseTransformationResultRecord[] = [];
  const overflowed = new Set<string>();
  records.forEach((record, index) => {
    const small = smallest[index] as FirehoseTransformationResultRecord;
    const grown = jsonBytes(record) - jsonBytes(small);
    if (total + grown <= maxBytes) {
      total += grown;
      fitted.push(record);
      return;
    }
    fitted.push(small);
    if (record.result === 'Ok') overflowed.add(record.recordId);
  });
  return { records: fitted, overflowed };
}
