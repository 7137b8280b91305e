/**
 * Wakes whoever waits on a shard when it changes: records landed, the shard closed, its
 * stream or a consumer went away. Fan-out subscriptions wait on it instead of polling, so
 * records are pushed as soon as they are stored. A waiter is removed when it is woken or
 * gives up, so an idle shard holds nothing for waits that ended (a heartbeat every few
 * seconds, for hours).
 */
export class ShardSignal {
  readonly #waiters = new Set<() => void>();

  /** Calls `wake` once, at the next {@link notify}; returns the function that cancels it. */
  onNext(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => {
      this.#waiters.delete(wake);
    };
  }

  notify(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Waiters now (for tests). */
  get waiting(): number {
    return this.#waiters.size;
  }
}
