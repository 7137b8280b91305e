/**
 * A token bucket refilled continuously: `ratePerSec` tokens a second up to `capacity`. Used for
 * the per-shard write (records, bytes) and read (calls) limits, which AWS defines per second.
 */
export class TokenBucket {
  readonly ratePerSec: number;
  readonly capacity: number;
  #tokens: number;
  #updatedMs: number;

  constructor(ratePerSec: number, capacity: number, nowMs: number) {
    this.ratePerSec = ratePerSec;
    this.capacity = capacity;
    this.#tokens = capacity;
    this.#updatedMs = nowMs;
  }

  /** Tokens available at `nowMs`. */
  available(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens;
  }

  /** Takes `amount` tokens if that many are available; returns whether it did. */
  tryTake(amount: number, nowMs: number): boolean {
    this.#refill(nowMs);
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Takes tokens without checking; the balance may go negative (debt repaid by refill). */
  take(amount: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens -= amount;
  }

  #refill(nowMs: number): void {
    const elapsedMs = nowMs - this.#updatedMs;
    if (elapsedMs <= 0) return;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSec) / 1000);
    this.#updatedMs = nowMs;
  }
}
