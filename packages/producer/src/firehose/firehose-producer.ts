import {
  FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchResponseEntry,
} from '@aws-sdk/client-firehose';
import {
  type DeliveryAttempt,
  DeliveryFailureCode,
  ProducerClosedError,
  RecordDeliveryError,
} from '../errors.js';
import { backoffMs } from '../shared/backoff.js';
import { BufferCapacity } from '../shared/buffer-capacity.js';
import { classifyError } from '../shared/classify-error.js';
import { LatencyWindow } from '../shared/latency.js';
import { type Logger, silentLogger } from '../shared/logger.js';
import { RateCounter } from '../shared/rate-counter.js';
import { tooLateToSend } from '../shared/send-budget.js';
import { TypedEvents } from '../shared/typed-events.js';
import {
  type FirehosePutResult,
  type FirehoseRecord,
  validateFirehoseRecord,
} from './firehose-record.js';
import {
  type FirehoseProducerOptions,
  type ResolvedFirehoseOptions,
  resolveFirehoseOptions,
} from './options.js';
import { PendingFirehoseRecord } from './pending-record.js';
import { type FirehoseEntry, takeBatch } from './record-packing.js';
import { RecordQueue } from './record-queue.js';

/** Events of a {@link FirehoseProducer}, by name. */
export interface FirehoseProducerEvents {
  /** A PutRecordBatch call was answered (or failed as a whole: then every entry failed). */
  batch_sent: {
    /** Entries of the call: packed records count once. */
    firehoseRecords: number;
    /** Records handed to `put` that the call carried. */
    userRecords: number;
    bytes: number;
    failed: number;
    ms: number;
  };
  /** A record failed a try and will be tried again. */
  record_retried: { record: FirehoseRecord; attempt: DeliveryAttempt };
  /** A record will not be delivered; its put rejected with this error. */
  record_failed: { error: RecordDeliveryError<FirehoseRecord> };
}

/** A snapshot of a {@link FirehoseProducer}'s state. */
export interface FirehoseProducerMetrics {
  readonly bufferedRecords: number;
  readonly bufferedBytes: number;
  readonly inFlightRequests: number;
  readonly recordsDelivered: number;
  readonly recordsFailed: number;
  readonly recordsRetried: number;
  /** Firehose records stored: fewer than `recordsDelivered` when packing. */
  readonly firehoseRecordsDelivered: number;
  /** Records delivered per second, over the last few seconds. */
  readonly recordsPerSec: number;
  /** Bytes (data + delimiters) delivered per second, over the last few seconds. */
  readonly bytesPerSec: number;
  /**
   * PutRecordBatch answers that said slow down: the call, or some of its entries, failed with
   * ServiceUnavailableException (or throttling).
   */
  readonly throttles: number;
  /** From `put` to settled, delivered records only. */
  readonly putLatencyMs: { readonly p50: number; readonly p99: number };
}

/** Error names that mean the delivery stream is over its quota: everyone slows down. */
const THROTTLING_CODES = new Set([
  'ServiceUnavailableException',
  'ThrottlingException',
  'LimitExceededException',
]);

/**
 * Writes records to a Firehose stream (Direct PUT) and never loses one: every `put` resolves
 * once its record is stored, or rejects with a {@link RecordDeliveryError} that carries the
 * record, every attempt and the last error.
 *
 * Records are collected into PutRecordBatch calls (≤ 500 records, ≤ 4 MiB, after at most
 * `lingerMs`), optionally packed several to a Firehose record (Firehose bills each record in
 * 5 KiB increments) and followed by a `delimiter`; only the failed entries are resent, with
 * exponential backoff and jitter, until `recordTtlMs`. Firehose quotas are per delivery stream,
 * so a throttled entry slows the whole producer down. Memory is bounded: when `maxBufferedBytes`
 * or `maxBufferedRecords` is reached, `put` waits.
 *
 * @example
 * ```ts
 * const producer = new FirehoseProducer({ deliveryStreamName: 'clicks', delimiter: '\n' });
 * await producer.put({ data: new TextEncoder().encode('{"page":"/"}') });
 * await producer.close();
 * ```
 */
export class FirehoseProducer implements AsyncDisposable {
  readonly #options: ResolvedFirehoseOptions;
  readonly #client: FirehoseClient;
  readonly #ownsClient: boolean;
  readonly #logger: Logger;
  readonly #events: TypedEvents<FirehoseProducerEvents>;
  readonly #capacity: BufferCapacity;
  readonly #queue = new RecordQueue();
  readonly #pending = new Set<PendingFirehoseRecord>();
  /** Puts waiting for buffer room, settled either way: what `flush()` waits for besides. */
  readonly #waitingForRoom = new Set<Promise<void>>();
  readonly #latency = new LatencyWindow();
  readonly #deliveredRecordsRate = new RateCounter();
  readonly #deliveredBytesRate = new RateCounter();
  #inFlightRequests = 0;
  #flushing = 0;
  #closed = false;
  /** No call before this time: the backoff after a failure, for the whole delivery stream. */
  #notBeforeMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;
  #pumpScheduled = false;
  #delivered = 0;
  #firehoseRecordsDelivered = 0;
  #failed = 0;
  #retried = 0;
  #throttles = 0;

  constructor(options: FirehoseProducerOptions) {
    this.#options = resolveFirehoseOptions(options);
    this.#logger = options.logger ?? silentLogger;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new FirehoseClient({ maxAttempts: 1 });
    this.#events = new TypedEvents((error) =>
      this.#logger.warn(`a FirehoseProducer listener threw: ${(error as Error)?.stack ?? error}`),
    );
    this.#capacity = new BufferCapacity(
      this.#options.maxBufferedBytes,
      this.#options.maxBufferedRecords,
    );
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof FirehoseProducerEvents>(
    name: K,
    listener: (event: FirehoseProducerEvents[K]) => void,
  ): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Hands a record to the producer. Resolves once it is stored, with the RecordId of the
   * Firehose record that carried it; rejects with a `RecordValidationError` at once for a
   * record Firehose would refuse (not bytes, or over 1,000 KiB with its delimiter), or with a
   * `RecordDeliveryError` when it cannot be delivered (TTL reached, non-retriable error,
   * aborted before it was sent — also while waiting for buffer room). While the buffer is full,
   * waits for room; a put called before `close()` is delivered even if it waited. An abort after
   * the record was sent cannot unsend it: the put then settles with the real outcome.
   */
  put(record: FirehoseRecord, options: { signal?: AbortSignal } = {}): Promise<FirehosePutResult> {
    try {
      if (this.#closed) throw new ProducerClosedError();
      const recordBytes = validateFirehoseRecord(record, this.#options.delimiter.byteLength);
      const signal = options.signal;
      if (signal?.aborted) throw this.#abortedBeforeQueued(record, signal);
      // With room now, the record is queued in this tick, so a flush() or close() called right
      // after put() includes it.
      if (this.#capacity.tryAcquire(recordBytes)) return this.#enqueue(record, recordBytes, signal);
      const waiting = this.#putWhenRoom(record, recordBytes, signal);
      const settled = waiting.then(
        () => undefined,
        () => undefined,
      );
      this.#waitingForRoom.add(settled);
      void settled.then(() => this.#waitingForRoom.delete(settled));
      return waiting;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #putWhenRoom(
    record: FirehoseRecord,
    recordBytes: number,
    signal: AbortSignal | undefined,
  ): Promise<FirehosePutResult> {
    try {
      await this.#capacity.acquire(recordBytes, signal);
    } catch (error) {
      if (signal?.aborted) throw this.#abortedBeforeQueued(record, signal);
      throw error;
    }
    // Aborted between admission and now: the abort event has passed, so no listener would see it.
    if (signal?.aborted) {
      this.#capacity.release(recordBytes);
      throw this.#abortedBeforeQueued(record, signal);
    }
    return this.#enqueue(record, recordBytes, signal);
  }

  #enqueue(
    record: FirehoseRecord,
    recordBytes: number,
    signal: AbortSignal | undefined,
  ): Promise<FirehosePutResult> {
    return new Promise<FirehosePutResult>((resolve, reject) => {
      const pending = new PendingFirehoseRecord(
        record,
        recordBytes,
        Date.now(),
        this.#options.recordTtlMs,
        resolve,
        reject,
      );
      this.#pending.add(pending);
      this.#queue.push(pending);
      if (signal) {
        const onAbort = () => {
          if (pending.sent || pending.settled || !this.#queue.remove(pending)) return;
          this.#fail(
            pending,
            DeliveryFailureCode.Aborted,
            'put aborted before the record was sent',
            signal.reason,
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.onSettled = () => signal.removeEventListener('abort', onAbort);
      }
      this.#schedulePump();
    });
  }

  /** Puts many records; the results settle like `Promise.allSettled` of each put. */
  putMany(
    records: Iterable<FirehoseRecord>,
    options: { signal?: AbortSignal } = {},
  ): Promise<PromiseSettledResult<FirehosePutResult>[]> {
    return Promise.allSettled([...records].map((record) => this.put(record, options)));
  }

  /**
   * Sends what is buffered now, without waiting for `lingerMs`; resolves once every record
   * handed to `put` so far settled (those still waiting for buffer room included).
   */
  async flush(): Promise<void> {
    const waiting = [...this.#waitingForRoom];
    for (const pending of this.#pending) waiting.push(pending.done);
    if (waiting.length === 0) return;
    this.#flushing++;
    this.#schedulePump();
    try {
      await Promise.all(waiting);
    } finally {
      this.#flushing--;
    }
  }

  /**
   * Refuses new puts, then flushes — every record handed in before is delivered or reported —
   * and releases the client it built. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#ownsClient) this.#client.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A snapshot of throughput, backlog and latency. */
  metrics(): FirehoseProducerMetrics {
    const now = Date.now();
    return {
      bufferedRecords: this.#capacity.records,
      bufferedBytes: this.#capacity.bytes,
      inFlightRequests: this.#inFlightRequests,
      recordsDelivered: this.#delivered,
      recordsFailed: this.#failed,
      recordsRetried: this.#retried,
      firehoseRecordsDelivered: this.#firehoseRecordsDelivered,
      recordsPerSec: this.#deliveredRecordsRate.perSecond(now),
      bytesPerSec: this.#deliveredBytesRate.perSecond(now),
      throttles: this.#throttles,
      putLatencyMs: this.#latency.percentiles(),
    };
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** Sends as many calls as may go now, then sets the timer for the next chance. */
  #pump(): void {
    const now = Date.now();
    const expired = (pending: PendingFirehoseRecord) => this.#expire(pending);
    for (
      let head = this.#queue.peek();
      head && tooLateToSend(head.deadlineMs, now);
      head = this.#queue.peek()
    ) {
      expired(this.#queue.shift() as PendingFirehoseRecord);
    }
    while (this.#inFlightRequests < this.#options.maxInFlightRequests && this.#mayTake(now)) {
      const entries = takeBatch(this.#queue, this.#options, now, expired);
      if (entries.length === 0) break;
      void this.#send(entries);
    }
    this.#armTimer(now);
  }

  #mayTake(now: number): boolean {
    const head = this.#queue.peek();
    if (!head || now < this.#notBeforeMs) return false;
    const { lingerMs, maxBatchBytes, maxBatchRecords, packing, maxPackedBytes } = this.#options;
    // A full call's worth is waiting: with packing, count bytes, since records share entries.
    const fullBytes = packing
      ? Math.min(maxBatchBytes, maxBatchRecords * maxPackedBytes)
      : maxBatchBytes;
    return (
      this.#flushing > 0 ||
      this.#closed ||
      now - head.enqueuedMs >= lingerMs ||
      this.#queue.bytes >= fullBytes ||
      (!packing && this.#queue.size >= maxBatchRecords)
    );
  }

  /**
   * Wakes the producer when the queued records may go (end of linger or of backoff), or when the
   * oldest one expires: a record never waits in the queue past its TTL.
   */
  #armTimer(now: number): void {
    const head = this.#queue.peek();
    if (!head) return;
    let next = head.deadlineMs;
    if (this.#inFlightRequests < this.#options.maxInFlightRequests) {
      const due = Math.max(
        this.#flushing > 0 || this.#closed ? now : head.enqueuedMs + this.#options.lingerMs,
        this.#notBeforeMs,
      );
      next = Math.min(next, due);
    }
    if (this.#timer && this.#timerAtMs <= next) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAtMs = next;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAtMs = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, next - now),
    );
  }

  async #send(entries: FirehoseEntry[]): Promise<void> {
    this.#inFlightRequests++;
    const sentAtMs = Date.now();
    let earliestDeadlineMs = Number.POSITIVE_INFINITY;
    for (const entry of entries) {
      for (const user of entry.users) {
        user.sent = true;
        earliestDeadlineMs = Math.min(earliestDeadlineMs, user.deadlineMs);
      }
    }
    // A call that never comes back must not hold its records past their TTL: give up on it when
    // the first of them expires; the others are retried (the call may still have been stored).
    const timeoutMs = Math.max(1, earliestDeadlineMs - sentAtMs);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    let results: PutRecordBatchResponseEntry[] | undefined;
    let failure: unknown;
    try {
      const output = await this.#client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: this.#options.deliveryStreamName,
          Records: entries.map((entry) => ({ Data: entry.data })),
        }),
        { abortSignal: timeout.signal },
      );
      results = output.RequestResponses ?? [];
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
    }
    const callFailure =
      failure === undefined
        ? undefined
        : timeout.signal.aborted
          ? {
              code: 'RequestTimeout',
              message: `no answer within ${timeoutMs} ms, when the first record of the call reached its recordTtlMs`,
              retriable: true,
            }
          : classifyError(failure);
    const now = Date.now();
    const failedEntries: {
      entry: FirehoseEntry;
      attempt: DeliveryAttempt;
      retriable: boolean;
      cause: unknown;
    }[] = [];
    entries.forEach((entry, index) => {
      const result = results?.[index];
      if (result?.RecordId !== undefined && result.ErrorCode === undefined) {
        this.#succeeded(entry, result.RecordId, now);
        return;
      }
      // An entry's ErrorCode is classified like an error of that name: unknown codes are final.
      const classified =
        callFailure !== undefined
          ? callFailure
          : result?.ErrorCode !== undefined
            ? classifyError({ name: result.ErrorCode, message: result.ErrorMessage ?? '' })
            : {
                code: 'MissingResult',
                message: 'PutRecordBatch returned no result for this entry',
                retriable: false,
              };
      failedEntries.push({
        entry,
        attempt: { sentAtMs, errorCode: classified.code, errorMessage: classified.message },
        retriable: classified.retriable,
        cause: failure ?? result,
      });
    });
    this.#failedEntries(failedEntries, now);
    this.#inFlightRequests--;
    this.#events.emit('batch_sent', () => ({
      firehoseRecords: entries.length,
      userRecords: entries.reduce((sum, entry) => sum + entry.users.length, 0),
      bytes: entries.reduce((sum, entry) => sum + entry.data.byteLength, 0),
      failed: failedEntries.length,
      ms: now - sentAtMs,
    }));
    this.#pump();
  }

  #succeeded(entry: FirehoseEntry, recordId: string, now: number): void {
    this.#firehoseRecordsDelivered++;
    this.#deliveredRecordsRate.add(entry.users.length, now);
    this.#deliveredBytesRate.add(entry.data.byteLength, now);
    for (const user of entry.users) {
      this.#delivered++;
      this.#latency.add(now - user.enqueuedMs);
      this.#settle(user);
      user.resolve({ recordId, attempts: user.attempts.length + 1 });
    }
  }

  /**
   * Settles or requeues the records of the failed entries. Retried records go back to the front
   * of the queue (to be packed afresh) after one backoff for the whole producer: Firehose quotas
   * are per delivery stream, so sending anything sooner would meet the same limit.
   */
  #failedEntries(
    failed: {
      entry: FirehoseEntry;
      attempt: DeliveryAttempt;
      retriable: boolean;
      cause: unknown;
    }[],
    now: number,
  ): void {
    if (failed.some(({ attempt }) => THROTTLING_CODES.has(attempt.errorCode))) this.#throttles++;
    let mostAttempts = 0;
    for (const { entry, attempt, retriable, cause } of failed) {
      for (const user of entry.users) {
        user.attempts.push(attempt);
        user.lastError = cause;
        if (retriable) mostAttempts = Math.max(mostAttempts, user.attempts.length);
      }
    }
    if (failed.length === 0) return;
    const delay =
      mostAttempts === 0
        ? 0
        : backoffMs(mostAttempts, this.#options.initialBackoffMs, this.#options.maxBackoffMs);
    const retry: { user: PendingFirehoseRecord; attempt: DeliveryAttempt }[] = [];
    for (const { entry, attempt, retriable, cause } of failed) {
      for (const user of entry.users) {
        if (!retriable) {
          this.#fail(
            user,
            DeliveryFailureCode.NonRetriable,
            `Firehose refused the record: ${attempt.errorCode}: ${attempt.errorMessage}`,
            cause,
          );
        } else if (now + delay >= user.deadlineMs) {
          this.#fail(
            user,
            DeliveryFailureCode.RecordTtlExpired,
            `the record was not delivered within recordTtlMs (${this.#options.recordTtlMs} ms); last error ${attempt.errorCode}: ${attempt.errorMessage}`,
            cause,
          );
        } else {
          retry.push({ user, attempt });
        }
      }
    }
    // The stream said slow down (or failed transiently): back off even if no record is retried.
    this.#notBeforeMs = Math.max(this.#notBeforeMs, now + delay);
    if (retry.length === 0) return;
    this.#retried += retry.length;
    for (const { user, attempt } of retry) {
      this.#events.emit('record_retried', () => ({ record: user.record, attempt }));
    }
    this.#queue.unshift(retry.map(({ user }) => user));
  }

  /** Fails a record whose TTL passed while it waited in the queue (for linger, backoff or room). */
  #expire(pending: PendingFirehoseRecord): void {
    const last = pending.attempts.at(-1);
    this.#fail(
      pending,
      DeliveryFailureCode.RecordTtlExpired,
      `the record was not delivered within recordTtlMs (${this.#options.recordTtlMs} ms)${
        last ? `; last error ${last.errorCode}: ${last.errorMessage}` : '; it was never sent'
      }`,
      pending.lastError,
    );
  }

  #abortedBeforeQueued(
    record: FirehoseRecord,
    signal: AbortSignal,
  ): RecordDeliveryError<FirehoseRecord> {
    const error = new RecordDeliveryError(
      DeliveryFailureCode.Aborted,
      'put aborted before the record was sent',
      { record, attempts: [], lastError: signal.reason },
    );
    this.#failed++;
    this.#events.emit('record_failed', () => ({ error }));
    return error;
  }

  #fail(
    pending: PendingFirehoseRecord,
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
    this.#settle(pending);
    pending.reject(error);
    this.#events.emit('record_failed', () => ({ error }));
  }

  #settle(pending: PendingFirehoseRecord): void {
    if (!this.#pending.delete(pending)) return;
    this.#capacity.release(pending.recordBytes);
  }
}
