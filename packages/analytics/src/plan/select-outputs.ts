import { SqlValidationError } from '../errors.js';
import { compileExpression } from '../expressions/compile-expression.js';
import type { ExpressionScope } from '../expressions/expression-scope.js';
import type { Expr, SelectItem } from '../sql/ast.js';
import { identifierMatches, listNames } from './names.js';
import type { SelectOutput } from './output-columns.js';
import type { StreamPlan } from './query-plan.js';

/** A SELECT item's value, with the expression it came from (`undefined` for `*` columns). */
export interface CompiledItem extends SelectOutput {
  readonly expr: Expr | undefined;
}

/**
 * Compiles a select list against `scope`. `*` (and `t.*`) expands to the input's columns (not
 * ROWTIME and the other metadata columns, as in KDA) when `input` is given; otherwise it is
 * refused with `starMessage`. Unnamed values are called as the column they read, else `EXPR$n`.
 */
export function compileSelectItems(
  items: readonly SelectItem[],
  scope: ExpressionScope,
  star:
    | { readonly input: StreamPlan; readonly qualifiers: readonly string[] }
    | { readonly refuse: string },
  nameOf: (expr: Expr) => string | undefined = () => undefined,
): CompiledItem[] {
  const outputs: CompiledItem[] = [];
  items.forEach((item, index) => {
    if (item.kind === 'star') {
      if ('refuse' in star) throw new SqlValidationError(item.position, star.refuse);
      const table = item.table;
      if (table !== undefined && !star.qualifiers.some((q) => identifierMatches(table, q))) {
        throw new SqlValidationError(
          table.position,
          `unknown stream "${table.name}" in "${table.name}.*"; streams in scope: ${listNames(star.qualifiers)}`,
        );
      }
      for (const column of star.input.columns) {
        const key = column.key;
        outputs.push({
          name: column.name,
          type: column.type,
          evaluate: (row) => row[key],
          position: item.position,
          expr: undefined,
        });
      }
      return;
    }
    const compiled = compileExpression(item.expr, scope);
    const name =
      item.alias?.name ??
      nameOf(item.expr) ??
      (item.expr.kind === 'column' ? item.expr.column.name : `EXPR$${index}`);
    outputs.push({
      name,
      type: compiled.type,
      evaluate: compiled.evaluate,
      position: item.position,
      expr: item.expr,
    });
  });
  return outputs;
}

/** Throws unless a WHERE/HAVING condition is BOOLEAN. */
export function requireBoolean(type: string, clause: string, expr: Expr): void {
  if (type !== 'BOOLEAN' && type !== 'NULL' && type !== 'ANY') {
    throw new SqlValidationError(expr.position, `${clause} needs a BOOLEAN condition, got ${type}`);
  }
}
