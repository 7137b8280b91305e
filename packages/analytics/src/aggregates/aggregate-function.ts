import type { SqlType } from '../types.js';

/**
 * The running state of one aggregate in one window and group. The engine calls `add` once per
 * input row with the evaluated argument (`null` for SQL NULL: every aggregate but `COUNT(*)`
 * ignores NULLs, as SQL says), `merge` when two session windows join, `result` when the window
 * fires (early results may call it several times; it must not change the state).
 */
export interface Accumulator {
  /** Takes one row's argument value. `COUNT(*)` gets `null` and counts it. */
  add(value: unknown): void;
  /**
   * Takes back a value given to `add` earlier (sliding windows evict rows this way). Present only
   * where it is exact and cheap (COUNT, SUM, AVG); otherwise the engine recomputes from the rows
   * still in the window.
   */
  remove?(value: unknown): void;
  /** Folds another accumulator of the same function (and constant arguments) into this one. */
  merge(other: Accumulator): void;
  /** The aggregate's value now. SQL NULL (`null`) where SQL says so: SUM/AVG/MIN/MAX of no rows. */
  result(): unknown;
}

/**
 * An aggregate function the SQL can call: its checks and its accumulator factory. Constant
 * arguments (the `k` of `TOP_K`, the `0.99` of `APPROX_PERCENTILE(x, 0.99)`) are given to
 * `create`; only the first argument varies per row.
 */
export interface AggregateFunction {
  /** Upper-cased SQL name, e.g. `COUNT`, `APPROX_COUNT_DISTINCT`. */
  readonly name: string;
  /** How to write a call, for error messages: `APPROX_PERCENTILE(numeric, fraction)`. */
  readonly signature: string;
  /** Number of constant arguments after the per-row one (0 for COUNT/SUM/...). */
  readonly constantArgs: number;
  /** Whether `DISTINCT` is allowed (`COUNT(DISTINCT x)`). */
  readonly allowsDistinct: boolean;
  /** Whether `*` is allowed (`COUNT(*)`). */
  readonly allowsStar: boolean;
  /**
   * The result type for the per-row argument's type, or a message saying why that type is wrong
   * (`SUM needs a numeric argument, got VARCHAR`). `argType` is `null` for `COUNT(*)`.
   */
  resultType(argType: SqlType | null): SqlType | { readonly error: string };
  /**
   * Checks the constant arguments (already evaluated literals); returns a message when one is
   * wrong (`APPROX_PERCENTILE's fraction must be in [0, 1], got 1.5`), otherwise `undefined`.
   */
  checkConstants(constants: readonly unknown[]): string | undefined;
  /** A fresh accumulator. `distinct` is true for `FN(DISTINCT x)`. */
  create(constants: readonly unknown[], distinct: boolean): Accumulator;
}
