/** Events per second over the last few seconds, from one-second buckets (bounded memory). */
export class RateCounter {
  readonly #buckets: Float64Array;
  #currentSecond = 0;

  constructor(windowSeconds = 5) {
    this.#buckets = new Float64Array(windowSeconds);
  }

  add(amount: number, nowMs: number): void {
    this.#advance(nowMs);
    const slot = this.#currentSecond % this.#buckets.length;
    this.#buckets[slot] = (this.#buckets[slot] ?? 0) + amount;
  }

  /** Average per second over the completed seconds of the window. */
  perSecond(nowMs: number): number {
    this.#advance(nowMs);
    let total = 0;
    const current = this.#currentSecond % this.#buckets.length;
    for (let slot = 0; slot < this.#buckets.length; slot++) {
      if (slot !== current) total += this.#buckets[slot] ?? 0;
    }
    return total / (this.#buckets.length - 1);
  }

  #advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second === this.#currentSecond) return;
    const steps = Math.min(second - this.#currentSecond, this.#buckets.length);
    for (let step = 1; step <= steps; step++) {
      this.#buckets[(this.#currentSecond + step) % this.#buckets.length] = 0;
    }
    this.#currentSecond = second;
  }
}
