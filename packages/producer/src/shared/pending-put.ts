import type { DeliveryAttempt } from '../errors.js';
import type { PutTracker } from './put-tracker.js';

/**
 * Where the outcome of a record handed to a producer goes: exactly one of the two is called,
 * once. One listener can follow any number of records (it is told which one settled), so a
 * caller that hands over many records needs no promise and no closure per record.
 */
export interface PutListener<TRecord, TResult> {
  /** The record was stored; `result` says where. */
  stored(result: TResult, record: TRecord): void;
  /** The record will not be stored: a `RecordDeliveryError` says why, with every attempt. */
  failed(error: unknown, record: TRecord): void;
}

/**
 * A record handed to `put` or `send` and not yet settled, with what its retries and its final
 * report need. It settles once: a late answer for a record that already failed (an abort, a
 * TTL) is dropped rather than reported twice. Settling tells the listener, then the tracker
 * (so that a `flush()` learns of it after the record's own listener).
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
  readonly #listener: PutListener<TRecord, TResult>;
  readonly #tracker: PutTracker;
  readonly #epoch: number;

  constructor(
    record: TRecord,
    recordBytes: number,
    nowMs: number,
    ttlMs: number,
    listener: PutListener<TRecord, TResult>,
    tracker: PutTracker,
    epoch: number,
  ) {
    this.record = record;
    this.recordBytes = recordBytes;
    this.enqueuedMs = nowMs;
    this.deadlineMs = nowMs + ttlMs;
    this.#listener = listener;
    this.#tracker = tracker;
    this.#epoch = epoch;
  }

  resolve(result: TResult): void {
    if (!this.#finish()) return;
    notifyStored(this.#listener, result, this.record);
    this.#tracker.end(this.#epoch);
  }

  reject(error: unknown): void {
    if (!this.#finish()) return;
    notifyFailed(this.#listener, error, this.record);
    this.#tracker.end(this.#epoch);
  }

  #finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.onSettled?.();
    return true;
  }
}

/**
 * Tells `listener` that `record` was stored. A listener that throws does not break the
 * producer's work in progress: its error is thrown again on its own, as an uncaught exception
 * (what Node does with an exception from a callback).
 */
export function notifyStored<TRecord, TResult>(
  listener: PutListener<TRecord, TResult>,
  result: TResult,
  record: TRecord,
): void {
  try {
    listener.stored(result, record);
  } catch (error) {
    rethrowLater(error);
  }
}

/** Tells `listener` that `record` failed; a throw is handled as in {@link notifyStored}. */
export function notifyFailed<TRecord, TResult>(
  listener: PutListener<TRecord, TResult>,
  error: unknown,
  record: TRecord,
): void {
  try {
    listener.failed(error, record);
  } catch (thrown) {
    rethrowLater(thrown);
  }
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
