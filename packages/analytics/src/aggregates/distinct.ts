import type { Accumulator } from './aggregate-function.js';
import { distinctKey } from './distinct-key.js';

/** An accumulator that can take values back: what {@link DistinctAccumulator} wraps. */
export type RemovableAccumulator = Accumulator & { remove(value: unknown): void };

/**
 * `FN(DISTINCT x)` for an exact, removable aggregate (COUNT, SUM, AVG): passes each distinct
 * non-null value to the inner accumulator once, and keeps how many rows carried it so that
 * removing a row (sliding windows) takes the value out of the inner aggregate only when its
 * last row goes. Memory: one `Map` entry per distinct value in the window (about 50–100 bytes
 * plus the value itself).
 */
export class DistinctAccumulator implements Accumulator {
  readonly #inner: RemovableAccumulator;
  /** Distinct key → [the first value seen under it, rows carrying it]. */
  readonly #rows = new Map<unknown, { value: unknown; rows: number }>();

  constructor(inner: RemovableAccumulator) {
    this.#inner = inner;
  }

  add(value: unknown): void {
    if (value === null) return;
    const key = distinctKey(value);
    const entry = this.#rows.get(key);
    if (entry !== undefined) {
      entry.rows += 1;
      return;
    }
    this.#rows.set(key, { value, rows: 1 });
    this.#inner.add(value);
  }

  remove(value: unknown): void {
    if (value === null) return;
    const key = distinctKey(value);
    const entry = this.#rows.get(key);
    if (entry === undefined) return;
    entry.rows -= 1;
    if (entry.rows > 0) return;
    this.#rows.delete(key);
    this.#inner.remove(entry.value);
  }

  merge(other: Accumulator): void {
    for (const [key, theirs] of (other as DistinctAccumulator).#rows) {
      const ours = this.#rows.get(key);
      if (ours !== undefined) {
        ours.rows += theirs.rows;
      } else {
        this.#rows.set(key, { value: theirs.value, rows: theirs.rows });
        this.#inner.add(theirs.value);
      }
    }
  }

  result(): unknown {
    return this.#inner.result();
  }
}
