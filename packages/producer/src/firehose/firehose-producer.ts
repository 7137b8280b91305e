import {
  FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchResponseEntry,
} from '@aws-sdk/client-firehose';
import {
  backoffMs,
  classifyError,
  type Logger,
  RateCounter,
  silentLogger,
  TypedEvents,
} from '@kinesis-kit/records';
import {
  type DeliveryAttempt,
  DeliveryFailureCode,
  ProducerClosedError,
  type RecordDeliveryError,
} from '../errors.js';
import { BufferCapacity } from '../shared/buffer-capacity.js';
import { notifyFailed, type PutListener } from '../shared/pending-put.js';
import { PumpScheduler } from '../shared/pump-scheduler.js';
import { PutSettler, ttlExpiredMessage } from '../shared/put-settler.js';
import { PutTracker } from '../shared/put-tracker.js';
import { RecordQueue } from '../shared/record-queue.js';
import { tooLateToSend } from '../shared/send-budget.js';
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
  /** The records waiting to be sent, oldest first; its `bytes` count data + delimiters. */
  readonly #queue = new RecordQueue<PendingFirehoseRecord>();
  readonly #puts = new PutTracker();
  readonly #settler: PutSettler<FirehoseRecord, FirehosePutResult>;
  readonly #scheduler = new PumpScheduler(() => this.#pump());
  readonly #deliveredRecordsRate = new RateCounter();
  readonly #deliveredBytesRate = new RateCounter();
  #inFlightRequests = 0;
  /** No call before this time: the backoff after a failure, for the whole delivery stream. */
  #notBeforeMs = 0;
  #firehoseRecordsDelivered = 0;
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
    this.#settler = new PutSettler({
      capacity: this.#capacity,
      service: 'Firehose',
      recordTtlMs: this.#options.recordTtlMs,
      onFailed: (error) => this.#events.emit('record_failed', () => ({ error })),
    });
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
    return new Promise<FirehosePutResult>((resolve, reject) => {
      this.#submit(record, options.signal, { stored: resolve, failed: reject });
    });
  }

  /**
   * Hands a record to the producer like {@link put}, without a promise: `listener.stored` or
   * `listener.failed` is called once, when the record settles. One listener can follow any
   * number of records: no promise and no closure per record. Throws at once for a record it
   * does not take: `RecordValidationError`, `ProducerClosedError`, or a `RecordDeliveryError`
   * (Aborted) if the signal is already aborted. An exception the listener throws does not stop
   * the producer's work: it is thrown again on its own (an uncaught exception, as with Node's
   * callbacks).
   */
  send(
    record: FirehoseRecord,
    listener: PutListener<FirehoseRecord, FirehosePutResult>,
    options: { signal?: AbortSignal } = {},
  ): void {
    this.#submit(record, options.signal, listener);
  }

  #submit(
    record: FirehoseRecord,
    signal: AbortSignal | undefined,
    listener: PutListener<FirehoseRecord, FirehosePutResult>,
  ): void {
    if (this.#puts.closed) throw new ProducerClosedError();
    const recordBytes = validateFirehoseRecord(record, this.#options.delimiter.byteLength);
    if (signal?.aborted) throw this.#settler.abortedBeforeQueued(record, signal.reason);
    const epoch = this.#puts.begin();
    // With room now, the record is queued in this tick, so a flush() or close() called right
    // after put() includes it.
    if (this.#capacity.tryAcquire(recordBytes)) {
      this.#enqueue(record, recordBytes, signal, listener, epoch);
      return;
    }
    this.#enqueueWhenRoom(record, recordBytes, signal, () =>
      this.#enqueue(record, recordBytes, signal, listener, epoch),
    ).catch((error: unknown) => {
      notifyFailed(listener, error, record);
      this.#puts.end(epoch);
    });
  }

  /** Queues a record that holds its buffer room. */
  #enqueue(
    record: FirehoseRecord,
    recordBytes: number,
    signal: AbortSignal | undefined,
    listener: PutListener<FirehoseRecord, FirehosePutResult>,
    epoch: number,
  ): void {
    const pending = new PendingFirehoseRecord(
      record,
      recordBytes,
      Date.now(),
      this.#options.recordTtlMs,
      listener,
      this.#puts,
      epoch,
    );
    this.#settler.hold(pending);
    this.#queue.push(pending);
    this.#settler.failOnAbort(pending, signal, () => this.#queue.remove(pending));
    this.#scheduler.soon();
  }

  /** Waits for buffer room, then queues the record; its bytes are held until it settles. */
  async #enqueueWhenRoom(
    record: FirehoseRecord,
    recordBytes: number,
    signal: AbortSignal | undefined,
    enqueue: () => void,
  ): Promise<void> {
    try {
      await this.#capacity.acquire(recordBytes, signal);
    } catch (error) {
      if (signal?.aborted) throw this.#settler.abortedBeforeQueued(record, signal.reason);
      throw error;
    }
    // Aborted between admission and now: the abort event has passed, so no listener would see it.
    if (signal?.aborted) {
      this.#capacity.release(recordBytes);
      throw this.#settler.abortedBeforeQueued(record, signal.reason);
    }
    enqueue();
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
  flush(): Promise<void> {
    return this.#puts.flush(() => this.#scheduler.soon());
  }

  /**
   * Refuses new puts, then flushes — every record handed in before is delivered or reported —
   * and releases the client it built. Idempotent.
   */
  async close(): Promise<void> {
    this.#puts.close();
    await this.flush();
    this.#scheduler.cancel();
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
      recordsDelivered: this.#settler.delivered,
      recordsFailed: this.#settler.failed,
      recordsRetried: this.#retried,
      firehoseRecordsDelivered: this.#firehoseRecordsDelivered,
      recordsPerSec: this.#deliveredRecordsRate.perSecond(now),
      bytesPerSec: this.#deliveredBytesRate.perSecond(now),
      throttles: this.#throttles,
      putLatencyMs: this.#settler.latency.percentiles(),
    };
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
      this.#puts.hurried ||
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
        this.#puts.hurried ? now : head.enqueuedMs + this.#options.lingerMs,
        this.#notBeforeMs,
      );
      next = Math.min(next, due);
    }
    this.#scheduler.at(next, now);
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
      this.#settler.deliver(user, { recordId, attempts: user.attempts.length + 1 }, now);
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
        if (!this.#settler.failIfFinal(user, attempt, retriable, cause, now + delay)) {
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
    this.#settler.fail(
      pending,
      DeliveryFailureCode.RecordTtlExpired,
      ttlExpiredMessage(this.#options.recordTtlMs, pending.attempts.at(-1), '; it was never sent'),
      pending.lastError,
    );
  }
}
