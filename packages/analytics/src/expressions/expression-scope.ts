import type { ColumnExpr, Expr } from '../sql/ast.js';
import type { SqlType } from '../types.js';

/** Where a value comes from in a row: its SQL type and the row property holding it. */
export interface ValueSlot {
  readonly type: SqlType;
  /** The value is `row[key]`. */
  readonly key: string;
}

/**
 * What the planner knows about the names an expression may use. {@link compileExpression} asks it
 * about every column reference, and first of all whether a node was computed already.
 */
export interface ExpressionScope {
  /**
   * The column a reference means, or `undefined` when there is none (the compiler then throws
   * `unknown column "x"; columns in scope: a, b, c` using {@link ExpressionScope.columnNames}).
   */
  column(ref: ColumnExpr): ValueSlot | undefined;
  /** The names to list when a column is unknown. */
  columnNames(): readonly string[];
  /**
   * Consulted first for every node: the planner substitutes aggregate calls, `window_start`,
   * `STEP(...)` / `FLOOR(ROWTIME TO ...)` grouping expressions with values it computed.
   */
  substitute?(expr: Expr): ValueSlot | undefined;
}

/** Reads one row's value of an expression. Rows are plain objects keyed by column `key`. */
export type Evaluate = (row: Record<string, unknown>) => unknown;

/** A type-checked scalar expression, ready to run per row. */
export interface CompiledExpression {
  /** The SQL type of the values `evaluate` returns (`null` is SQL NULL in every type). */
  readonly type: SqlType;
  /**
   * The value for one row. Throws {@link ExpressionEvaluationError} when the row cannot be
   * evaluated (invalid CAST of a value, integer division by zero, ...).
   */
  readonly evaluate: Evaluate;
  /** Whether the value is the same for every row (the expression was folded at compile time). */
  readonly constant: boolean;
}
