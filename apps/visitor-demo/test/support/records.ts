import type { StoredRecord } from '@kinesis-kit/records';

const encoder = new TextEncoder();
let sequence = 0;

/** A stored record carrying a visit, as the consumer hands it over. */
export function visitRecord(
  visit: { visitId: string; url: string; timestamp?: number | string },
  arrivalMs: number,
  shardId = 'shardId-000000000000',
): StoredRecord {
  sequence += 1;
  return {
    partitionKey: visit.url,
    data: encoder.encode(JSON.stringify({ visitorId: 'u1', timestamp: arrivalMs, ...visit })),
    sequenceNumber: String(sequence).padStart(56, '0'),
    approximateArrivalTimestamp: new Date(arrivalMs),
    shardId,
  };
}
