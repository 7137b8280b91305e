import type { UserRecord } from '@kinesis-kit/records';
import type { DeliveryAttempt } from '../errors.js';

/** Where a delivered record was stored. */
export interface PutResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Position in the KPL aggregate that carried it; absent when it was sent plain. */
  readonly subSequenceNumber?: number | undefined;
  /** Tries it took, the successful one included. */
  readonly attempts: number;
}

/** A record handed to `put` and not yet settled. */
export class PendingRecord {
  readonly record: UserRecord;
  /** Data + partition key bytes: what the shard limits count. */
  readonly recordBytes: number;
  readonly hashKey: bigint;
  readonly enqueuedMs: number;
  readonly deadlineMs: number;
  readonly attempts: DeliveryAttempt[] = [];
  /** The error of the last failed try. */
  lastError: unknown;
  /** Set once the record has been sent at least once: an abort can no longer take it back. */
  sent = false;
  settled = false;
  /** Called once when the record settles (to drop an abort listener). */
  onSettled: (() => void) | undefined;
  readonly #resolve: (result: PutResult) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    record: UserRecord,
    recordBytes: number,
    hashKey: bigint,
    nowMs: number,
    ttlMs: number,
    resolve: (result: PutResult) => void,
    reject: (error: unknown) => void,
  ) {
    this.record = record;
    this.recordBytes = recordBytes;
    this.hashKey = hashKey;
    this.enqueuedMs = nowMs;
    this.deadlineMs = nowMs + ttlMs;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  resolve(result: PutResult): void {
    if (this.#finish()) this.#resolve(result);
  }

  reject(error: unknown): void {
    if (this.#finish()) this.#reject(error);
  }

  #finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.onSettled?.();
    return true;
  }
}
