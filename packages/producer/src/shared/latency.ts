/** Latency percentiles over the most recent samples (a ring buffer: memory stays bounded). */
export class LatencyWindow {
  readonly #samples: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 4096) {
    this.#samples = new Float64Array(size);
  }

  add(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#count = Math.min(this.#count + 1, this.#samples.length);
  }

  /** p50 and p99 in milliseconds; zero before the first sample. */
  percentiles(): { p50: number; p99: number } {
    if (this.#count === 0) return { p50: 0, p99: 0 };
    const sorted = this.#samples.slice(0, this.#count).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99) };
  }
}
