/**
 * Runs async operations one at a time, in the order they were queued: what the shard logs need
 * so that a write, an fsync, a segment roll and a close never touch one file handle at once.
 */
export class SerialLane {
  #tail: Promise<void>;

  /** @param after Work that must finish (or fail) before the first operation starts. */
  constructor(after: Promise<unknown> = Promise.resolve()) {
    this.#tail = after.then(ignore, ignore);
  }

  /** Queues `operation`; its result (or error) is returned and never blocks the lane. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation);
    this.#tail = result.then(ignore, ignore);
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }
}

function ignore(): void {}
