import { SqlValidationError } from '../errors.js';
import type { ExpressionScope, ValueSlot } from '../expressions/expression-scope.js';
import type { ColumnExpr, Expr } from '../sql/ast.js';
import { isAggregateCall } from './aggregate-calls.js';
import { findByIdentifier, identifierMatches, listNames } from './names.js';
import type { PlanColumn, StreamPlan } from './query-plan.js';

/** How a {@link streamScope} resolves names. */
export interface StreamScopeOptions {
  readonly stream: StreamPlan;
  /** Names a column may be qualified with (`"SOURCE_SQL_STREAM_001".ROWTIME`, `v.url`). */
  readonly qualifiers: readonly string[];
  /** Unknown names resolve as columns of unknown type (NULL, which fits every type) keyed by their name: a source without a schema, whose columns are checked once the schema is inferred. */
  readonly open?: boolean;
  /** Told every column key resolved (the planner collects the source columns a query reads). */
  readonly onUse?: (key: string) => void;
  /** Where the scope is used, for "aggregate not allowed in ..." messages, e.g. `WHERE`. */
  readonly context: string;
  /** Extra substitutions consulted first (window columns, computed slots). */
  readonly substitute?: (expr: Expr) => ValueSlot | undefined;
}

/** The columns a stream's rows have, as an {@link ExpressionScope}; aggregates are refused. */
export function streamScope(options: StreamScopeOptions): ExpressionScope {
  const { stream } = options;
  const all: readonly PlanColumn[] = [...stream.columns, ...stream.hiddenColumns];
  return {
    column(ref: ColumnExpr): ValueSlot | undefined {
      if (ref.table !== undefined) {
        const table = ref.table;
        if (!options.qualifiers.some((q) => identifierMatches(table, q))) {
          throw new SqlValidationError(
            table.position,
            `unknown stream "${table.name}" in "${table.name}.${ref.column.name}"; streams in scope: ${listNames(options.qualifiers)}`,
          );
        }
      }
      const column = findByIdentifier(ref.column, all, (c) => c.name, 'column');
      if (column !== undefined) {
        options.onUse?.(column.key);
        return column;
      }
      if (options.open === true) {
        options.onUse?.(ref.column.name);
        return { type: 'NULL', key: ref.column.name };
      }
      return undefined;
    },
    columnNames(): readonly string[] {
      return all.map((c) => c.name);
    },
    substitute(expr: Expr): ValueSlot | undefined {
      const slot = options.substitute?.(expr);
      if (slot !== undefined) return slot;
      if (expr.kind === 'call' && isAggregateCall(expr)) {
        throw new SqlValidationError(
          expr.position,
          `aggregate function ${expr.name} is not allowed in ${options.context}`,
        );
      }
      if (expr.kind === 'call' && expr.over !== undefined) {
        throw new SqlValidationError(
          expr.position,
          `${expr.name}(...) OVER is not allowed in ${options.context}; analytic functions go in the select list`,
        );
      }
      return undefined;
    },
  };
}
