import type { QueryOutput } from '@kinesis-kit/analytics';
import type { WindowCountRow } from './queries.js';

/** A URL's visits in one window. */
export interface WindowCount {
  readonly startMs: number;
  readonly visitors: number;
}

interface Entry {
  visitors: number;
  revision: number;
  final: boolean;
}

/**
 * The window query's results as the dashboard reads them: per window and URL, the latest
 * revision (partial counts while a window is open, then its final count, then updates if late
 * visits change it). Windows older than `retentionMs` behind the newest are dropped.
 */
export class WindowCounts {
  readonly #retentionMs: number;
  readonly #windows = new Map<number, Map<string, Entry>>();
  #newestStartMs = Number.NEGATIVE_INFINITY;

  constructor(options: { readonly retentionMs: number }) {
    this.#retentionMs = options.retentionMs;
  }

  /** Takes a batch of the query's outputs (the sink calls it). */
  apply(outputs: readonly QueryOutput[]): void {
    for (const output of outputs) {
      const row = output.row as unknown as WindowCountRow;
      const startMs = row.window_start.getTime();
      if (startMs < this.#oldestStartMs()) continue;
      let counts = this.#windows.get(startMs);
      if (counts === undefined) {
        counts = new Map();
        this.#windows.set(startMs, counts);
      }
      const entry = counts.get(row.url);
      if (entry !== undefined && entry.revision > output.revision) continue;
      counts.set(row.url, {
        visitors: Number(row.visits),
        revision: output.revision,
        final: output.kind !== 'early',
      });
      if (startMs > this.#newestStartMs) this.#newestStartMs = startMs;
    }
    const oldest = this.#oldestStartMs();
    for (const startMs of this.#windows.keys()) {
      if (startMs < oldest) this.#windows.delete(startMs);
    }
  }

  #oldestStartMs(): number {
    return this.#newestStartMs - this.#retentionMs;
  }

  /** A URL's count per window kept, oldest first. */
  windowsOf(url: string): WindowCount[] {
    return [...this.#windows]
      .filter(([, counts]) => counts.has(url))
      .sort(([a], [b]) => a - b)
      .map(([startMs, counts]) => ({ startMs, visitors: (counts.get(url) as Entry).visitors }));
  }

  /** A URL's count in the window starting at `startMs` (undefined: none yet). */
  visitorsIn(startMs: number, url: string): number | undefined {
    return this.#windows.get(startMs)?.get(url)?.visitors;
  }

  /** Whether the window has fired (its count is final, or updated by late visits). */
  isFinal(startMs: number, url: string): boolean {
    return this.#windows.get(startMs)?.get(url)?.final ?? false;
  }

  /** The starts of the newest `n` windows, newest first. */
  newestStarts(n: number): number[] {
    return [...this.#windows.keys()].sort((a, b) => b - a).slice(0, n);
  }
}
