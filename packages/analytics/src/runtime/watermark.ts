import { InvalidOptionError } from '../errors.js';

/**
 * Flink's bounded-out-of-orderness watermark (`WATERMARK FOR ts AS ts - INTERVAL '5' SECOND`):
 * the watermark is the largest row time seen minus the bound, and `-Infinity` before any row.
 * It never goes back. A window `[start, end)` fires once `watermark >= end - 1`, so a row less
 * than the bound behind the newest row is always on time; a row exactly the bound behind sits on
 * the watermark and is late for a window whose last millisecond it is (Flink SQL's
 * `ts - INTERVAL` strategy behaves the same; Flink's DataStream generator subtracts one more
 * millisecond). Later rows go to the operators' `late` side output.
 *
 * For the window operators used without SQL: call {@link observe} for each row's time and,
 * after each batch, `advanceWatermark(watermark.current)`. (`runQuery` applies the same rule per
 * shard and takes the minimum over shards.) Processing-time windows need no generator: use the
 * clock as the watermark, on a timer, so that windows fire even when no rows arrive.
 *
 * @example
 * ```ts
 * const watermark = new BoundedOutOfOrdernessWatermark(5_000);
 * for (const row of batch) watermark.observe(row.ts);
 * aggregation.process(batch);
 * aggregation.advanceWatermark(watermark.current);
 * ```
 */
export class BoundedOutOfOrdernessWatermark {
  readonly #maxOutOfOrdernessMs: number;
  #maxTimeMs = Number.NEGATIVE_INFINITY;

  /** @param maxOutOfOrdernessMs how far behind the newest row a row may be and still be on time (>= 0). */
  constructor(maxOutOfOrdernessMs: number) {
    if (!(maxOutOfOrdernessMs >= 0) || !Number.isFinite(maxOutOfOrdernessMs)) {
      throw new InvalidOptionError(
        'maxOutOfOrdernessMs',
        `must be a finite number of milliseconds >= 0, got ${String(maxOutOfOrdernessMs)}`,
      );
    }
    this.#maxOutOfOrdernessMs = maxOutOfOrdernessMs;
  }

  /** Takes one row's time; non-finite times (a NULL time column) are ignored. */
  observe(timeMs: number): void {
    if (timeMs > this.#maxTimeMs && timeMs !== Number.POSITIVE_INFINITY) this.#maxTimeMs = timeMs;
  }

  /** The largest time observed minus the bound; `-Infinity` before any row. */
  get current(): number {
    return this.#maxTimeMs - this.#maxOutOfOrdernessMs;
  }
}
