import type { ConsumerBatch } from './batch.js';
import { type Deliver, DeliveryAbandoned } from './shard-worker.js';

interface Entry {
  readonly batch: ConsumerBatch;
  readonly resolve: (settled: Awaited<ReturnType<Deliver>>) => void;
  readonly reject: (error: unknown) => void;
  startedMs: number;
}

/**
 * Hands the shard workers' batches to one async iterator, one at a time: a batch counts as
 * finished when the loop asks for the next one, and its worker (blocked until then) checkpoints
 * it. Batches waiting when the consumer stops, and the current one when the loop is left
 * early, are abandoned: not checkpointed, delivered again after a restart.
 */
export class BatchChannel {
  readonly #queue: Entry[] = [];
  #current: Entry | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  #ended = false;
  #error: { error: unknown } | undefined;

  /** The worker's side: resolves once the loop finished the batch. */
  readonly deliver: Deliver = (batch) =>
    new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new DeliveryAbandoned('the consumer is stopping'));
        return;
      }
      this.#queue.push({ batch, resolve, reject, startedMs: 0 });
      this.#notify();
    });

  /** The loop's side: finishes the current batch and waits for the next. */
  async next(): Promise<IteratorResult<ConsumerBatch, undefined>> {
    this.#finishCurrent();
    for (;;) {
      const entry = this.#queue.shift();
      if (entry) {
        entry.startedMs = Date.now();
        this.#current = entry;
        return { value: entry.batch, done: false };
      }
      if (this.#error) throw this.#error.error;
      if (this.#ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #finishCurrent(): void {
    const current = this.#current;
    this.#current = undefined;
    current?.resolve({ outcome: 'processed', handlerMs: Date.now() - current.startedMs });
  }

  /** No more batches are taken: the waiting ones are abandoned (the current one may finish). */
  close(): void {
    this.#closed = true;
    for (const entry of this.#queue.splice(0)) {
      entry.reject(new DeliveryAbandoned('the consumer is stopping'));
    }
  }

  /** The loop was left: the current batch is abandoned too. */
  abandonCurrent(): void {
    const current = this.#current;
    this.#current = undefined;
    current?.reject(new DeliveryAbandoned('the loop over batches() was left'));
  }

  /** The consumer stopped: the iteration ends (with `error`, if it failed). */
  end(error?: { error: unknown }): void {
    this.close();
    this.#ended = true;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
