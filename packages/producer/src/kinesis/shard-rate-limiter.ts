/** Back to the full rate this long after the last cut. */
const RECOVERY_MS = 5000;
/** The least share of the limits a producer keeps: it always makes progress. */
const MIN_FACTOR = 0.1;
/** Two throttled answers closer than this mean the shard is shared, not a timing slip. */
const CONTENTION_WINDOW_MS = 1000;

/** What may be sent to a shard: a number of Kinesis records and their bytes. */
export interface SendSize {
  readonly records: number;
  readonly bytes: number;
}

/**
 * What a producer may send to one shard: token buckets mirroring the shard's limits (1,000
 * records/s and 1 MiB/s, one second of burst), scaled by a factor that adapts to the shard's
 * answers.
 *
 * A throttled answer first empties the buckets: the shard is full now. Our buckets and the
 * shard's refill from slightly different moments (requests take time to arrive), so one throttle
 * after a burst is a timing slip, not a reason to slow down. A second one within a second means
 * someone else writes to the shard too: the factor drops (multiplicative decrease) and time
 * without throttling raises it again (additive increase, back to full in `RECOVERY_MS`). A
 * saturated shard so stays near its limit without a storm of throttles.
 */
export class ShardRateLimiter {
  readonly #recordsPerSec: number;
  readonly #bytesPerSec: number;
  #records: number;
  #bytes: number;
  #factor = 1;
  #updatedMs: number;
  #lastThrottleMs = Number.NEGATIVE_INFINITY;

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

  /** Whether `size` may be sent now. A size over a second of capacity needs a full bucket. */
  allows(size: SendSize, nowMs: number): boolean {
    this.#refill(nowMs);
    const needed = this.#capped(size);
    return this.#records >= needed.records && this.#bytes >= needed.bytes;
  }

  /** Spends the tokens of a Kinesis record of `bytes` about to be sent. */
  take(bytes: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#records -= 1;
    this.#bytes -= bytes;
  }

  /** Milliseconds until `size` may be sent (0 if now). */
  waitMs(size: SendSize, nowMs: number): number {
    this.#refill(nowMs);
    const needed = this.#capped(size);
    const recordsPerMs = (this.#recordsPerSec * this.#factor) / 1000;
    const bytesPerMs = (this.#bytesPerSec * this.#factor) / 1000;
    const forRecords = Math.max(0, needed.records - this.#records) / recordsPerMs;
    const forBytes = Math.max(0, needed.bytes - this.#bytes) / bytesPerMs;
    return Math.ceil(Math.max(forRecords, forBytes));
  }

  /** The shard answered ProvisionedThroughputExceeded. */
  throttled(nowMs: number): void {
    this.#refill(nowMs);
    if (nowMs - this.#lastThrottleMs < CONTENTION_WINDOW_MS) {
      this.#factor = Math.max(MIN_FACTOR, this.#factor * 0.7);
    }
    this.#lastThrottleMs = nowMs;
    this.#records = Math.min(this.#records, 0);
    this.#bytes = Math.min(this.#bytes, 0);
  }

  #capped(size: SendSize): SendSize {
    return {
      records: Math.min(size.records, this.#recordsPerSec * this.#factor),
      bytes: Math.min(size.bytes, this.#bytesPerSec * this.#factor),
    };
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
