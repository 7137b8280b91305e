import { abortable } from './serial-queue.js';

/**
 * Callers of `onIdle()` waiting for the stream to have nothing in flight. A waiter whose
 * signal aborts is removed at once, so abandoned waits never pile up.
 *
 * @example
 * ```ts
 * const waiters = new IdleWaiters();
 * const idle = waiters.wait(AbortSignal.timeout(1000));
 * waiters.notify(); // idle resolves
 * ```
 */
export class IdleWaiters {
  readonly #waiters = new Set<() => void>();

  /** Waiters not yet told. */
  get size(): number {
    return this.#waiters.size;
  }

  /** Resolves on the next {@link notify}, or rejects with the signal's reason. */
  async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    let wake = () => {};
    const idle = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.#waiters.add(wake);
    try {
      await abortable(idle, signal);
    } finally {
      this.#waiters.delete(wake);
    }
  }

  /** Wakes every waiter. */
  notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
}
