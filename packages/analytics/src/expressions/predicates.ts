import { SqlValidationError } from '../errors.js';
import type { BetweenExpr, InExpr, LikeExpr } from '../sql/ast.js';
import type { CompiledNode } from './compiled-node.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import type { Evaluate } from './expression-scope.js';
import { compileLike, type LikeMatcher, LikePatternError } from './like.js';
import type { TypedEvaluator } from './scalar-function.js';
import { expectArgument, expectComparable } from './type-check.js';

// BETWEEN, IN and LIKE: the predicates with SQL's own NULL rules.

/** `x [NOT] BETWEEN low AND high` = `x >= low AND x <= high`, three-valued (ASYMMETRIC, as Flink). */
export function compileBetween(
  expr: BetweenExpr,
  operand: CompiledNode,
  low: CompiledNode,
  high: CompiledNode,
): TypedEvaluator {
  expectComparable('BETWEEN', operand.type, low.type, expr.position);
  expectComparable('BETWEEN', operand.type, high.type, expr.position);
  const x = operand.evaluate;
  const lo = low.evaluate;
  const hi = high.evaluate;
  const negated = expr.negated;
  return {
    type: 'BOOLEAN',
    evaluate: (row) => {
      const v = x(row);
      if (v == null) return null;
      const a = lo(row);
      const b = hi(row);
      // x >= low AND x <= high, each NULL when its bound is NULL, combined three-valued.
      const geLow = a == null ? null : (v as number) >= (a as number);
      const leHigh = b == null ? null : (v as number) <= (b as number);
      const inside =
        geLow === false || leHigh === false
          ? false
          : geLow === null || leHigh === null
            ? null
            : true;
      return inside === null ? null : inside !== negated;
    },
  };
}

/** `x [NOT] IN (...)`: TRUE on a match, else NULL if the list holds a NULL, else FALSE. A constant list is a Set. */
export function compileIn(
  expr: InExpr,
  operand: CompiledNode,
  list: readonly CompiledNode[],
): TypedEvaluator {
  for (const item of list) expectComparable('IN', operand.type, item.type, expr.position);
  const x = operand.evaluate;
  const negated = expr.negated;
  // SQL: TRUE on a match; otherwise NULL if the list holds a NULL; otherwise FALSE. A match is
  // what `=` (===) calls equal: a Set also finds NaN, so NaN is left out of it (NaN = NaN is FALSE).
  if (list.every((item) => item.constant)) {
    const values = new Set(
      list.map((item) => item.value).filter((v) => v != null && !Number.isNaN(v)),
    );
    const hasNull = list.some((item) => item.value == null);
    return {
      type: 'BOOLEAN',
      evaluate: (row) => {
        const v = x(row);
        if (v == null) return null;
        if (values.has(v)) return !negated;
        return hasNull ? null : negated;
      },
      emit: (g, t) => {
        const v = g.value(operand);
        const miss = hasNull ? 'null' : String(negated);
        g.emit(`${t} = ${v} == null ? null : ${g.ref(values)}.has(${v}) ? ${!negated} : ${miss};`);
        return t;
      },
    };
  }
  const readers = list.map((item) => item.evaluate);
  return {
    type: 'BOOLEAN',
    evaluate: (row) => {
      const v = x(row);
      if (v == null) return null;
      let sawNull = false;
      for (let i = 0; i < readers.length; i++) {
        const item = (readers[i] as Evaluate)(row);
        if (item == null) sawNull = true;
        else if (item === v) return !negated;
      }
      return sawNull ? null : negated;
    },
  };
}

/** `x [NOT] LIKE pattern [ESCAPE e]`: a constant pattern compiles once (a bad one is a SqlValidationError). */
export function compileLikeExpr(
  expr: LikeExpr,
  operand: CompiledNode,
  pattern: CompiledNode,
  escapeChar: CompiledNode | undefined,
): TypedEvaluator {
  expectArgument('LIKE', 0, operand.type, 'VARCHAR', expr.position);
  expectArgument('LIKE', 1, pattern.type, 'VARCHAR', expr.position);
  if (escapeChar !== undefined)
    expectArgument('LIKE ESCAPE', 0, escapeChar.type, 'VARCHAR', expr.position);
  const build = (p: string, e: string | null, atCompileTime: boolean): LikeMatcher => {
    try {
      return compileLike(p, e);
    } catch (error) {
      if (!(error instanceof LikePatternError)) throw error;
      if (atCompileTime) throw new SqlValidationError(expr.position, error.message);
      throw new ExpressionEvaluationError(error.message, expr.position);
    }
  };
  const negated = expr.negated;
  const read = operand.evaluate;
  const key = operand.columnKey;
  if (pattern.constant && (escapeChar === undefined || escapeChar.constant)) {
    const p = pattern.value;
    const e = escapeChar === undefined ? null : escapeChar.value;
    if (p == null || (escapeChar !== undefined && e == null))
      return { type: 'BOOLEAN', evaluate: () => null };
    const matches = build(p as string, e as string | null, true);
    return {
      type: 'BOOLEAN',
      evaluate:
        key === undefined
          ? (row) => {
              const v = read(row);
              return v == null ? null : matches(v as string) !== negated;
            }
          : (row) => {
              const v = row[key];
              return v == null ? null : matches(v as string) !== negated;
            },
      emit: (g, t) => {
        const v = g.value(operand);
        g.emit(`${t} = ${v} == null ? null : ${g.ref(matches)}(${v}) !== ${negated};`);
        return t;
      },
    };
  }
  // A pattern that varies per row: keep the last one compiled (rows often repeat it).
  const readPattern = pattern.evaluate;
  const readEscape = escapeChar?.evaluate;
  let lastPattern: string | undefined;
  let lastEscape: string | null = null;
  let last: LikeMatcher | undefined;
  return {
    type: 'BOOLEAN',
    evaluate: (row) => {
      const v = read(row);
      if (v == null) return null;
      const p = readPattern(row);
      if (p == null) return null;
      let e: string | null = null;
      if (readEscape !== undefined) {
        e = readEscape(row) as string | null;
        if (e == null) return null;
      }
      if (last === undefined || p !== lastPattern || e !== lastEscape) {
        last = build(p as string, e, false);
        lastPattern = p as string;
        lastEscape = e;
      }
      return last(v as string) !== negated;
    },
  };
}
