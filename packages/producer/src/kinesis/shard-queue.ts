import type { PendingRecord } from './pending-record.js';
import type { ShardRateLimiter } from './shard-rate-limiter.js';

/**
 * The records waiting for one predicted shard, oldest first, with what governs when they may
 * go: the shard's rate limiter, a backoff after a failure, and (for ordered producers) whether
 * a request to the shard is in flight.
 */
export class ShardQueue {
  readonly shardId: string;
  readonly limiter: ShardRateLimiter;
  /** Requests in flight that carry records of this shard. */
  inFlight = 0;
  /** No request to this shard before this time (backoff after a failure). */
  notBeforeMs = 0;
  #records: PendingRecord[] = [];
  #head = 0;
  #bytes = 0;

  constructor(shardId: string, limiter: ShardRateLimiter) {
    this.shardId = shardId;
    this.limiter = limiter;
  }

  get size(): number {
    return this.#records.length - this.#head;
  }

  /** Data + partition key bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  peek(): PendingRecord | undefined {
    return this.#records[this.#head];
  }

  shift(): PendingRecord | undefined {
    const record = this.#records[this.#head];
    if (record === undefined) return undefined;
    this.#records[this.#head] = undefined as unknown as PendingRecord;
    this.#head++;
    this.#bytes -= record.recordBytes;
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    return record;
  }

  push(record: PendingRecord): void {
    this.#records.push(record);
    this.#bytes += record.recordBytes;
  }

  /** Puts records back at the front, keeping their order: they are older than the rest. */
  unshift(records: readonly PendingRecord[]): void {
    this.#records = [...records, ...this.#records.slice(this.#head)];
    this.#head = 0;
    for (const record of records) this.#bytes += record.recordBytes;
  }

  /** Takes a record out of the queue (an aborted put); returns whether it was there. */
  remove(record: PendingRecord): boolean {
    const index = this.#records.indexOf(record, this.#head);
    if (index < 0) return false;
    this.#records.splice(index, 1);
    this.#bytes -= record.recordBytes;
    return true;
  }

  /** Empties the queue, returning its records oldest first. */
  drain(): PendingRecord[] {
    const records = this.#records.slice(this.#head);
    this.#records = [];
    this.#head = 0;
    this.#bytes = 0;
    return records;
  }
}
