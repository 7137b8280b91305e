import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import {
  backoffMs,
  classifyError,
  KINESIS_LIMITS,
  type Logger,
  RateCounter,
  type ShardMap,
  silentLogger,
  TypedEvents,
  type UserRecord,
  validateUserRecord,
} from '@kinesis-kit/records';
import {
  type DeliveryAttempt,
  DeliveryFailureCode,
  ProducerClosedError,
  RecordDeliveryError,
} from '../errors.js';
import { BufferCapacity } from '../shared/buffer-capacity.js';
import { notifyFailed, type PutListener } from '../shared/pending-put.js';
import { PumpScheduler } from '../shared/pump-scheduler.js';
import { PutSettler, ttlExpiredMessage } from '../shared/put-settler.js';
import { PutTracker } from '../shared/put-tracker.js';
import { tooLateToSend } from '../shared/send-budget.js';
import { type Entry, type RequestRoom, takeEntries } from './entry-builder.js';
import { HashKeyCache } from './hash-key-cache.js';
import { createKeepAliveKinesisClient } from './keep-alive-client.js';
import { type KinesisProducerOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { PendingRecord, type PutResult } from './pending-record.js';
import { ShardDirectory } from './shard-directory.js';
import { ShardQueue } from './shard-queue.js';
import { type SendSize, ShardRateLimiter } from './shard-rate-limiter.js';

/** A request the producer abandoned: no answer in time. Its records may have been stored. */
class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeout';

  constructor(timeoutMs: number, cause: unknown) {
    super(`no answer within ${timeoutMs} ms; the request was abandoned`, { cause });
  }
}

/** The shard map could not be loaded for the first puts. */
class ShardMapUnavailable extends Error {
  readonly code: DeliveryFailureCode;
  readonly attempts: readonly DeliveryAttempt[];
  readonly lastError: unknown;

  constructor(
    code: DeliveryFailureCode,
    message: string,
    attempts: readonly DeliveryAttempt[],
    lastError: unknown,
  ) {
    super(message);
    this.code = code;
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

/**
 * Partition keys whose hash key is kept: up to twice this many (~1 MiB with 100-character keys).
 * Enough for the keys of most streams' recent records; more distinct keys than that only cost
 * a map lookup each.
 */
const HASH_KEY_CACHE_SIZE = 4096;

/** Least time between two shard map loads, so that a failing ListShards is not hammered. */
const REFRESH_PAUSE_MS = 1000;

/** Events of a {@link KinesisProducer}, by name. */
export interface KinesisProducerEvents {
  /** A PutRecords request was answered. */
  batch_sent: {
    kinesisRecords: number;
    userRecords: number;
    bytes: number;
    failed: number;
    ms: number;
  };
  /** A record failed a try and will be tried again. */
  record_retried: { record: UserRecord; attempt: DeliveryAttempt };
  /** A record will not be delivered; its put rejected with this error. */
  record_failed: { error: RecordDeliveryError<UserRecord> };
  /** A shard answered ProvisionedThroughputExceeded; the producer slowed down for it. */
  shard_throttled: { shardId: string; rateFactor: number };
  /** The shard map was (re)loaded. */
  shards_refreshed: { openShards: number };
}

/** Per-shard figures of {@link KinesisProducer.metrics}. */
export interface ShardMetrics {
  readonly recordsPerSec: number;
  readonly bytesPerSec: number;
  readonly throttles: number;
  readonly retries: number;
  readonly queuedRecords: number;
  /** The share of the shard's limits the producer currently allows itself. */
  readonly rateFactor: number;
}

/** A snapshot of a producer's state. */
export interface KinesisProducerMetrics {
  readonly bufferedRecords: number;
  readonly bufferedBytes: number;
  readonly inFlightRequests: number;
  readonly recordsDelivered: number;
  readonly recordsFailed: number;
  readonly recordsRetried: number;
  /** From `put` to settled, delivered records only. */
  readonly putLatencyMs: { readonly p50: number; readonly p99: number };
  readonly shards: Readonly<Record<string, ShardMetrics>>;
}

interface ShardCounters {
  readonly records: RateCounter;
  readonly bytes: RateCounter;
  throttles: number;
  retries: number;
}

/**
 * Writes records to a Kinesis data stream as fast as its shards allow, and never loses one: every
 * `put` resolves once its record is stored, or rejects with a {@link RecordDeliveryError} that
 * carries the record, every attempt and the last error.
 *
 * Records are aggregated per predicted shard (KPL format), collected into PutRecords requests
 * (≤ 500 records, ≤ `maxBatchBytes`, after at most `lingerMs`), sent within each shard's limits
 * (token buckets that adapt to throttling), and only the failed entries are retried, with
 * exponential backoff and jitter, until `recordTtlMs`. Memory is bounded: when
 * `maxBufferedBytes` or `maxBufferedRecords` is reached, `put` waits.
 *
 * @example
 * ```ts
 * const producer = new KinesisProducer({ streamName: 'clicks' });
 * await producer.put({ partitionKey: 'user-1', data: Buffer.from('{"page":"/"}') });
 * await producer.close();
 * ```
 */
export class KinesisProducer implements AsyncDisposable {
  readonly #options: ResolvedOptions;
  readonly #client: KinesisClient;
  readonly #ownsClient: boolean;
  readonly #logger: Logger;
  readonly #events: TypedEvents<KinesisProducerEvents>;
  readonly #directory: ShardDirectory;
  readonly #capacity: BufferCapacity;
  readonly #queues = new Map<string, ShardQueue>();
  readonly #counters = new Map<string, ShardCounters>();
  readonly #puts = new PutTracker();
  readonly #hashKeys = new HashKeyCache(HASH_KEY_CACHE_SIZE);
  readonly #settler: PutSettler<UserRecord, PutResult>;
  readonly #scheduler = new PumpScheduler(() => this.#pump());
  #inFlightRequests = 0;
  /** Aborted on close: cancels a shard map reload still in flight. */
  readonly #lifetime = new AbortController();
  /** Puts waiting for buffer room or the first shard map; later puts queue behind them. */
  #admitting = 0;
  #rotation = 0;
  #refreshWanted = false;
  #firstMap: Promise<ShardMap> | undefined;
  /** When the shard map was last (re)loaded or a reload was last tried. */
  #refreshStartedMs = Date.now();
  #retried = 0;

  constructor(options: KinesisProducerOptions) {
    this.#options = resolveOptions(options);
    this.#logger = options.logger ?? silentLogger;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? this.#defaultClient();
    this.#events = new TypedEvents((error) =>
      this.#logger.warn(`a KinesisProducer listener threw: ${(error as Error)?.stack ?? error}`),
    );
    this.#directory = new ShardDirectory(this.#client, this.#options.stream);
    this.#capacity = new BufferCapacity(
      this.#options.maxBufferedBytes,
      this.#options.maxBufferedRecords,
    );
    this.#settler = new PutSettler({
      capacity: this.#capacity,
      service: 'Kinesis',
      recordTtlMs: this.#options.recordTtlMs,
      onFailed: (error) => this.#events.emit('record_failed', () => ({ error })),
    });
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof KinesisProducerEvents>(
    name: K,
    listener: (event: KinesisProducerEvents[K]) => void,
  ): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Hands a record to the producer. Resolves once it is stored, with where; rejects with a
   * `RecordValidationError` at once for a record Kinesis would refuse, or with a
   * `RecordDeliveryError` when it cannot be delivered (TTL reached, non-retriable error,
   * aborted before it was sent). While the buffer is full, waits for room. An abort after the
   * record was sent cannot unsend it: the put then settles with the real outcome.
   */
  put(record: UserRecord, options: { signal?: AbortSignal } = {}): Promise<PutResult> {
    return new Promise<PutResult>((resolve, reject) => {
      this.#submit(record, options.signal, { stored: resolve, failed: reject });
    });
  }

  /**
   * Hands a record to the producer like {@link put}, without a promise: `listener.stored` or
   * `listener.failed` is called once, when the record settles. One listener can follow any
   * number of records, so a caller that hands over many (an HTTP front door, a log shipper)
   * allocates no promise and no closure per record. Throws at once for a record it does not
   * take: `RecordValidationError`, `ProducerClosedError`, or the signal's reason if it is
   * already aborted. The listener is called from the producer's own work; an exception it
   * throws does not stop that work, it is thrown again on its own (an uncaught exception, as
   * with Node's callbacks).
   */
  send(
    record: UserRecord,
    listener: PutListener<UserRecord, PutResult>,
    options: { signal?: AbortSignal } = {},
  ): void {
    this.#submit(record, options.signal, listener);
  }

  #submit(
    record: UserRecord,
    signal: AbortSignal | undefined,
    listener: PutListener<UserRecord, PutResult>,
  ): void {
    if (this.#puts.closed) throw new ProducerClosedError();
    const { recordBytes } = validateUserRecord(record);
    signal?.throwIfAborted();
    const epoch = this.#puts.begin();
    // With room, a shard map and no earlier record still waiting, the record is queued now:
    // records are queued in the order they are handed in.
    const map = this.#directory.map;
    if (map && this.#admitting === 0 && this.#capacity.tryAcquire(recordBytes)) {
      this.#enqueue(record, recordBytes, map, signal, listener, epoch);
      return;
    }
    this.#admitting++;
    this.#admit(record, recordBytes, signal).then(
      (admitted) => {
        this.#admitting--;
        if (signal?.aborted) {
          // Aborted while it waited for room or the shard map: the abort event has passed.
          this.#capacity.release(recordBytes);
          this.#failBeforeQueued(
            this.#settler.abortedBeforeQueued(record, signal.reason),
            record,
            listener,
            epoch,
          );
          return;
        }
        this.#enqueue(record, recordBytes, admitted, signal, listener, epoch);
      },
      (error: unknown) => {
        this.#admitting--;
        this.#failBeforeQueued(error, record, listener, epoch);
      },
    );
  }

  #failBeforeQueued(
    error: unknown,
    record: UserRecord,
    listener: PutListener<UserRecord, PutResult>,
    epoch: number,
  ): void {
    notifyFailed(listener, error, record);
    this.#puts.end(epoch);
  }

  /**
   * The client built when none is given: connections kept open, as many as requests may be in
   * flight plus one for a shard map reload (rather than the pool's usual 50), so that no request
   * waits for a connection while its timeout runs.
   */
  #defaultClient(): KinesisClient {
    const maxSockets = this.#options.maxInFlightRequests + 1;
    return createKeepAliveKinesisClient({
      requestHandler: { httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
    });
  }

  /** Waits for buffer room and the shard map; the record's bytes are then held until it settles. */
  async #admit(
    record: UserRecord,
    recordBytes: number,
    signal: AbortSignal | undefined,
  ): Promise<ShardMap> {
    await this.#capacity.acquire(recordBytes, signal);
    try {
      return this.#directory.map ?? (await this.#firstShardMap());
    } catch (error) {
      this.#capacity.release(recordBytes);
      if (!(error instanceof ShardMapUnavailable)) throw error;
      throw this.#settler.failedBeforeQueued(
        new RecordDeliveryError(error.code, error.message, {
          record,
          attempts: error.attempts,
          lastError: error.lastError,
        }),
      );
    }
  }

  /** Queues a record that holds its buffer room, in its shard's queue. */
  #enqueue(
    record: UserRecord,
    recordBytes: number,
    map: ShardMap,
    signal: AbortSignal | undefined,
    listener: PutListener<UserRecord, PutResult>,
    epoch: number,
  ): void {
    const pending = new PendingRecord(
      record,
      recordBytes,
      this.#hashKeys.of(record),
      Date.now(),
      this.#options.recordTtlMs,
      listener,
      this.#puts,
      epoch,
    );
    const queue = this.#queueFor(map, pending.hashKey);
    this.#settler.hold(pending);
    const wasEmpty = queue.size === 0;
    queue.push(pending);
    this.#settler.failOnAbort(pending, signal, () => queue.remove(pending));
    if (wasEmpty || this.#puts.hurried || this.#full(queue)) this.#scheduler.soon();
  }

  /**
   * Whether a queue holds enough to go before its head's linger ends. A record joining a queue
   * that has a head otherwise makes nothing due sooner (the timer already waits for that head;
   * a longer queue only asks its rate limiter for more), so it needs no pump of its own.
   */
  #full(queue: ShardQueue): boolean {
    const { aggregation, maxAggregatedBytes, maxBatchRecords } = this.#options;
    return (aggregation && queue.bytes >= maxAggregatedBytes) || queue.size >= maxBatchRecords;
  }

  /**
   * ListShards gets the request timeout too (a hung call must not hold puts past their TTL, nor
   * stop later reloads), and is abandoned when the producer closes.
   */
  #listingSignal(): AbortSignal {
    return AbortSignal.any([
      this.#lifetime.signal,
      AbortSignal.timeout(this.#options.requestTimeoutMs),
    ]);
  }

  /** Puts many records; the results settle like `Promise.allSettled` of each put. */
  putMany(
    records: Iterable<UserRecord>,
    options: { signal?: AbortSignal } = {},
  ): Promise<PromiseSettledResult<PutResult>[]> {
    return Promise.allSettled([...records].map((record) => this.put(record, options)));
  }

  /** Sends what is buffered now, without waiting for `lingerMs`; resolves once all of it settled. */
  flush(): Promise<void> {
    return this.#puts.flush(() => this.#scheduler.soon());
  }

  /** Flushes, then refuses new puts and releases the client it built. Idempotent. */
  async close(): Promise<void> {
    this.#puts.close();
    await this.flush();
    this.#lifetime.abort();
    this.#scheduler.cancel();
    if (this.#ownsClient) this.#client.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A snapshot of throughput, backlog and latency, per shard and overall. */
  metrics(): KinesisProducerMetrics {
    const now = Date.now();
    const shards: Record<string, ShardMetrics> = {};
    for (const [shardId, counters] of this.#counters) {
      const queue = this.#queues.get(shardId);
      shards[shardId] = {
        recordsPerSec: counters.records.perSecond(now),
        bytesPerSec: counters.bytes.perSecond(now),
        throttles: counters.throttles,
        retries: counters.retries,
        queuedRecords: queue?.size ?? 0,
        rateFactor: queue?.limiter.factor ?? 1,
      };
    }
    return {
      bufferedRecords: this.#capacity.records,
      bufferedBytes: this.#capacity.bytes,
      inFlightRequests: this.#inFlightRequests,
      recordsDelivered: this.#settler.delivered,
      recordsFailed: this.#settler.failed,
      recordsRetried: this.#retried,
      putLatencyMs: this.#settler.latency.percentiles(),
      shards,
    };
  }

  #queueFor(map: ShardMap, hashKey: bigint): ShardQueue {
    const shardId = map.shardForHashKey(hashKey).shardId;
    let queue = this.#queues.get(shardId);
    if (!queue) {
      queue = new ShardQueue(
        shardId,
        new ShardRateLimiter(
          KINESIS_LIMITS.shardWriteRecordsPerSec,
          KINESIS_LIMITS.shardWriteBytesPerSec,
          Date.now(),
        ),
      );
      this.#queues.set(shardId, queue);
    }
    return queue;
  }

  /** Sends as many requests as may go now, then sets the timer for the next chance. */
  #pump(): void {
    const now = Date.now();
    const sinceRefresh = now - this.#refreshStartedMs;
    // A wanted refresh still waits a second after the last one, so that a failing ListShards
    // is not called again on every answer.
    if (
      (this.#refreshWanted && sinceRefresh >= REFRESH_PAUSE_MS) ||
      sinceRefresh >= this.#options.shardMapRefreshMs
    ) {
      this.#refreshShards(now);
    }
    this.#expireQueued(now);
    while (this.#inFlightRequests < this.#options.maxInFlightRequests) {
      const entries = this.#buildRequest(now);
      if (entries.length === 0) break;
      void this.#send(entries);
    }
    this.#armTimer(now);
  }

  /**
   * One request's entries, taken from every shard that may send now, fairly in turn: first the
   * shards whose records are due (linger over, enough to fill an aggregate or a request, or a
   * flush), then, if any was, every other shard whose rate allows. Those ride along rather than
   * wait for a request of their own: lingerMs is the longest a record waits, and each request
   * costs the client about a millisecond of CPU whatever it carries (measured), so shards stop
   * sending one request each at their own moments and fall into step.
   */
  #buildRequest(now: number): Entry[] {
    const { maxBatchRecords, maxBatchBytes, aggregation, maxAggregatedBytes, ordered } =
      this.#options;
    const room: RequestRoom = { entries: maxBatchRecords, bytes: maxBatchBytes, empty: true };
    const queues = [...this.#queues.values()];
    const entries: Entry[] = [];
    const take = { aggregation, maxAggregatedBytes, maxEntries: ordered ? 1 : maxBatchRecords };
    // Each queue is taken from once per request (an ordered one gives one entry).
    const due: ShardQueue[] = [];
    for (let step = 0; step < queues.length && room.entries > 0; step++) {
      const queue = queues[(this.#rotation + step) % queues.length] as ShardQueue;
      if (!this.#mayTake(queue, now)) continue;
      due.push(queue);
      entries.push(...takeEntries(queue, room, take, now));
    }
    if (entries.length > 0) {
      for (let step = 0; step < queues.length && room.entries > 0; step++) {
        const queue = queues[(this.#rotation + step) % queues.length] as ShardQueue;
        if (due.includes(queue) || !this.#maySend(queue, now)) continue;
        entries.push(...takeEntries(queue, room, take, now));
      }
    }
    this.#rotation = (this.#rotation + 1) % Math.max(1, queues.length);
    return entries;
  }

  /** Whether a queue's records are due and may go now. */
  #mayTake(queue: ShardQueue, now: number): boolean {
    if (!this.#maySend(queue, now)) return false;
    const head = queue.peek() as PendingRecord;
    return (
      this.#puts.hurried ||
      now - head.enqueuedMs >= this.#options.lingerMs ||
      queue.bytes >= (this.#options.aggregation ? this.#options.maxAggregatedBytes : Infinity) ||
      queue.size >= this.#options.maxBatchRecords
    );
  }

  /** Whether a queue has records and nothing holds them back: backoff, order, its rate. */
  #maySend(queue: ShardQueue, now: number): boolean {
    const head = queue.peek();
    if (!head || now < queue.notBeforeMs) return false;
    if (this.#options.ordered && queue.inFlight > 0) return false;
    return queue.limiter.allows(this.#worthSending(queue), now);
  }

  /**
   * Fails queued records whose TTL has passed while they waited (for the shard's rate, a backoff
   * or the linger time). Queues are oldest first, so only their heads need looking at.
   */
  #expireQueued(now: number): void {
    for (const queue of this.#queues.values()) {
      for (
        let head = queue.peek();
        head !== undefined && tooLateToSend(head.deadlineMs, now);
        head = queue.peek()
      ) {
        queue.shift();
        const message = ttlExpiredMessage(
          this.#options.recordTtlMs,
          head.attempts.at(-1),
          ': it waited for its shard (rate limit or backoff) and was never sent',
        );
        this.#settler.fail(
          head,
          DeliveryFailureCode.RecordTtlExpired,
          message,
          head.lastError ?? new Error(message),
        );
      }
    }
  }

  /**
   * What a shard should be allowed before it sends, so that a rate-limited shard sends full
   * requests rather than one record each time a token drips in: a whole aggregate when that much
   * is queued; without aggregation, up to a tenth of a second of the shard's limits. When
   * flushing, just the first record.
   */
  #worthSending(queue: ShardQueue): SendSize {
    const head = queue.peek();
    if (!head) return { records: 0, bytes: 0 };
    const { aggregation, maxAggregatedBytes } = this.#options;
    const first = { records: 1, bytes: Math.min(head.recordBytes, maxAggregatedBytes) };
    if (this.#puts.hurried) return first;
    if (aggregation) {
      return {
        records: 1,
        bytes: Math.max(first.bytes, Math.min(queue.bytes, maxAggregatedBytes)),
      };
    }
    return {
      records: Math.min(queue.size, KINESIS_LIMITS.shardWriteRecordsPerSec / 10),
      bytes: Math.max(
        first.bytes,
        Math.min(queue.bytes, KINESIS_LIMITS.shardWriteBytesPerSec / 10),
      ),
    };
  }

  /** Wakes the producer when the next queued record may go (or expire). */
  #armTimer(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const queue of this.#queues.values()) {
      const head = queue.peek();
      if (!head) continue;
      if (this.#options.ordered && queue.inFlight > 0) continue;
      const due = Math.max(
        this.#puts.hurried ? now : head.enqueuedMs + this.#options.lingerMs,
        queue.notBeforeMs,
        now + queue.limiter.waitMs(this.#worthSending(queue), now),
      );
      next = Math.min(next, due, head.deadlineMs);
    }
    if (this.#inFlightRequests >= this.#options.maxInFlightRequests)
      next = Number.POSITIVE_INFINITY;
    if (this.#refreshWanted) next = Math.min(next, this.#refreshStartedMs + REFRESH_PAUSE_MS);
    this.#scheduler.at(next, now);
  }

  async #send(entries: Entry[]): Promise<void> {
    this.#inFlightRequests++;
    const sentAtMs = Date.now();
    for (const entry of entries) {
      entry.queue.inFlight++;
      for (const user of entry.users) user.sent = true;
    }
    // A request that never answers must not hold its records past their TTL; abandoning it
    // sooner (at its first record's deadline) would resend the others that may have landed.
    let latestDeadline = 0;
    for (const entry of entries) {
      for (const user of entry.users) latestDeadline = Math.max(latestDeadline, user.deadlineMs);
    }
    const timeoutMs = Math.max(
      1,
      Math.min(this.#options.requestTimeoutMs, latestDeadline - sentAtMs),
    );
    const timeout = AbortSignal.timeout(timeoutMs);
    let results: PutRecordsResultEntry[] | undefined;
    let failure: unknown;
    try {
      const output = await this.#client.send(
        new PutRecordsCommand({
          ...this.#options.stream,
          Records: entries.map((entry) => ({
            Data: entry.data,
            PartitionKey: entry.partitionKey,
            ...(entry.explicitHashKey === undefined
              ? {}
              : { ExplicitHashKey: entry.explicitHashKey }),
          })),
        }),
        { abortSignal: timeout },
      );
      results = output.Records ?? [];
    } catch (error) {
      failure = timeout.aborted ? new RequestTimeoutError(timeoutMs, error) : error;
    }
    const now = Date.now();
    let failed = 0;
    const throttled = new Set<ShardQueue>();
    entries.forEach((entry, index) => {
      entry.queue.inFlight--;
      const result = results?.[index];
      if (result?.SequenceNumber !== undefined && result.ShardId !== undefined) {
        this.#succeeded(entry, result.ShardId, result.SequenceNumber, now);
        return;
      }
      failed++;
      const cause = failure ?? result;
      // An entry's ErrorCode is classified like an error of that name: unknown codes are final.
      const classified =
        failure !== undefined
          ? classifyError(failure)
          : result?.ErrorCode !== undefined
            ? classifyError({ name: result.ErrorCode, message: result.ErrorMessage ?? '' })
            : {
                code: 'MissingResult',
                message: 'PutRecords returned no result for this entry',
                retriable: false,
              };
      if (classified.code === 'ProvisionedThroughputExceededException') throttled.add(entry.queue);
      this.#failedEntry(
        entry,
        { sentAtMs, errorCode: classified.code, errorMessage: classified.message },
        classified.retriable,
        cause,
        now,
      );
    });
    // One throttled answer slows its shard once, however many of its entries it refused.
    for (const queue of throttled) {
      queue.limiter.throttled(now);
      this.#countersFor(queue.shardId).throttles++;
      this.#events.emit('shard_throttled', () => ({
        shardId: queue.shardId,
        rateFactor: queue.limiter.factor,
      }));
    }
    this.#inFlightRequests--;
    this.#events.emit('batch_sent', () => ({
      kinesisRecords: entries.length,
      userRecords: entries.reduce((sum, entry) => sum + entry.users.length, 0),
      bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
      failed,
      ms: now - sentAtMs,
    }));
    this.#pump();
  }

  #succeeded(entry: Entry, shardId: string, sequenceNumber: string, now: number): void {
    if (shardId !== entry.queue.shardId) this.#refreshWanted = true;
    const counters = this.#countersFor(shardId);
    counters.records.add(entry.users.length, now);
    counters.bytes.add(entry.bytes, now);
    entry.users.forEach((user, index) => {
      this.#settler.deliver(
        user,
        {
          shardId,
          sequenceNumber,
          subSequenceNumber: entry.aggregated ? index : undefined,
          attempts: user.attempts.length + 1,
        },
        now,
      );
    });
  }

  #failedEntry(
    entry: Entry,
    attempt: DeliveryAttempt,
    retriable: boolean,
    cause: unknown,
    now: number,
  ): void {
    const queue = entry.queue;
    const counters = this.#countersFor(queue.shardId);
    const retry: PendingRecord[] = [];
    for (const user of entry.users) {
      user.attempts.push(attempt);
      user.lastError = cause;
      const retryAtMs = now + this.#options.initialBackoffMs;
      if (!this.#settler.failIfFinal(user, attempt, retriable, cause, retryAtMs)) retry.push(user);
    }
    if (retry.length === 0) return;
    counters.retries += retry.length;
    this.#retried += retry.length;
    const attempts = retry[0]?.attempts.length ?? 1;
    queue.notBeforeMs = Math.max(
      queue.notBeforeMs,
      now + backoffMs(attempts, this.#options.initialBackoffMs, this.#options.maxBackoffMs),
    );
    for (const user of retry)
      this.#events.emit('record_retried', () => ({ record: user.record, attempt }));
    this.#requeue(retry);
  }

  /** Puts retried records back at the front of their (current) shard's queue, in order. */
  #requeue(records: PendingRecord[]): void {
    const map = this.#directory.map;
    if (!map) return;
    const byQueue = new Map<ShardQueue, PendingRecord[]>();
    for (const record of records) {
      const queue = this.#queueFor(map, record.hashKey);
      const list = byQueue.get(queue);
      if (list) list.push(record);
      else byQueue.set(queue, [record]);
    }
    for (const [queue, list] of byQueue) queue.unshift(list);
  }

  /** Reloads the shard map, then moves records queued for shards that closed to their successors. */
  #refreshShards(now: number): void {
    this.#refreshWanted = false;
    this.#refreshStartedMs = now;
    this.#directory.load(this.#listingSignal()).then(
      (map) => {
        this.#events.emit('shards_refreshed', () => ({ openShards: map.openShards.length }));
        for (const [shardId, queue] of this.#queues) {
          if (map.isOpen(shardId)) continue;
          const records = queue.drain();
          if (queue.inFlight === 0) this.#queues.delete(shardId);
          this.#requeue(records);
        }
        this.#scheduler.soon();
      },
      (error: unknown) => {
        if (this.#lifetime.signal.aborted) return;
        this.#logger.warn(`reloading the shard map failed: ${classifyError(error).message}`);
      },
    );
  }

  #countersFor(shardId: string): ShardCounters {
    let counters = this.#counters.get(shardId);
    if (!counters) {
      counters = { records: new RateCounter(), bytes: new RateCounter(), throttles: 0, retries: 0 };
      this.#counters.set(shardId, counters);
    }
    return counters;
  }

  /**
   * The first shard map, loaded once for every put waiting on it (so that they queue in put
   * order), retrying transient failures for up to `recordTtlMs`; records that cannot be routed
   * fail like records that cannot be delivered.
   */
  #firstShardMap(): Promise<ShardMap> {
    this.#firstMap ??= this.#loadWithRetries().finally(() => {
      this.#firstMap = undefined;
    });
    return this.#firstMap;
  }

  async #loadWithRetries(): Promise<ShardMap> {
    const deadline = Date.now() + this.#options.recordTtlMs;
    const attempts: DeliveryAttempt[] = [];
    for (;;) {
      const sentAtMs = Date.now();
      try {
        return await this.#directory.load(this.#listingSignal());
      } catch (error) {
        const { code, message, retriable } = classifyError(error);
        attempts.push({ sentAtMs, errorCode: code, errorMessage: message });
        const { initialBackoffMs, maxBackoffMs } = this.#options;
        const delay = backoffMs(attempts.length, initialBackoffMs, maxBackoffMs);
        if (!retriable || Date.now() + delay >= deadline) {
          throw new ShardMapUnavailable(
            retriable ? DeliveryFailureCode.RecordTtlExpired : DeliveryFailureCode.NonRetriable,
            `cannot list the stream's shards: ${code}: ${message}`,
            attempts,
            error,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
