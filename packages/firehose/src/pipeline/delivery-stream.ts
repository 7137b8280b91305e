import type { DeliveryStreamEventName, DeliveryStreamEvents } from './events.js';
import type { LatencySnapshot } from './latency.js';
import { LocalDeliveryStream } from './local-delivery-stream.js';
import { type DeliveryStreamOptions, resolveOptions, type SignalOptions } from './options.js';

/** The answer to {@link DeliveryStream.putBatch}, entry by entry as PutRecordBatch answers. */
export interface PutBatchResult {
  readonly failedPutCount: number;
  readonly requestResponses: ReadonlyArray<
    | { readonly recordId: string }
    | { readonly errorCode: 'ServiceUnavailableException'; readonly errorMessage: string }
  >;
}

/**
 * A snapshot of a delivery stream. At every moment `recordsPut = recordsBuffered +
 * recordsDelivered + recordsDropped + recordsFailed`: a record counts as buffered until its
 * delivery, drop or error output write has ended.
 */
export interface DeliveryStreamMetrics {
  readonly recordsPut: number;
  /** Records accepted and not yet delivered, dropped or failed. */
  readonly recordsBuffered: number;
  /** What `maxBufferedBytes` counts: held data plus the per-record overhead. */
  readonly bytesBuffered: number;
  readonly recordsDelivered: number;
  readonly recordsDropped: number;
  /** Records whose error output write has ended, written or not (`recordsLost`). */
  readonly recordsFailed: number;
  /** Failed records whose error output write failed too. */
  readonly recordsLost: number;
  /** Processor invocations made (an aborted close starts none). */
  readonly invocations: number;
  readonly invocationFailures: number;
  /** Batches handed to the destination. */
  readonly deliveries: number;
  /** How long the last deliveries took, retries included (clock milliseconds). */
  readonly deliveryLatencyMs: LatencySnapshot;
}

/** A local delivery stream: see {@link createDeliveryStream}. */
export interface DeliveryStream extends AsyncDisposable {
  readonly name: string;
  readonly arn: string;
  /**
   * PutRecord: accepts one record (at most 1,000 KiB) into the buffer. The stream keeps a copy
   * of the bytes: reusing `data` after `put` resolves changes nothing.
   */
  put(data: Uint8Array | string, options?: SignalOptions): Promise<{ recordId: string }>;
  /** PutRecordBatch: 1–500 records, at most 4 MiB; per-entry results; copies, as `put`. */
  putBatch(
    records: readonly (Uint8Array | string)[],
    options?: SignalOptions,
  ): Promise<PutBatchResult>;
  /**
   * Invokes the processor and delivers everything buffered now; resolves when done. Rejects
   * with `ErrorOutputFailedError` if failed records could not be written to the error output.
   */
  flush(options?: SignalOptions): Promise<void>;
  /** Resolves when no invocation or delivery is in flight (buffers may still hold records). */
  onIdle(options?: SignalOptions): Promise<void>;
  /**
   * Stops accepting records, flushes, and stops the timers. If `signal` aborts first, close
   * rejects with its reason at once: no invocation, request or write starts any more, retries
   * and waits stop, what they held goes to the error output with an `*.Aborted` code (and
   * only the attempts really made), and no timer is left behind.
   */
  close(options?: SignalOptions): Promise<void>;
  metrics(): DeliveryStreamMetrics;
  /** Listens to an event; returns the function that stops listening. */
  on<E extends DeliveryStreamEventName>(
    event: E,
    listener: (payload: DeliveryStreamEvents[E]) => void,
  ): () => void;
}

/**
 * Creates a local delivery stream that behaves like Firehose: records are buffered for the
 * processor by its size and interval hints (never past Lambda's 6 MB request), the processor
 * is invoked with a real event and retried `numberOfRetries` times, its output is buffered by
 * the destination hints (per partition under dynamic partitioning) and delivered; every record
 * put is delivered, dropped by the processor, or written to the error output with the reason,
 * and counted.
 *
 * @example
 * ```ts
 * const stream = createDeliveryStream({
 *   name: 'clicks',
 *   destination: s3Directory({ root: './bucket' }),
 *   buffering: { sizeMiB: 1, intervalSeconds: 60 },
 * });
 * await stream.put('{"url":"/"}\n');
 * await stream.close();
 * ```
 */
export function createDeliveryStream(options: DeliveryStreamOptions): DeliveryStream {
  return new LocalDeliveryStream(resolveOptions(options));
}
