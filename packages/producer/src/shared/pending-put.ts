import type { DeliveryAttempt } from '../errors.js';

/**
 * A record handed to `put` and not yet settled, with what its retries and its final report
 * need. It settles once: a late answer for a record that already failed (an abort, a TTL) is
 * dropped rather than resolving a promise twice or reporting the record twice.
 */
export class PendingPut<TRecord, TResult> {
  readonly record: TRecord;
  /** What the buffer, batch and service limits count for this record. */
  readonly recordBytes: number;
  readonly enqueuedMs: number;
  readonly deadlineMs: number;
  readonly attempts: DeliveryAttempt[] = [];
  /** The error of the last failed try, for the report if the record expires while queued. */
  lastError: unknown;
  /** Set once the record has been sent at least once: an abort can no longer take it back. */
  sent = false;
  settled = false;
  /** Called once when the record settles (to drop an abort listener). */
  onSettled: (() => void) | undefined;
  readonly #resolve: (result: TResult) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    record: TRecord,
    recordBytes: number,
    nowMs: number,
    ttlMs: number,
    resolve: (result: TResult) => void,
    reject: (error: unknown) => void,
  ) {
    this.record = record;
    this.recordBytes = recordBytes;
    this.enqueuedMs = nowMs;
    this.deadlineMs = nowMs + ttlMs;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  resolve(result: TResult): void {
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
