/**
 * What a producer may send to one shard: token buckets mirroring the shard's limits (1,000
 * records/s and 1 MiB/s, one second of burst), scaled by a factor that adapts to the shard's
 * answers. A throttled answer means someone else writes to the shard too: the factor drops
 * (multiplicative decrease) and the buckets empty; time without throttling raises it again
 * (additive increase, back to full in `RECOVERY_MS`). A saturated shard so stays near its limit
 * without a storm of throttles.
 */
const RECOVERY_MS = 10_000;
const MIN_FACTOR = 0.1;

export class ShardRateLimiter {
  readonly #recordsPerSec: number;
  readonly #bytesPerSec: number;
  #records: number;
  #bytes: number;
  #factor = 1;
  #updatedMs: number;

  constructor(recordsPerSec: number, bytesPerSec: number, nowMs: number) {
    this.#recordsPerSec = recordsPerSec;
    this.#bytesPerSec = bytesPerSec;
    this.#records = recordsPerSec;
    this.#bytes = bytesPerSec;
    this.#updatedMs = nowMs;
  }

  /** The share of the shard's limits the producer currently allows itself, in (0, 1]. */
  get factor(): number {
    return this.#factor;
  }

  /** Whether a Kinesis record of `bytes` (data + partition key) may be sent now. */
  allows(bytes: number, nowMs: number): boolean {
    this.#refill(nowMs);
    // A record larger than a second of byte capacity needs a full bucket.
    const needed = Math.min(bytes, this.#bytesPerSec * this.#factor);
    return this.#records >= 1 && this.#bytes >= needed;
  }

  /** Spends the tokens of a record about to be sent. */
  take(bytes: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#records -= 1;
    this.#bytes -= bytes;
  }

  /** Milliseconds until a record of `bytes` may be sent (0 if now). */
  waitMs(bytes: number, nowMs: number): number {
    this.#refill(nowMs);
    const recordsPerMs = (this.#recordsPerSec * this.#factor) / 1000;
    const bytesPerMs = (this.#bytesPerSec * this.#factor) / 1000;
    const needed = Math.min(bytes, this.#bytesPerSec * this.#factor);
    const forRecords = this.#records >= 1 ? 0 : (1 - this.#records) / recordsPerMs;
    const forBytes = this.#bytes >= needed ? 0 : (needed - this.#bytes) / bytesPerMs;
    return Math.ceil(Math.max(forRecords, forBytes));
  }

  /** The shard answered ProvisionedThroughputExceeded: back off. */
  throttled(nowMs: number): void {
    this.#refill(nowMs);
    this.#factor = Math.max(MIN_FACTOR, this.#factor * 0.7);
    this.#records = Math.min(this.#records, 0);
    this.#bytes = Math.min(this.#bytes, 0);
  }

  #refill(nowMs: number): void {
    const elapsedMs = nowMs - this.#updatedMs;
    if (elapsedMs <= 0) return;
    this.#factor = Math.min(1, this.#factor + elapsedMs / RECOVERY_MS);
    const recordCapacity = this.#recordsPerSec * this.#factor;
    const byteCapacity = this.#bytesPerSec * this.#factor;
    this.#records = Math.min(recordCapacity, this.#records + (elapsedMs * recordCapacity) / 1000);
    this.#bytes = Math.min(byteCapacity, this.#bytes + (elapsedMs * byteCapacity) / 1000);
    this.#updatedMs = nowMs;
  }
}
