interface Subscriber<T> {
  items: T[];
  head: number;
  wake: (() => void) | undefined;
  closed: boolean;
}

/**
 * One output of a run (the main stream, a named stream, late rows, errors) handed to every
 * iterator open on it. Each open iterator has its own queue; the run asks {@link full} after each
 * step and waits with {@link whenNotFull} (back-pressure: a slow reader pauses the source). Items
 * pushed while no iterator is open are not kept: `push` returns `false` so the run counts them.
 */
export class OutputChannel<T> implements AsyncIterable<T> {
  readonly #limit: number;
  readonly #subscribers = new Set<Subscriber<T>>();
  readonly #onFirstNext: (() => void) | undefined;
  readonly #onReturn: (() => void) | undefined;
  #ended = false;
  #error: unknown;
  #spaceWaiters: (() => void)[] = [];

  /**
   * @param limit queue length at which {@link full} becomes true.
   * @param hooks `onFirstNext`: an iterator asked for its first item; `onReturn`: an iterator was
   *   closed early (`break` out of `for await`).
   */
  constructor(limit: number, hooks: { onFirstNext?: () => void; onReturn?: () => void } = {}) {
    this.#limit = limit;
    this.#onFirstNext = hooks.onFirstNext;
    this.#onReturn = hooks.onReturn;
  }

  /** Whether any iterator is open. */
  get hasReaders(): boolean {
    return this.#subscribers.size > 0;
  }

  /** Whether some open iterator holds `limit` items or more. */
  get full(): boolean {
    for (const s of this.#subscribers) if (s.items.length - s.head >= this.#limit) return true;
    return false;
  }

  /** Hands items to every open iterator; `false` when none was open (the items are not kept). */
  push(items: readonly T[]): boolean {
    if (this.#subscribers.size === 0 || items.length === 0) return this.#subscribers.size > 0;
    for (const s of this.#subscribers) {
      for (const item of items) s.items.push(item);
      const wake = s.wake;
      s.wake = undefined;
      wake?.();
    }
    return true;
  }

  /** Resolves once no open iterator is full (at once when none is). */
  whenNotFull(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** Ends every iterator: after their queued items they finish, or throw `error` when given. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    for (const s of this.#subscribers) {
      const wake = s.wake;
      s.wake = undefined;
      wake?.();
    }
    this.#releaseSpace();
  }

  #releaseSpace(): void {
    if (this.full && !this.#ended) return;
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const w of waiters) w();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const s: Subscriber<T> = { items: [], head: 0, wake: undefined, closed: false };
    if (!this.#ended) this.#subscribers.add(s);
    let started = false;
    const close = (): void => {
      s.closed = true;
      this.#subscribers.delete(s);
      s.items = [];
      s.head = 0;
      this.#releaseSpace();
    };
    return {
      next: async (): Promise<IteratorResult<T>> => {
        if (!started) {
          started = true;
          this.#onFirstNext?.();
        }
        for (;;) {
          if (s.closed) return { done: true, value: undefined };
          if (s.head < s.items.length) {
            const value = s.items[s.head] as T;
            s.head++;
            if (s.head > 1024 && s.head * 2 > s.items.length) {
              s.items = s.items.slice(s.head);
              s.head = 0;
            }
            if (this.#spaceWaiters.length > 0) this.#releaseSpace();
            return { done: false, value };
          }
          if (this.#ended || !this.#subscribers.has(s)) {
            close();
            if (this.#error !== undefined) throw this.#error;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => {
            s.wake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        const wasOpen = !s.closed;
        close();
        if (wasOpen && !this.#ended) this.#onReturn?.();
        return { done: true, value: undefined };
      },
    };
  }
}
