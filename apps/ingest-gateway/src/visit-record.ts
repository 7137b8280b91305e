import type { UserRecord } from '@kinesis-kit/records';
import type { Visit } from './visit.js';

/**
 * A visit as the gateway hands it to the producer: the record (the visit's JSON, keyed as the
 * gateway is told) with what the gateway needs when it settles, so that nothing else is kept per
 * visit while the producer holds it.
 */
export interface VisitRecord extends UserRecord {
  /** Data + partition key bytes: the room it takes in the producer's buffer. */
  readonly recordBytes: number;
  /** Its position in the request that brought it. */
  readonly index: number;
}

const utf8 = new TextDecoder();

/** The visit a record carries (its data is the visit's JSON, fields as posted). */
export function visitOf(record: UserRecord): Visit {
  return JSON.parse(utf8.decode(record.data)) as Visit;
}
