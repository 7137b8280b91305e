import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { checkNumberConstant, requireNumeric } from './checks.js';

/**
 * The running state of `PERCENTILE_CONT(x, p)`: every non-null value (8 bytes each), sorted
 * when a result is asked for.
 */
export class PercentileContAccumulator implements Accumulator {
  readonly #fraction: number;
  readonly #values: number[] = [];
  #sorted = true;

  constructor(fraction: number) {
    this.#fraction = fraction;
  }

  add(value: unknown): void {
    if (value === null || Number.isNaN(value)) return;
    this.#values.push(value as number);
    this.#sorted = false;
  }

  merge(other: Accumulator): void {
    for (const value of (other as PercentileContAccumulator).#values) this.#values.push(value);
    this.#sorted = false;
  }

  result(): number | null {
    const values = this.#values;
    if (values.length === 0) return null;
    // Sorting in place keeps the same multiset of values: the state is unchanged.
    if (!this.#sorted) {
      values.sort((a, b) => a - b);
      this.#sorted = true;
    }
    const position = this.#fraction * (values.length - 1);
    const below = Math.floor(position);
    const low = values[below] as number;
    const high = values[Math.min(below + 1, values.length - 1)] as number;
    return position === below ? low : low + (high - low) * (position - below);
  }
}

/**
 * `PERCENTILE_CONT(x, p)` → DOUBLE: the exact p-quantile of the non-null values, interpolated
 * linearly between the two nearest ranks (as SQL's `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY
 * x)`); NULL for no rows; NaN ignored. Keeps every value of the window and group (8 bytes
 * each): for large windows prefer `APPROX_PERCENTILE`. No `remove`.
 *
 * @example
 * ```ts
 * const acc = PERCENTILE_CONT.create([0.5], false);
 * for (const ms of [10, 20]) acc.add(ms);
 * acc.result(); // 15
 * ```
 */
export const PERCENTILE_CONT: AggregateFunction = {
  name: 'PERCENTILE_CONT',
  signature: 'PERCENTILE_CONT(numeric, fraction)',
  constantArgs: 1,
  allowsDistinct: false,
  allowsStar: false,
  resultType: (argType) => requireNumeric('PERCENTILE_CONT', argType, () => 'DOUBLE'),
  checkConstants: (constants) =>
    checkNumberConstant('PERCENTILE_CONT', 'fraction', constants, {
      min: 0,
      max: 1,
      integer: false,
    }),
  create: (constants) => new PercentileContAccumulator(constants[0] as number),
};
