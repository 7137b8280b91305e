/**
 * Runs a producer's pump (the pass that sends what may go) at the right moments: once soon
 * after a burst of changes, however many puts the burst held; and on one timer at the next due
 * time (end of a linger or backoff, a TTL). The timer is only ever moved earlier, so the pump
 * never sleeps past the earliest time anything is due, and never runs twice for one due time.
 */
export class PumpScheduler {
  readonly #pump: () => void;
  #soon = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;

  constructor(pump: () => void) {
    this.#pump = pump;
  }

  /** Runs the pump once in the next turn of the event loop. */
  soon(): void {
    if (this.#soon) return;
    this.#soon = true;
    setImmediate(() => {
      this.#soon = false;
      this.#pump();
    });
  }

  /**
   * Runs the pump at `atMs` (at once if that is past), unless the timer is already set for then
   * or sooner. `Infinity` means nothing is due.
   */
  at(atMs: number, nowMs: number): void {
    if (atMs === Number.POSITIVE_INFINITY) return;
    if (this.#timer && this.#timerAtMs <= atMs) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAtMs = atMs;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAtMs = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, atMs - nowMs),
    );
  }

  /** Stops the timer, so that a closed producer keeps no timer alive. */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
