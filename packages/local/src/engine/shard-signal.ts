/**
 * Wakes whoever waits on a shard when it changes: records landed, the shard closed, its
 * stream or a consumer went away. Fan-out subscriptions wait on it instead of polling, so
 * records are pushed as soon as they are stored. Costs nothing while nobody waits.
 */
export class ShardSignal {
  #waiting: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Resolves at the next {@link notify}. */
  next(): Promise<void> {
    if (this.#waiting === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.#waiting = { promise, resolve };
    }
    return this.#waiting.promise;
  }

  notify(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve();
  }
}
