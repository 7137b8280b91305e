/**
 * Knows which puts have not settled yet, from the moment `put` is called (those still waiting
 * for buffer room or a shard map included), so that `flush()` and `close()` wait for exactly
 * the records handed in before them; and whether someone is waiting, in which case records go
 * at once instead of lingering for companions.
 */
export class PutTracker {
  /** One promise per unsettled put, resolved once the put's own promise has settled. */
  readonly #unsettled = new Set<Promise<void>>();
  #flushes = 0;
  #closed = false;

  /** Set by `close()`: the producer refuses new puts. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a flush or close waits: queued records should go now, without lingering. */
  get hurried(): boolean {
    return this.#flushes > 0 || this.#closed;
  }

  /**
   * Starts a put like `new Promise(start)`, tracked until it settles. The put's own promise
   * settles first, then `flush()` waiters learn of it.
   */
  track<T>(
    start: (resolve: (result: T) => void, reject: (error: unknown) => void) => void,
  ): Promise<T> {
    let markSettled!: () => void;
    const settled = new Promise<void>((resolve) => {
      markSettled = resolve;
    });
    this.#unsettled.add(settled);
    const finish = () => {
      this.#unsettled.delete(settled);
      markSettled();
    };
    return new Promise<T>((resolve, reject) => {
      const fail = (error: unknown) => {
        reject(error);
        finish();
      };
      try {
        start((result) => {
          resolve(result);
          finish();
        }, fail);
      } catch (error) {
        fail(error);
      }
    });
  }

  /**
   * Resolves once every put tracked so far has settled, calling `sendNow` first (the producer
   * sees `hurried` from then on, until they have). Resolves at once when none is in progress.
   */
  async flush(sendNow: () => void): Promise<void> {
    const waiting = [...this.#unsettled];
    if (waiting.length === 0) return;
    this.#flushes++;
    sendNow();
    try {
      await Promise.all(waiting);
    } finally {
      this.#flushes--;
    }
  }

  /** Marks the producer closed; the caller then flushes. */
  close(): void {
    this.#closed = true;
  }
}
