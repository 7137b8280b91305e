import type { AggregateFunction } from './aggregate-function.js';
import { APPROX_COUNT_DISTINCT } from './approx-count-distinct.js';
import { APPROX_PERCENTILE } from './approx-percentile.js';
import { AVG } from './avg.js';
import { COUNT, COUNT_STAR } from './count.js';
import { FIRST_VALUE, LAST_VALUE } from './first-last-value.js';
import { MAX, MIN } from './min-max.js';
import { PERCENTILE_CONT } from './percentile-cont.js';
import { SUM } from './sum.js';
import { TOP_K } from './top-k.js';
import { STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP } from './variance.js';

/**
 * Every aggregate function the SQL can call, by upper-case name. KDA's table functions
 * `TOP_K_ITEMS_TUMBLING` and `COUNT_DISTINCT_ITEMS_TUMBLING` are not here: the planner
 * rewrites them into `TOP_K` and `APPROX_COUNT_DISTINCT` over a tumbling window.
 */
export const AGGREGATE_FUNCTIONS: ReadonlyMap<string, AggregateFunction> = new Map(
  [
    COUNT,
    SUM,
    AVG,
    MIN,
    MAX,
    APPROX_COUNT_DISTINCT,
    TOP_K,
    APPROX_PERCENTILE,
    PERCENTILE_CONT,
    VAR_POP,
    VAR_SAMP,
    STDDEV_POP,
    STDDEV_SAMP,
    FIRST_VALUE,
    LAST_VALUE,
  ].map((fn) => [fn.name, fn] as const),
);

/**
 * The aggregate function called `name` (any case), or `undefined` when `name` is not an
 * aggregate (a scalar function, or unknown: the caller says which).
 *
 * @example
 * ```ts
 * findAggregate('count')?.name; // 'COUNT'
 * findAggregate('upper'); // undefined
 * ```
 */
export function findAggregate(name: string): AggregateFunction | undefined {
  return AGGREGATE_FUNCTIONS.get(name.toUpperCase());
}

/**
 * The aggregate function for one call: as {@link findAggregate}, except that `COUNT(*)` (`star`
 * true) gets {@link COUNT_STAR}, whose accumulator counts the `null` passed for `*` — a
 * `COUNT(x)` accumulator skips it, and `create` alone cannot tell the two apart.
 *
 * @example
 * ```ts
 * findAggregateCall('COUNT', true) === COUNT_STAR; // true
 * ```
 */
export function findAggregateCall(name: string, star: boolean): AggregateFunction | undefined {
  const fn = findAggregate(name);
  return star && fn === COUNT ? COUNT_STAR : fn;
}
