import { randomUUID } from 'node:crypto';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { DeliveryContext, DestinationRecord } from '../destinations/destination.js';
import { DeliveryStreamClosedError } from '../errors.js';
import { ownedBytes } from '../shared/bytes.js';
import { BatchBuffer } from './batch-buffer.js';
import { Capacity } from './capacity.js';
import { accountedResult } from './check-delivery.js';
import type { DeliveryStream, DeliveryStreamMetrics, PutBatchResult } from './delivery-stream.js';
import { ErrorOutput } from './error-output.js';
import { eventEnvelopeBytes, eventRecordBytes } from './event-size.js';
import { type DeliveryStreamEventName, type DeliveryStreamEvents, Emitter } from './events.js';
import { IdleWaiters } from './idle.js';
import { invokeProcessor, type PendingRecord } from './invoker.js';
import { LatencyWindow } from './latency.js';
import type { ResolvedOptions, SignalOptions } from './options.js';
import { batchBytes, recordBytes } from './put-validation.js';
import { Router } from './router.js';
import { abortable, SerialQueue } from './serial-queue.js';

/** Deliveries the latency percentiles of `metrics()` cover. */
const LATENCY_WINDOW = 1000;

/**
 * The delivery stream {@link createDeliveryStream} returns. Every count moves in the same tick
 * as the capacity it goes with, so `metrics()` adds up whenever it is read.
 */
export class LocalDeliveryStream implements DeliveryStream {
  readonly name: string;
  readonly arn: string;
  readonly #options: ResolvedOptions;
  readonly #events = new Emitter();
  readonly #capacity: Capacity;
  readonly #shutdown = new AbortController();
  readonly #context: DeliveryContext;
  readonly #errorOutput: ErrorOutput;
  readonly #processorBuffer: BatchBuffer<PendingRecord>;
  readonly #router: Router;
  readonly #invocations: SerialQueue;
  readonly #deliveries: SerialQueue;
  readonly #latency = new LatencyWindow(LATENCY_WINDOW);
  readonly #idle = new IdleWaiters();
  #closed = false;
  #relieving = false;
  #counts = {
    recordsPut: 0,
    recordsDelivered: 0,
    recordsDropped: 0,
    recordsFailed: 0,
    invocations: 0,
    invocationFailures: 0,
    deliveries: 0,
  };

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.name = options.name;
    this.arn = options.arn;
    this.#capacity = new Capacity(options.name, options.maxBufferedBytes);
    this.#context = {
      deliveryStreamName: options.name,
      deliveryStreamArn: options.arn,
      version: options.version,
      clock: options.clock,
      signal: this.#shutdown.signal,
    };
    this.#errorOutput = new ErrorOutput(
      options.destination,
      this.#context,
      this.#events,
      (records) => {
        this.#counts.recordsFailed += records.length;
        // A failed record's `rawData` is the data the stream held for it: the processor's input
        // for processing failures, the data being delivered otherwise.
        for (const record of records) this.#capacity.release(record.rawData.byteLength);
      },
    );
    const onIdle = () => {
      if (!this.#busy) this.#idle.notify();
    };
    this.#invocations = new SerialQueue(onIdle);
    this.#deliveries = new SerialQueue(onIdle);
    this.#processorBuffer = new BatchBuffer({
      sizeBytes: options.processorSizeBytes,
      intervalMs: options.processorIntervalMs,
      maxSentBytes:
        FIREHOSE_LIMITS.lambdaMaxPayloadBytes - eventEnvelopeBytes(options.arn, options.region),
      clock: options.clock,
      onFlush: (records) => this.#invocations.push(() => this.#invoke(records)),
    });
    this.#router = new Router({
      destination: options.destination,
      sizeBytes: options.bufferSizeBytes,
      intervalMs: options.bufferIntervalMs,
      clock: options.clock,
      onBatch: (records) => this.#deliveries.push(() => this.#deliver(records)),
    });
  }

  async put(data: Uint8Array | string, options: SignalOptions = {}) {
    options.signal?.throwIfAborted();
    this.#requireOpen();
    const bytes = recordBytes(data, 'the record');
    if (!this.#capacity.fits(bytes.byteLength)) {
      this.#relievePressure();
      throw this.#capacity.refusal(bytes.byteLength);
    }
    return { recordId: this.#accept(bytes) };
  }

  async putBatch(
    records: readonly (Uint8Array | string)[],
    options: SignalOptions = {},
  ): Promise<PutBatchResult> {
    options.signal?.throwIfAborted();
    this.#requireOpen();
    let failedPutCount = 0;
    const requestResponses = batchBytes(records).map((bytes) => {
      if (this.#capacity.fits(bytes.byteLength)) return { recordId: this.#accept(bytes) };
      failedPutCount++;
      return {
        errorCode: 'ServiceUnavailableException' as const,
        errorMessage: this.#capacity.refusal(bytes.byteLength).message,
      };
    });
    if (failedPutCount > 0) this.#relievePressure();
    return { failedPutCount, requestResponses };
  }

  async flush(options: SignalOptions = {}): Promise<void> {
    await abortable(this.#flushAll(), options.signal);
    const loss = this.#errorOutput.takeLoss();
    if (loss) throw loss;
  }

  async onIdle(options: SignalOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#busy) await this.#idle.wait(options.signal);
  }

  async close(options: SignalOptions = {}): Promise<void> {
    this.#closed = true;
    const { signal } = options;
    const abort = () => {
      this.#shutdown.abort(signal?.reason);
      this.#processorBuffer.flush();
      this.#router.flushAll();
    };
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (signal?.aborted) abort();
      await this.flush(options);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  metrics(): DeliveryStreamMetrics {
    return {
      ...this.#counts,
      recordsBuffered: this.#capacity.records,
      bytesBuffered: this.#capacity.bytes,
      recordsLost: this.#errorOutput.recordsLost,
      deliveryLatencyMs: this.#latency.snapshot(),
    };
  }

  on<E extends DeliveryStreamEventName>(
    event: E,
    listener: (payload: DeliveryStreamEvents[E]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  get #busy(): boolean {
    return this.#invocations.pending + this.#deliveries.pending > 0;
  }

  #requireOpen() {
    if (this.#closed) throw new DeliveryStreamClosedError(this.name);
  }

  #accept(bytes: Uint8Array): string {
    const data = ownedBytes(bytes);
    const record = { recordId: randomUUID(), data, arrivalMs: this.#options.clock.now() };
    this.#counts.recordsPut++;
    this.#capacity.take(data.byteLength);
    if (this.#options.processor) {
      const eventBytes = eventRecordBytes(data.byteLength, record.arrivalMs);
      this.#processorBuffer.add(record, data.byteLength, eventBytes);
    } else {
      this.#route(record);
    }
    return record.recordId;
  }

  /**
   * A full stream whose records wait in buffers for a size or interval hint would refuse puts
   * until the interval fires (up to 900 s): deliver what is buffered now instead. The router
   * is flushed behind the invocation of the processor's batch, so its output goes too.
   */
  #relievePressure() {
    if (this.#relieving) return;
    this.#relieving = true;
    this.#processorBuffer.flush();
    this.#invocations.push(async () => {
      this.#relieving = false;
      this.#router.flushAll();
    });
  }

  async #flushAll() {
    this.#processorBuffer.flush();
    await this.#invocations.settled();
    this.#router.flushAll();
    await this.#deliveries.settled();
  }

  async #invoke(records: PendingRecord[]) {
    const options = this.#options;
    const outcome = await invokeProcessor(records, {
      processor: options.processor as NonNullable<typeof options.processor>,
      processorArn: options.processorArn,
      deliveryStreamArn: options.arn,
      region: options.region,
      attempts: options.invocationAttempts,
      timeoutMs: options.invocationTimeoutMs,
      clock: options.clock,
      signal: this.#shutdown.signal,
      events: this.#events,
    });
    this.#counts.invocations += outcome.attempts;
    this.#counts.invocationFailures += outcome.failedAttempts;
    for (const { input, output } of outcome.transformed) {
      this.#capacity.resize(input.data.byteLength, output.data.byteLength);
      this.#route(output);
    }
    if (outcome.dropped.length > 0) {
      for (const record of outcome.dropped) this.#capacity.release(record.data.byteLength);
      this.#counts.recordsDropped += outcome.dropped.length;
      this.#events.emit('records_dropped', () => ({ records: outcome.dropped.length }));
    }
    await this.#errorOutput.write(outcome.failed);
  }

  #route(record: DestinationRecord) {
    const failure = this.#router.route(record);
    if (failure) this.#deliveries.push(() => this.#errorOutput.write([failure]));
    // After an aborted close nothing may wait for an interval timer.
    else if (this.#shutdown.signal.aborted) this.#router.flushAll();
  }

  async #deliver(records: DestinationRecord[]) {
    this.#counts.deliveries++;
    const { clock, destination } = this.#options;
    const startMs = clock.now();
    let reported: unknown;
    try {
      reported = await destination.deliver(records, this.#context);
    } catch (error) {
      reported = error instanceof Error ? error : new Error(String(error));
    }
    const result = accountedResult(records, reported, destination, clock.now());
    this.#latency.record(clock.now() - startMs);
    const failedIds = new Set(result.failed.map((record) => record.recordId));
    for (const record of records) {
      if (!failedIds.has(record.recordId)) this.#capacity.release(record.data.byteLength);
    }
    this.#counts.recordsDelivered += records.length - failedIds.size;
    for (const delivered of result.delivered) {
      this.#events.emit('records_delivered', () => delivered);
    }
    await this.#errorOutput.write(result.failed);
  }
}
