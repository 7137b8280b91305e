import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { checkNumberConstant, requireNumeric } from './checks.js';
import { QuantileSketch } from './quantile-sketch.js';

/** The running state of `APPROX_PERCENTILE(x, p)`: one {@link QuantileSketch}. */
export class ApproxPercentileAccumulator implements Accumulator {
  readonly sketch = new QuantileSketch();
  readonly #fraction: number;

  constructor(fraction: number) {
    this.#fraction = fraction;
  }

  add(value: unknown): void {
    if (value !== null) this.sketch.add(value as number);
  }

  merge(other: Accumulator): void {
    this.sketch.merge((other as ApproxPercentileAccumulator).sketch);
  }

  result(): number | null {
    return this.sketch.quantile(this.#fraction);
  }
}

/**
 * `APPROX_PERCENTILE(x, p)` → DOUBLE: the p-quantile of the non-null values (p a constant in
 * [0, 1]: 0.5 the median, 0.99 the 99th percentile), NULL for no rows. The result is within
 * 1 % relative error of the exact value of rank `⌊p·(n−1)⌋` in sorted order (see
 * {@link QuantileSketch}), in a few KiB per group however many rows; mergeable; no `remove`.
 *
 * @example
 * ```ts
 * const acc = APPROX_PERCENTILE.create([0.5], false);
 * for (const ms of [12, 15, 200]) acc.add(ms);
 * acc.result(); // ≈ 15 (within 1 %)
 * ```
 */
export const APPROX_PERCENTILE: AggregateFunction = {
  name: 'APPROX_PERCENTILE',
  signature: 'APPROX_PERCENTILE(numeric, fraction)',
  constantArgs: 1,
  allowsDistinct: false,
  allowsStar: false,
  resultType: (argType) => requireNumeric('APPROX_PERCENTILE', argType, () => 'DOUBLE'),
  checkConstants: (constants) =>
    checkNumberConstant('APPROX_PERCENTILE', 'fraction', constants, {
      min: 0,
      max: 1,
      integer: false,
    }),
  create: (constants) => new ApproxPercentileAccumulator(constants[0] as number),
};
