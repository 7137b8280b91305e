import type { AggregateSlot } from './aggregate-slot.js';
import type { LateRow } from './late-row.js';
import type { WindowKind } from './window-kind.js';

/**
 * One result row of a group-window aggregation: the values of one group in one window.
 * Sinks that need idempotence under at-least-once input upsert by
 * `(windowStart, windowEnd, keyValues)` and keep the highest `revision`, and delete that entry
 * on a `retract`.
 */
export interface WindowResult {
  /** Window start, epoch ms, inclusive. */
  readonly windowStart: number;
  /** Window end, epoch ms, exclusive (Flink's `window_end`; `window_time` is `windowEnd - 1`). */
  readonly windowEnd: number;
  /** The GROUP BY values, excluding the window, as `keyValuesOf` returned them. */
  readonly keyValues: readonly unknown[];
  /** One value per aggregate slot, `accumulator.result()`. */
  readonly values: readonly unknown[];
  /**
   * - `final`: the window closed (the watermark passed its end); exactly one per (window, key)
   *   whose results are not `early` — also for a group that first appears within the allowed
   *   lateness, after its window fired.
   * - `early`: a preview asked for by `emitEarly()`; a later emission supersedes it.
   * - `update`: rows within the allowed lateness changed a (window, key) that had had its `final`.
   * - `retract`: sessions only — the (window, key) with these bounds is withdrawn, because rows
   *   moved the session's bounds (or merged it into another session) after it had been emitted
   *   (`final`, `update` or `early`). It carries the bounds and values last emitted for them and
   *   comes just before the emission with the new bounds, as Flink SQL retracts an updated
   *   session row.
   */
  readonly kind: 'final' | 'early' | 'update' | 'retract';
  /**
   * 0 for the first emission of (window, key), one more for each later emission of it. A session
   * keeps counting across its bounds (and retractions): revision `n` of its new bounds follows
   * the retraction of the old ones, so the highest revision of any key is the latest word on it.
   */
  readonly revision: number;
}

/**
 * What a window aggregation needs from the planner: the window, functions compiled from the SQL,
 * and where results and late rows go. Callbacks are called synchronously, from inside
 * `process`, `advanceWatermark`, `emitEarly` and `finish`; the arrays handed to them are fresh
 * and the callee may keep them.
 */
export interface WindowAggregationOptions<Row> {
  /** The windows to cut time into. */
  readonly window: WindowKind;
  /** The row's time (event-time column or `ROWTIME`), epoch ms. */
  timeOf(row: Row): number;
  /** The group key as a primitive: `''` without GROUP BY, a joined string for several columns. */
  keyOf(row: Row): string | number;
  /** The GROUP BY values; called once when a group first appears in a window. */
  keyValuesOf(row: Row): readonly unknown[];
  /** The aggregate calls, in SELECT order. */
  readonly aggregates: readonly AggregateSlot<Row>[];
  /**
   * How long after a window fired rows may still update it (each update re-emits the window with
   * `kind: 'update'`); state is released only after that.
   * @default 0
   */
  readonly allowedLatenessMs?: number;
  /** Takes everything that fired in one call, ordered by window end, then start, then group. */
  emit(results: readonly WindowResult[]): void;
  /** Takes the rows of one `process` call that were too late for every window they belong to. */
  late(rows: readonly LateRow<Row>[]): void;
}
