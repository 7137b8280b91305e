import { type DeliveryAttempt, DeliveryFailureCode, RecordDeliveryError } from '../errors.js';
import type { BufferCapacity } from './buffer-capacity.js';
import { LatencyWindow } from './latency.js';
import type { PendingPut } from './pending-put.js';

const ABORTED_MESSAGE = 'put aborted before the record was sent';

/**
 * The message of a record that ran out of `recordTtlMs`: with the last error when it was tried,
 * else `untriedNote` saying why it never was.
 */
export function ttlExpiredMessage(
  recordTtlMs: number,
  lastAttempt: DeliveryAttempt | undefined,
  untriedNote: string,
): string {
  return `the record was not delivered within recordTtlMs (${recordTtlMs} ms)${
    lastAttempt ? `; last error ${lastAttempt.errorCode}: ${lastAttempt.errorMessage}` : untriedNote
  }`;
}

/**
 * Settles a producer's queued puts, so that each one ends the same way whichever path ends it:
 * its buffer room is given back exactly once (a put may be failed by an abort and answered by
 * the service too), it is counted, and a failure rejects with a {@link RecordDeliveryError}
 * that carries the record and every attempt, and is reported to `onFailed`.
 */
export class PutSettler<TRecord, TResult> {
  /** From `put` to settled, delivered records only. */
  readonly latency = new LatencyWindow();
  readonly #capacity: BufferCapacity;
  readonly #service: string;
  readonly #recordTtlMs: number;
  readonly #onFailed: (error: RecordDeliveryError<TRecord>) => void;
  /** Queued puts that still hold buffer room. */
  readonly #holding = new Set<PendingPut<TRecord, TResult>>();
  #delivered = 0;
  #failed = 0;

  constructor(settings: {
    /** Where the records' buffer room is given back. */
    readonly capacity: BufferCapacity;
    /** The service named in the message of a record it refused: `Kinesis`, `Firehose`. */
    readonly service: string;
    readonly recordTtlMs: number;
    readonly onFailed: (error: RecordDeliveryError<TRecord>) => void;
  }) {
    this.#capacity = settings.capacity;
    this.#service = settings.service;
    this.#recordTtlMs = settings.recordTtlMs;
    this.#onFailed = settings.onFailed;
  }

  get delivered(): number {
    return this.#delivered;
  }

  get failed(): number {
    return this.#failed;
  }

  /** Takes charge of a put just queued: the buffer room it acquired is held until it settles. */
  hold(pending: PendingPut<TRecord, TResult>): void {
    this.#holding.add(pending);
  }

  deliver(pending: PendingPut<TRecord, TResult>, result: TResult, nowMs: number): void {
    this.#delivered++;
    this.latency.add(nowMs - pending.enqueuedMs);
    this.#release(pending);
    pending.resolve(result);
  }

  fail(
    pending: PendingPut<TRecord, TResult>,
    code: DeliveryFailureCode,
    message: string,
    cause: unknown,
  ): void {
    const error = new RecordDeliveryError(code, message, {
      record: pending.record,
      attempts: [...pending.attempts],
      lastError: cause,
    });
    this.#failed++;
    this.#release(pending);
    pending.reject(error);
    this.#onFailed(error);
  }

  /**
   * Fails a record whose try just failed if that try was its last: the error is final, or a
   * retry at `retryAtMs` would come too late for the record's TTL. Returns whether it failed it;
   * if not, the caller retries it.
   */
  failIfFinal(
    pending: PendingPut<TRecord, TResult>,
    attempt: DeliveryAttempt,
    retriable: boolean,
    cause: unknown,
    retryAtMs: number,
  ): boolean {
    if (!retriable) {
      this.fail(
        pending,
        DeliveryFailureCode.NonRetriable,
        `${this.#service} refused the record: ${attempt.errorCode}: ${attempt.errorMessage}`,
        cause,
      );
    } else if (retryAtMs >= pending.deadlineMs) {
      this.fail(
        pending,
        DeliveryFailureCode.RecordTtlExpired,
        ttlExpiredMessage(this.#recordTtlMs, attempt, ''),
        cause,
      );
    } else {
      return false;
    }
    return true;
  }

  /**
   * Fails the put when `signal` aborts while it is still queued (`takeOut` removes it from its
   * queue, or says it is no longer there). Once sent, an abort cannot unsend it: the put then
   * settles with the real outcome. The listener goes when the put settles.
   */
  failOnAbort<P extends PendingPut<TRecord, TResult>>(
    pending: P,
    signal: AbortSignal | undefined,
    takeOut: (pending: P) => boolean,
  ): void {
    if (!signal) return;
    const onAbort = () => {
      if (pending.sent || pending.settled || !takeOut(pending)) return;
      this.fail(pending, DeliveryFailureCode.Aborted, ABORTED_MESSAGE, signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.onSettled = () => signal.removeEventListener('abort', onAbort);
  }

  /** Counts and reports a put aborted before it was queued; returns the error to reject with. */
  abortedBeforeQueued(record: TRecord, reason: unknown): RecordDeliveryError<TRecord> {
    return this.failedBeforeQueued(
      new RecordDeliveryError(DeliveryFailureCode.Aborted, ABORTED_MESSAGE, {
        record,
        attempts: [],
        lastError: reason,
      }),
    );
  }

  /**
   * Counts and reports a put that failed before it was queued (e.g. the stream's shards could
   * not be listed), like any other failure; returns the error to reject with.
   */
  failedBeforeQueued(error: RecordDeliveryError<TRecord>): RecordDeliveryError<TRecord> {
    this.#failed++;
    this.#onFailed(error);
    return error;
  }

  #release(pending: PendingPut<TRecord, TResult>): void {
    if (!this.#holding.delete(pending)) return;
    this.#capacity.release(pending.recordBytes);
  }
}
