import type { VisitRow } from './queries.js';

interface Reader {
  readonly batches: (readonly VisitRow[])[];
  rows: number;
  wake: (() => void) | undefined;
}

/**
 * The counted visits on their way to the queries: each reader (a running query) gets every
 * batch, in order, at its own pace. The queue is bounded by the caller: `push` returns a
 * promise while a reader has more than `maxQueuedRows` waiting, and the consumer awaits it
 * before taking its next batch (back-pressure), so memory stays bounded if a query falls behind.
 */
export class VisitFeed {
  readonly #maxQueuedRows: number;
  readonly #readers = new Set<Reader>();
  readonly #drained = new Set<() => void>();
  #ended = false;

  constructor(maxQueuedRows: number) {
    this.#maxQueuedRows = maxQueuedRows;
  }

  /**
   * Hands a batch to every reader. Resolves at once, or, while a reader is behind by more than
   * `maxQueuedRows`, once it caught up.
   */
  push(rows: readonly VisitRow[]): Promise<void> | undefined {
    if (this.#ended) throw new Error('the visit feed has ended');
    if (rows.length > 0) {
      for (const reader of this.#readers) {
        reader.batches.push(rows);
        reader.rows += rows.length;
        reader.wake?.();
      }
    }
    if (!this.#full()) return undefined;
    return new Promise((resolve) => this.#drained.add(resolve));
  }

  /** No more visits: each reader ends once it has read what was pushed. */
  end(): void {
    this.#ended = true;
    for (const reader of this.#readers) reader.wake?.();
  }

  /**
   * A new reader, getting every batch pushed from now on. `close()` (or the iterator's
   * `return`) removes it: a reader that stops (its query ended or failed) holds nothing back.
   */
  reader(): AsyncIterable<readonly VisitRow[]> & { close(): void } {
    const reader: Reader = { batches: [], rows: 0, wake: undefined };
    this.#readers.add(reader);
    const next = async (): Promise<IteratorResult<readonly VisitRow[]>> => {
      for (;;) {
        const batch = reader.batches.shift();
        if (batch !== undefined) {
          reader.rows -= batch.length;
          this.#release();
          return { done: false, value: batch };
        }
        if (this.#ended || !this.#readers.has(reader)) return { done: true, value: undefined };
        await new Promise<void>((resolve) => {
          reader.wake = resolve;
        });
        reader.wake = undefined;
      }
    };
    const close = (): void => {
      this.#readers.delete(reader);
      reader.batches.length = 0;
      reader.rows = 0;
      reader.wake?.();
      this.#release();
    };
    const stop = async (): Promise<IteratorResult<readonly VisitRow[]>> => {
      close();
      return { done: true, value: undefined };
    };
    return { [Symbol.asyncIterator]: () => ({ next, return: stop }), close };
  }

  #full(): boolean {
    for (const reader of this.#readers) if (reader.rows > this.#maxQueuedRows) return true;
    return false;
  }

  #release(): void {
    if (this.#drained.size === 0 || this.#full()) return;
    for (const resolve of this.#drained) resolve();
    this.#drained.clear();
  }
}
