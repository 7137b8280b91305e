import { findAggregate } from '../aggregates/registry.js';
import { isScalarFunction } from '../expressions/scalar-functions.js';
import type { Expr } from '../sql/ast.js';

/** Whether a call is an aggregate call without OVER (`COUNT(*)`, `SUM(x)`). */
export function isAggregateCall(expr: Expr): boolean {
  return (
    expr.kind === 'call' &&
    expr.over === undefined &&
    !isScalarFunction(expr.name) &&
    findAggregate(expr.name) !== undefined
  );
}

/** Whether a call is an analytic call over a window (`AVG(x) OVER W`). */
export function isOverCall(expr: Expr): boolean {
  return expr.kind === 'call' && expr.over !== undefined;
}

/** The direct sub-expressions of a node. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'interval':
    case 'column':
    case 'star':
      return [];
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'is-null':
      return [expr.operand];
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'in':
      return [expr.operand, ...expr.list];
    case 'like':
      return expr.escape === undefined
        ? [expr.operand, expr.pattern]
        : [expr.operand, expr.pattern, expr.escape];
    case 'case': {
      const out: Expr[] = [];
      if (expr.operand !== undefined) out.push(expr.operand);
      for (const w of expr.whens) out.push(w.when, w.then);
      if (expr.else !== undefined) out.push(expr.else);
      return out;
    }
    case 'cast':
      return [expr.operand];
    case 'call':
      return expr.args;
    case 'floor-to':
      return [expr.operand];
    case 'extract':
      return [expr.operand];
    case 'step':
      return [expr.operand, expr.interval];
    default:
      return [];
  }
}

/** Whether `expr` or any node below it satisfies `test`. */
export function containsNode(expr: Expr, test: (node: Expr) => boolean): boolean {
  if (test(expr)) return true;
  for (const child of childrenOf(expr)) if (containsNode(child, test)) return true;
  return false;
}

/** The first node (pre-order) satisfying `test`, if any. */
export function findNode(expr: Expr, test: (node: Expr) => boolean): Expr | undefined {
  if (test(expr)) return expr;
  for (const child of childrenOf(expr)) {
    const found = findNode(child, test);
    if (found !== undefined) return found;
  }
  return undefined;
}
