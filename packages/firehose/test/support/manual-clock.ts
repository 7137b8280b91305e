import type { Clock } from '../../src/index.js';

interface Timer {
  readonly at: number;
  readonly callback: () => void;
}

/** A clock that only moves when a test says so. */
export class ManualClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, Timer>();
  #waiters: Array<() => void> = [];

  constructor(start = Date.UTC(2024, 0, 2, 3, 4, 5, 678)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + delayMs, callback });
    for (const resolve of this.#waiters.splice(0)) resolve();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Delays of the pending timers from now, soonest first. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((timer) => timer.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
    }
    this.#now = end;
  }

  /** Resolves with the delay of the first pending timer whose delay matches `predicate`. */
  async waitForTimer(predicate: (delayMs: number) => boolean = () => true): Promise<number> {
    for (;;) {
      const delay = this.pendingDelays().find(predicate);
      if (delay !== undefined) return delay;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}
