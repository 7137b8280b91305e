import type {
  CompiledExpression,
  Evaluate,
  ExpressionScope,
} from '../expressions/expression-scope.js';
import type { Expr } from '../sql/ast.js';
import type { PrepareRows, Row } from './query-plan.js';
import { propertyReader } from './row-keys.js';

/**
 * What one stage evaluates per input row before its operator runs: the WHERE filter and every
 * expression that might fail on a row (a CAST, a division). These run in `prepare`, where a
 * failing row is taken out of the batch and reported, so that operators only ever call
 * functions that cannot throw (a bare column read) and never see half a row.
 */
export class StageContext {
  readonly #prefix: string;
  readonly #computed: { readonly key: string; readonly evaluate: Evaluate }[] = [];
  #filter: Evaluate | undefined;

  constructor(stageNumber: number) {
    this.#prefix = `$${stageNumber}_`;
  }

  /** A fresh row property name for values this stage computes. */
  key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /** Sets the WHERE filter (rows pass when it is TRUE). */
  filter(evaluate: Evaluate): void {
    this.#filter = evaluate;
  }

  /**
   * A reader of `compiled` for operator callbacks: the compiled function itself for expressions
   * that cannot fail (columns, literals), otherwise a read of the value `prepare` stored. Given
   * the `scope` it was compiled in, a column becomes a read of its key by name (see
   * {@link propertyReader}).
   */
  reader(expr: Expr, compiled: CompiledExpression, scope?: ExpressionScope): (row: Row) => unknown {
    if (expr.kind === 'column' && scope !== undefined) {
      // The slot compileExpression read (a substitute first, as it does): read it by name.
      const key = (scope.substitute?.(expr) ?? scope.column(expr))?.key;
      if (key !== undefined) return propertyReader(key, true);
    }
    if (
      compiled.constant ||
      expr.kind === 'column' ||
      expr.kind === 'literal' ||
      expr.kind === 'interval'
    ) {
      return compiled.evaluate;
    }
    const key = this.key(`c${this.#computed.length}`);
    this.#computed.push({ key, evaluate: compiled.evaluate });
    return (row) => row[key];
  }

  /** Whether `prepare` stores computed values in the rows. */
  get writesRows(): boolean {
    return this.#computed.length > 0;
  }

  /** The stage's `prepare`: filter, then computed values; identity when there is nothing to do. */
  prepare(): PrepareRows {
    const filter = this.#filter;
    const computed = [...this.#computed];
    if (filter === undefined && computed.length === 0) return (rows) => rows;
    return (rows, fail) => {
      const out: Row[] = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as Row;
        try {
          if (filter !== undefined && filter(row) !== true) continue;
          for (let j = 0; j < computed.length; j++) {
            const c = computed[j] as (typeof computed)[number];
            row[c.key] = c.evaluate(row);
          }
          out.push(row);
        } catch (error) {
          fail(row, error);
        }
      }
      return out;
    };
  }
}
