import { SqlValidationError } from '../errors.js';
import type { CaseExpr, CastExpr, Expr } from '../sql/ast.js';
import { CastFailure, converter, sqlTypeOf } from './cast.js';
import type { CompiledNode } from './compiled-node.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import type { Evaluate } from './expression-scope.js';
import type { TypedEvaluator } from './scalar-function.js';
import { commonType, expectArgument, expectComparable } from './type-check.js';

// CASE (searched and simple) and CAST.

/** Searched and simple CASE: the first branch whose condition is TRUE (or whose value equals the operand); NULL never matches. */
export function compileCase(
  expr: CaseExpr,
  compile: (e: Expr) => CompiledNode,
): [TypedEvaluator, CompiledNode[]] {
  const operand = expr.operand === undefined ? undefined : compile(expr.operand);
  const whens = expr.whens.map((w) => compile(w.when));
  const thens = expr.whens.map((w) => compile(w.then));
  const otherwise = expr.else === undefined ? undefined : compile(expr.else);
  whens.forEach((when, i) => {
    if (operand === undefined) expectArgument('CASE WHEN', i, when.type, 'BOOLEAN', expr.position);
    else expectComparable('CASE', operand.type, when.type, expr.position);
  });
  const results = otherwise === undefined ? thens : [...thens, otherwise];
  const type = commonType(
    'CASE',
    results.map((r) => r.type),
    expr.position,
    'branch',
  );
  const conditions = whens.map((w) => w.evaluate);
  const values = thens.map((t) => t.evaluate);
  const fallback = otherwise?.evaluate ?? (() => null);
  const inputs = [...(operand === undefined ? [] : [operand]), ...whens, ...results];
  const count = conditions.length;
  if (operand === undefined) {
    return [
      {
        type,
        evaluate: (row) => {
          for (let i = 0; i < count; i++) {
            if ((conditions[i] as Evaluate)(row) === true) return (values[i] as Evaluate)(row);
          }
          return fallback(row);
        },
      },
      inputs,
    ];
  }
  const subject = operand.evaluate;
  return [
    {
      type,
      evaluate: (row) => {
        const v = subject(row);
        if (v != null) {
          for (let i = 0; i < count; i++) {
            if ((conditions[i] as Evaluate)(row) === v) return (values[i] as Evaluate)(row);
          }
        }
        return fallback(row);
      },
    },
    inputs,
  ];
}

/** `CAST(x AS type)`: checked at compile time; a value that does not convert fails the row (ExpressionEvaluationError). */
export function compileCast(expr: CastExpr, operand: CompiledNode): TypedEvaluator {
  const to = sqlTypeOf(expr.type);
  if (operand.type === 'NULL') return { type: to, evaluate: () => null };
  const convert = converter(operand.type, to);
  if (convert === undefined) {
    throw new SqlValidationError(
      expr.position,
      `CAST from ${operand.type} to ${to} is not supported`,
    );
  }
  const read = operand.evaluate;
  if (operand.type === to) return { type: to, evaluate: read };
  return {
    type: to,
    evaluate: (row) => {
      const v = read(row);
      if (v == null) return null;
      try {
        return convert(v);
      } catch (error) {
        if (error instanceof CastFailure)
          throw new ExpressionEvaluationError(error.message, expr.position);
        throw error;
      }
    },
  };
}
