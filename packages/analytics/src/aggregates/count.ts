import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants } from './checks.js';
import { DistinctAccumulator } from './distinct.js';

/** `COUNT(*)`: every row, NULL or not. The cheapest accumulator there is: one increment. */
export class CountRowsAccumulator implements Accumulator {
  count = 0;

  add(_value: unknown): void {
    this.count++;
  }

  remove(_value: unknown): void {
    this.count--;
  }

  merge(other: Accumulator): void {
    this.count += (other as CountRowsAccumulator).count;
  }

  result(): number {
    return this.count;
  }
}

/** `COUNT(x)`: the rows where `x` is not NULL. */
export class CountValuesAccumulator implements Accumulator {
  count = 0;

  add(value: unknown): void {
    if (value !== null) this.count++;
  }

  remove(value: unknown): void {
    if (value !== null) this.count--;
  }

  merge(other: Accumulator): void {
    this.count += (other as CountValuesAccumulator).count;
  }

  result(): number {
    return this.count;
  }
}

/**
 * `COUNT(x)` and exact `COUNT(DISTINCT x)` → BIGINT (0 for no rows, never NULL); both can
 * `remove`. `COUNT(DISTINCT x)` keeps one `Map` entry per distinct value (see
 * {@link DistinctAccumulator}); `APPROX_COUNT_DISTINCT` is the bounded-memory alternative.
 *
 * `create` cannot tell `COUNT(*)` from `COUNT(x)` (both get `null` for some rows), so the
 * planner takes {@link COUNT_STAR} for `COUNT(*)`: `findAggregateCall('COUNT', true)` does.
 *
 * @example
 * ```ts
 * const acc = COUNT.create([], false);
 * acc.add('a');
 * acc.add(null);
 * acc.result(); // 1
 * ```
 */
export const COUNT: AggregateFunction = {
  name: 'COUNT',
  signature: 'COUNT(*) | COUNT([DISTINCT] value)',
  constantArgs: 0,
  allowsDistinct: true,
  allowsStar: true,
  resultType: () => 'BIGINT',
  checkConstants: (constants) => noConstants('COUNT', constants),
  create: (_constants, distinct) =>
    distinct ? new DistinctAccumulator(new CountValuesAccumulator()) : new CountValuesAccumulator(),
};

/**
 * `COUNT(*)` → BIGINT: counts every row, including the `null` the engine passes for `*`. Its
 * accumulator's `add` is a single increment (no allocation, no branch).
 *
 * @example
 * ```ts
 * const acc = COUNT_STAR.create([], false);
 * acc.add(null);
 * acc.result(); // 1
 * ```
 */
export const COUNT_STAR: AggregateFunction = {
  ...COUNT,
  signature: 'COUNT(*)',
  allowsDistinct: false,
  create: () => new CountRowsAccumulator(),
};
