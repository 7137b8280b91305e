import type { SourcePosition } from '../../../src/errors.js';
import type { BinaryOp, Expr, LiteralExpr, TimeUnit } from '../../../src/sql/ast.js';

/**
 * Hand-built syntax trees for the expression tests (which must not depend on the parser). Each
 * builder takes a position where the tests check positions in error messages.
 */

/** A place on line 1 at `column`. */
export const at = (column: number): SourcePosition => ({ line: 1, column, offset: column - 1 });
export const P = at(1);

/** A literal typed as the parser types it (whole numbers INTEGER). */
export const lit = (value: LiteralExpr['value'], position = P): Expr => ({
  kind: 'literal',
  value,
  position,
  type:
    value === null
      ? 'NULL'
      : typeof value === 'string'
        ? 'VARCHAR'
        : typeof value === 'boolean'
          ? 'BOOLEAN'
          : Number.isInteger(value)
            ? 'INTEGER'
            : 'DOUBLE',
});
export const dbl = (value: number): Expr => ({
  kind: 'literal',
  value,
  type: 'DOUBLE',
  position: P,
});
export const col = (name: string, position = P): Expr => ({
  kind: 'column',
  column: { name, quoted: false, position },
  position,
});
export const call = (name: string, args: Expr[], position = P): Expr => ({
  kind: 'call',
  name,
  args,
  star: false,
  distinct: false,
  position,
});
export const bin = (op: BinaryOp, left: Expr, right: Expr, position = P): Expr => ({
  kind: 'binary',
  op,
  left,
  right,
  position,
});
export const cast = (operand: Expr, type: string): Expr => ({
  kind: 'cast',
  operand,
  type: { name: type, params: [], position: P },
  position: P,
});
export const floorTo = (operand: Expr, unit: TimeUnit, fn: 'FLOOR' | 'CEIL' = 'FLOOR'): Expr => ({
  kind: 'floor-to',
  fn,
  operand,
  unit,
  position: P,
});
export const extract = (unit: TimeUnit, operand: Expr): Expr => ({
  kind: 'extract',
  unit,
  operand,
  position: P,
});
export const step = (operand: Expr, ms: number): Expr => ({
  kind: 'step',
  operand,
  interval: { kind: 'interval', ms, text: `INTERVAL '${ms / 1000}' SECOND`, position: P },
  position: P,
});
