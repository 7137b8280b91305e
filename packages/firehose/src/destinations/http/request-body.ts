import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { DestinationRecord } from '../destination.js';

/** `{"data":""}`: the JSON around each record's base64. */
const RECORD_JSON_BYTES = '{"data":""}'.length;

/**
 * The body without records: `{"requestId":"","timestamp":,"records":[]}` plus a 36-character
 * UUID and the 16 digits of the largest millisecond timestamp a JS number holds exactly. An
 * upper bound, so a request sized with it never exceeds 64 MiB.
 */
const MAX_BODY_ENVELOPE_BYTES = '{"requestId":"","timestamp":,"records":[]}'.length + 36 + 16;

const base64Bytes = (dataBytes: number) => Math.ceil(dataBytes / 3) * 4;

/**
 * Splits a batch into requests of 1–10,000 records and at most 64 MiB of JSON.
 *
 * @example
 * ```ts
 * splitRequests(records).map((request) => request.length); // [10000, 10000, 5000] for 25,000
 * ```
 */
export function splitRequests(records: readonly DestinationRecord[]): DestinationRecord[][] {
  const requests: DestinationRecord[][] = [];
  let current: DestinationRecord[] = [];
  let bytes = MAX_BODY_ENVELOPE_BYTES;
  for (const record of records) {
    // The comma before every record but the first is counted for all: an upper bound again.
    const size = base64Bytes(record.data.byteLength) + RECORD_JSON_BYTES + 1;
    const full =
      current.length === FIREHOSE_LIMITS.httpEndpointMaxRecordsPerRequest ||
      bytes + size > FIREHOSE_LIMITS.httpEndpointMaxRequestBytes;
    if (full && current.length > 0) {
      requests.push(current);
      current = [];
      bytes = MAX_BODY_ENVELOPE_BYTES;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * The JSON body of one request, `{ requestId, timestamp, records: [{ data }] }`, written
 * straight into one buffer of its exact size: building a string first and then a Buffer from
 * it would hold two copies of up to 64 MiB.
 *
 * @example
 * ```ts
 * JSON.parse(requestBody('r1', 1, [record]).toString()); // { requestId: 'r1', timestamp: 1, records: [...] }
 * ```
 */
export function requestBody(
  requestId: string,
  timestampMs: number,
  records: readonly DestinationRecord[],
): Buffer {
  const head = `{"requestId":${JSON.stringify(requestId)},"timestamp":${timestampMs},"records":[`;
  let size = Buffer.byteLength(head) + ']}'.length + Math.max(0, records.length - 1);
  for (const record of records) size += base64Bytes(record.data.byteLength) + RECORD_JSON_BYTES;
  const body = Buffer.allocUnsafe(size);
  let offset = body.write(head);
  for (const [index, record] of records.entries()) {
    offset += body.write(index === 0 ? '{"data":"' : ',{"data":"', offset, 'latin1');
    const { buffer, byteOffset, byteLength } = record.data;
    offset += body.write(
      Buffer.from(buffer, byteOffset, byteLength).toString('base64'),
      offset,
      'latin1',
    );
    offset += body.write('"}', offset, 'latin1');
  }
  body.write(']}', offset, 'latin1');
  return body;
}
