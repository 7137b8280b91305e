import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants, requireNumeric } from './checks.js';
import { CompensatedSum } from './compensated-sum.js';
import { DistinctAccumulator } from './distinct.js';

/** The running state of `AVG(x)`: a compensated sum and the count of non-null values. */
export class AvgAccumulator implements Accumulator {
  readonly #sum = new CompensatedSum();
  #count = 0;

  add(value: unknown): void {
    if (value === null) return;
    this.#sum.add(value as number);
    this.#count++;
  }

  remove(value: unknown): void {
    if (value === null) return;
    this.#sum.add(value as number, -1);
    this.#count--;
  }

  merge(other: Accumulator): void {
    const that = other as AvgAccumulator;
    this.#sum.merge(that.#sum);
    this.#count += that.#count;
  }

  result(): number | null {
    return this.#count === 0 ? null : this.#sum.value() / this.#count;
  }
}

/**
 * `AVG([DISTINCT] x)` over numbers → DOUBLE (also for integer arguments: `AVG` of 1 and 2 is
 * 1.5); NULLs ignored, NULL when there is no non-null row; supports `remove`.
 *
 * @example
 * ```ts
 * const acc = AVG.create([], false);
 * acc.add(1); acc.add(2);
 * acc.result(); // 1.5
 * ```
 */
export const AVG: AggregateFunction = {
  name: 'AVG',
  signature: 'AVG([DISTINCT] numeric)',
  constantArgs: 0,
  allowsDistinct: true,
  allowsStar: false,
  resultType: (argType) => requireNumeric('AVG', argType, () => 'DOUBLE'),
  checkConstants: (constants) => noConstants('AVG', constants),
  create: (_constants, distinct) =>
    distinct ? new DistinctAccumulator(new AvgAccumulator()) : new AvgAccumulator(),
};
