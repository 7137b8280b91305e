import { ProducerError } from '../errors.js';

/**
 * Bounds what a producer holds: records and bytes handed to `put` and not yet settled. When
 * full, `acquire` waits (first come, first served) until settled records make room, honouring
 * the caller's signal. A record larger than the whole byte budget is admitted alone.
 */
export class BufferCapacity {
  readonly maxBytes: number;
  readonly maxRecords: number;
  #bytes = 0;
  #records = 0;
  readonly #waiters: { bytes: number; admit: () => void }[] = [];

  constructor(maxBytes: number, maxRecords: number) {
    this.maxBytes = maxBytes;
    this.maxRecords = maxRecords;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get records(): number {
    return this.#records;
  }

  /**
   * Reserves room for one record of `bytes` if there is room now and nobody is waiting; returns
   * whether it did. Lets a caller register the record in the same tick, without an `await`.
   */
  tryAcquire(bytes: number): boolean {
    if (this.#waiters.length > 0 || !this.#fits(bytes)) return false;
    this.#take(bytes);
    return true;
  }

  /** Reserves room for one record of `bytes`, waiting while the buffer is full. */
  acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#waiters.length === 0 && this.#fits(bytes)) {
      this.#take(bytes);
      return Promise.resolve();
    }
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        bytes,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(
          new ProducerError('Aborted', 'put aborted while waiting for buffer space', {
            cause: signal?.reason,
          }),
        );
        this.#admitWaiters();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Returns the room a settled record held. */
  release(bytes: number): void {
    this.#bytes -= bytes;
    this.#records -= 1;
    this.#admitWaiters();
  }

  #fits(bytes: number): boolean {
    if (this.#records === 0) return true;
    return this.#records + 1 <= this.maxRecords && this.#bytes + bytes <= this.maxBytes;
  }

  #take(bytes: number): void {
    this.#bytes += bytes;
    this.#records += 1;
  }

  #admitWaiters(): void {
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0] as { bytes: number; admit: () => void };
      if (!this.#fits(next.bytes)) return;
      this.#waiters.shift();
      this.#take(next.bytes);
      next.admit();
    }
  }
}
