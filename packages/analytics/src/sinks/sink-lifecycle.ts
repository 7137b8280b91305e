import { SinkClosedError } from './sink-errors.js';

const ignore = (): void => {};

/**
 * The open → closed life of a sink: a write after `close()` rejects with
 * {@link SinkClosedError}; `close()` runs the sink's own flush once, after every write begun
 * before it has settled, and returns the same promise on every call.
 */
export class SinkLifecycle {
  readonly #sink: string;
  readonly #inFlight = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(sink: string) {
    this.#sink = sink;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs `write` unless closed, and remembers it until it settles so that `close` waits. */
  write(write: () => Promise<void>): Promise<void> {
    if (this.#closing) return Promise.reject(new SinkClosedError(this.#sink));
    let promise: Promise<void>;
    try {
      promise = write();
    } catch (error) {
      return Promise.reject(error);
    }
    // The caller gets the write's own outcome; close only needs to know it settled.
    const settled = promise.then(ignore, ignore);
    this.#inFlight.add(settled);
    settled.then(() => this.#inFlight.delete(settled));
    return promise;
  }

  /** Refuses new writes, waits for those in flight, then runs `flush`. Idempotent. */
  close(flush?: () => Promise<void>): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all(this.#inFlight);
      await flush?.();
    })();
    return this.#closing;
  }
}
