import type { DeliveryAttempt } from '../errors.js';
import type { FirehosePutResult, FirehoseRecord } from './firehose-record.js';

/** A record handed to `put` and not yet settled. */
export class PendingFirehoseRecord {
  readonly record: FirehoseRecord;
  /** Data + delimiter bytes: what the record, pack and call limits count. */
  readonly recordBytes: number;
  readonly enqueuedMs: number;
  readonly deadlineMs: number;
  readonly attempts: DeliveryAttempt[] = [];
  /** The error of the last try, for the report if the record expires while queued. */
  lastError: unknown;
  /** Set once the record has been sent at least once: an abort can no longer take it back. */
  sent = false;
  settled = false;
  /** Called once when the record settles (to drop an abort listener). */
  onSettled: (() => void) | undefined;
  /** Resolves when the record settles, either way: what `flush()` waits for. */
  readonly done: Promise<void>;
  readonly #resolve: (result: FirehosePutResult) => void;
  readonly #reject: (error: unknown) => void;
  #markDone!: () => void;

  constructor(
    record: FirehoseRecord,
    recordBytes: number,
    nowMs: number,
    ttlMs: number,
    resolve: (result: FirehosePutResult) => void,
    reject: (error: unknown) => void,
  ) {
    this.record = record;
    this.recordBytes = recordBytes;
    this.enqueuedMs = nowMs;
    this.deadlineMs = nowMs + ttlMs;
    this.#resolve = resolve;
    this.#reject = reject;
    this.done = new Promise((markDone) => {
      this.#markDone = markDone;
    });
  }

  resolve(result: FirehosePutResult): void {
    if (this.#finish()) this.#resolve(result);
  }

  reject(error: unknown): void {
    if (this.#finish()) this.#reject(error);
  }

  #finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.onSettled?.();
    this.#markDone();
    return true;
  }
}
