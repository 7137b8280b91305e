import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants, requireNumeric } from './checks.js';
import { CompensatedSum } from './compensated-sum.js';
import { DistinctAccumulator } from './distinct.js';

/**
 * The running state of `SUM(x)`: a {@link CompensatedSum} and how many non-null values are in
 * it (so that removing the last one gives NULL again, as SQL's SUM of no rows).
 */
export class SumAccumulator implements Accumulator {
  protected readonly sum = new CompensatedSum();
  protected count = 0;

  add(value: unknown): void {
    if (value === null) return;
    this.sum.add(value as number);
    this.count++;
  }

  remove(value: unknown): void {
    if (value === null) return;
    this.sum.add(value as number, -1);
    this.count--;
  }

  merge(other: Accumulator): void {
    const that = other as SumAccumulator;
    this.sum.merge(that.sum);
    this.count += that.count;
  }

  result(): number | null {
    return this.count === 0 ? null : this.sum.value();
  }
}

/**
 * `SUM([DISTINCT] x)` over numbers: BIGINT for INTEGER/BIGINT arguments, DOUBLE for DOUBLE;
 * NULLs ignored, NULL when there is no non-null row; supports `remove`. Doubles are summed with
 * Neumaier compensation so sliding windows that add and remove millions of values do not drift.
 * Integer sums are exact while they stay within ±2^53.
 *
 * @example
 * ```ts
 * const acc = SUM.create([], false);
 * acc.add(2); acc.add(null); acc.add(3);
 * acc.result(); // 5
 * ```
 */
export const SUM: AggregateFunction = {
  name: 'SUM',
  signature: 'SUM([DISTINCT] numeric)',
  constantArgs: 0,
  allowsDistinct: true,
  allowsStar: false,
  resultType: (argType) =>
    requireNumeric('SUM', argType, (type) => (type === 'DOUBLE' ? 'DOUBLE' : 'BIGINT')),
  checkConstants: (constants) => noConstants('SUM', constants),
  create: (_constants, distinct) =>
    distinct ? new DistinctAccumulator(new SumAccumulator()) : new SumAccumulator(),
};
