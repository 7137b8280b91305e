/** Latency percentiles over the most recent deliveries, in milliseconds. */
export interface LatencySnapshot {
  /** How many deliveries the percentiles cover (at most the window). */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The last `size` latencies in a ring, so memory stays fixed however long the stream runs;
 * percentiles by the nearest-rank method.
 *
 * @example
 * ```ts
 * const window = new LatencyWindow(1000);
 * window.record(12);
 * window.snapshot().p50; // 12
 * ```
 */
export class LatencyWindow {
  readonly #values: number[] = [];
  readonly #size: number;
  #next = 0;

  constructor(size: number) {
    this.#size = size;
  }

  record(latencyMs: number): void {
    if (this.#values.length < this.#size) this.#values.push(latencyMs);
    else this.#values[this.#next] = latencyMs;
    this.#next = (this.#next + 1) % this.#size;
  }

  snapshot(): LatencySnapshot {
    const sorted = [...this.#values].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
    return {
      count: sorted.length,
      p50: rank(0.5),
      p90: rank(0.9),
      p99: rank(0.99),
      max: sorted.at(-1) ?? 0,
    };
  }
}
