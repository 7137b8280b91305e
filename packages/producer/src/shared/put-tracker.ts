/** A `flush()` waiting for the puts tracked before it: `remaining` of them have not settled. */
interface FlushWaiter {
  /** The epoch the flush closed: it waits for the puts of this epoch and earlier ones only. */
  readonly epoch: number;
  remaining: number;
  readonly done: () => void;
}

/**
 * Knows how many puts have not settled yet, from the moment `put` or `send` is called (those still
 * waiting for buffer room or a shard map included), so that `flush()` and `close()` wait for
 * exactly the records handed in before them; and whether someone is waiting, in which case
 * records go at once instead of lingering for companions.
 *
 * A count rather than a promise per put (puts are the hot path, flushes are rare): each put
 * belongs to the epoch it started in, each flush closes the current epoch and waits for the
 * count of unsettled puts it saw to drop to zero, counting only the settled puts of its epoch
 * or earlier ones.
 */
export class PutTracker {
  #unsettled = 0;
  #epoch = 0;
  #waiters: FlushWaiter[] = [];
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

  /** A put starts: it counts as unsettled until `end` is called with the epoch this returns. */
  begin(): number {
    this.#unsettled++;
    return this.#epoch;
  }

  /**
   * Resolves once every put tracked so far has settled, calling `sendNow` first (the producer
   * sees `hurried` from then on, until they have). Resolves at once when none is in progress.
   */
  async flush(sendNow: () => void): Promise<void> {
    if (this.#unsettled === 0) return;
    this.#flushes++;
    const settled = new Promise<void>((done) => {
      this.#waiters.push({ epoch: this.#epoch, remaining: this.#unsettled, done });
    });
    // Puts from now on belong to a later epoch: this flush does not wait for them.
    this.#epoch++;
    sendNow();
    try {
      await settled;
    } finally {
      this.#flushes--;
    }
  }

  /** Marks the producer closed; the caller then flushes. */
  close(): void {
    this.#closed = true;
  }

  /** A put that began in `epoch` settled (its own listener has been told). */
  end(epoch: number): void {
    this.#unsettled--;
    if (this.#waiters.length === 0) return;
    let finished = false;
    for (const waiter of this.#waiters) {
      if (waiter.epoch >= epoch && --waiter.remaining === 0) {
        finished = true;
        waiter.done();
      }
    }
    if (finished) this.#waiters = this.#waiters.filter((waiter) => waiter.remaining > 0);
  }
}
