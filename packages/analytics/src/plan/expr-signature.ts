import type { ColumnExpr, Expr } from '../sql/ast.js';
import { childrenOf } from './aggregate-calls.js';

/**
 * A text that is equal for two expressions exactly when they mean the same thing: positions are
 * left out and column references are replaced by what they resolve to (so `url`, `"url"` and
 * `v.url` compare equal). Used to match SELECT expressions with GROUP BY expressions.
 */
export function exprSignature(expr: Expr, resolve: (ref: ColumnExpr) => string): string {
  switch (expr.kind) {
    case 'column':
      return `col(${resolve(expr)})`;
    case 'literal':
      return `lit(${expr.type}:${JSON.stringify(expr.value)})`;
    case 'interval':
      return `interval(${expr.ms})`;
    case 'star':
      return '*';
    default: {
      const head = headOf(expr);
      const parts = childrenOf(expr).map((child) => exprSignature(child, resolve));
      return `${head}(${parts.join(',')})`;
    }
  }
}

function headOf(expr: Expr): string {
  switch (expr.kind) {
    case 'unary':
    case 'binary':
      return `${expr.kind}${expr.op}`;
    case 'is-null':
    case 'between':
    case 'in':
    case 'like':
      return `${expr.kind}${expr.negated ? '!' : ''}`;
    case 'case':
      return `case${expr.operand === undefined ? '' : '+op'}${expr.else === undefined ? '' : '+else'}`;
    case 'cast':
      return `cast:${expr.type.name}(${expr.type.params.join(',')})`;
    case 'call':
      return `call:${expr.name}${expr.distinct ? ':distinct' : ''}${expr.star ? ':*' : ''}${expr.over === undefined ? '' : ':over'}`;
    case 'floor-to':
      return `${expr.fn}:${expr.unit}`;
    case 'extract':
      return `extract:${expr.unit}`;
    default:
      return expr.kind;
  }
}
