/** The JSON of one event record without its values, comma included. */
const RECORD_JSON_BYTES = '{"recordId":"","approximateArrivalTimestamp":,"data":""},'.length;
/** Record ids are UUIDs. */
const RECORD_ID_BYTES = 36;

/**
 * Bytes one record adds to a serialized transformation event: its JSON, its id, its arrival
 * timestamp's digits and its data's base64 (4 bytes per 3, padded). Exact, but for the comma
 * the last record does not have, so a batch sized with it never exceeds the request limit.
 *
 * @example
 * ```ts
 * eventRecordBytes(50, Date.now()); // 180
 * ```
 */
export function eventRecordBytes(dataBytes: number, arrivalMs: number): number {
  return (
    RECORD_JSON_BYTES + RECORD_ID_BYTES + String(arrivalMs).length + Math.ceil(dataBytes / 3) * 4
  );
}

/**
 * Bytes of a serialized transformation event with no records: `invocationId` (a UUID),
 * `deliveryStreamArn`, `region` and the empty `records` array.
 *
 * @example
 * ```ts
 * eventEnvelopeBytes('arn:aws:firehose:us-east-1:000000000000:deliverystream/s', 'us-east-1');
 * ```
 */
export function eventEnvelopeBytes(deliveryStreamArn: string, region: string): number {
  const invocationId = '00000000-0000-0000-0000-000000000000';
  return Buffer.byteLength(
    JSON.stringify({ invocationId, deliveryStreamArn, region, records: [] }),
  );
}
