import type { Clock, TimerHandle } from '../clock.js';

/** Options of a {@link BatchBuffer}. */
export interface BatchBufferOptions<T> {
  /** Flush once this many bytes are buffered (Firehose's size hint). */
  readonly sizeBytes: number;
  /** Flush this long after the first item arrived (Firehose's interval hint). */
  readonly intervalMs: number;
  /**
   * A hard cap on the batch as it will be sent, in the `sentBytes` each `add` reports (for the
   * processor: the serialized event); an item that would pass it starts the next batch.
   */
  readonly maxSentBytes?: number;
  readonly clock: Clock;
  readonly onFlush: (items: T[]) => void;
}

/**
 * Collects items until the size or the interval hint is reached, whichever comes first, and
 * never lets a batch pass `maxSentBytes`.
 *
 * @example
 * ```ts
 * const buffer = new BatchBuffer({ sizeBytes: 1024, intervalMs: 1000, clock, onFlush: send });
 * buffer.add(record, record.data.byteLength);
 * ```
 */
export class BatchBuffer<T> {
  readonly #options: BatchBufferOptions<T>;
  #items: T[] = [];
  #bytes = 0;
  #sentBytes = 0;
  #timer: TimerHandle | undefined;

  constructor(options: BatchBufferOptions<T>) {
    this.#options = options;
  }

  /** Adds an item of `bytes` (what the size hint counts) and `sentBytes` (what the cap counts). */
  add(item: T, bytes: number, sentBytes = bytes): void {
    const { maxSentBytes } = this.#options;
    if (maxSentBytes !== undefined && this.#sentBytes + sentBytes > maxSentBytes) this.flush();
    this.#items.push(item);
    this.#bytes += bytes;
    this.#sentBytes += sentBytes;
    if (this.#items.length === 1) {
      this.#timer = this.#options.clock.setTimeout(() => this.flush(), this.#options.intervalMs);
    }
    if (this.#bytes >= this.#options.sizeBytes) this.flush();
  }

  flush(): void {
    this.dispose();
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    this.#sentBytes = 0;
    this.#options.onFlush(items);
  }

  /** Stops the interval timer without flushing. */
  dispose(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
