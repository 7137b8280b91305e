/**
 * Runs tasks one after another. Counts what is queued or running so callers can wait for
 * idleness; a task's rejection never breaks the chain (tasks report their own failures).
 *
 * @example
 * ```ts
 * const queue = new SerialQueue(onIdle);
 * queue.push(() => deliver(batch));
 * await queue.settled();
 * ```
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly #onIdle: () => void;

  /** `onIdle` is told whenever the queue becomes empty. */
  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  push(task: () => Promise<void>): void {
    this.#pending++;
    this.#tail = this.#tail
      .then(task)
      .catch(() => {})
      .finally(() => {
        this.#pending--;
        if (this.#pending === 0) this.#onIdle();
      });
  }

  /** Resolves once every task pushed before or while waiting has finished. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#tail;
      await current;
    } while (current !== this.#tail);
  }
}

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts; the work
 * itself goes on (callers cancel it separately).
 *
 * @example
 * ```ts
 * await abortable(queue.settled(), AbortSignal.timeout(1000));
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
