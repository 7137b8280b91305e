import type { Accumulator } from '../aggregates/aggregate-function.js';

/**
 * One aggregate call of a query (`COUNT(*)`, `SUM(bytes)`), as the planner compiles it: a factory
 * for a fresh accumulator per window and group, and the per-row argument (`null` for `COUNT(*)`
 * and SQL NULL).
 *
 * @example
 * ```ts
 * const sumBytes: AggregateSlot<Visit> = { create: () => sum.create([], false), argOf: (v) => v.bytes };
 * ```
 */
export interface AggregateSlot<Row> {
  /** A fresh accumulator; called once per (window, group). */
  create(): Accumulator;
  /** The aggregate's argument for one row. Called once per row, even when the row is in several windows. */
  argOf(row: Row): unknown;
}
