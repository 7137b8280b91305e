import type { AggregateFunction } from './aggregate-function.js';
import { noConstants, requireNumeric } from './checks.js';
import { DistinctAccumulator } from './distinct.js';
import { SumAccumulator } from './sum.js';

/** The running state of `AVG(x)`: SUM's compensated sum and count, divided. */
export class AvgAccumulator extends SumAccumulator {
  override result(): number | null {
    return this.count === 0 ? null : this.sum.value() / this.count;
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
