import { AGGREGATE_FUNCTIONS } from '../aggregates/registry.js';
import { SqlValidationError } from '../errors.js';
import type { BinaryExpr, CallExpr, ColumnExpr, Expr, UnaryExpr } from '../sql/ast.js';
import { compileCase, compileCast } from './case-and-cast.js';
import { closestNames } from './closest-names.js';
import { generateEvaluate } from './code-generator.js';
import {
  type CompiledNode,
  columnNode,
  computedNode,
  constantNode,
  type Emit,
  foldConstant,
} from './compiled-node.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import type { CompiledExpression, Evaluate, ExpressionScope } from './expression-scope.js';
import {
  and,
  compileArithmetic,
  compileComparison,
  compileConcat,
  emitLogic,
  isComparison,
  not,
  or,
} from './operators.js';
import { compileBetween, compileIn, compileLikeExpr } from './predicates.js';
import type { TypedEvaluator } from './scalar-function.js';
import { scalarFunction, scalarFunctionNames } from './scalar-functions.js';
import { compileExtract, compileFloorTo, compileStep } from './time-expressions.js';
import { expectArgument, expectArgumentCount } from './type-check.js';

const isEvaluationError = (error: unknown) => error instanceof ExpressionEvaluationError;

/**
 * Type-checks a scalar expression and compiles it into a function of a row. Names are resolved
 * through `scope`, which is asked first about every node (`substitute`): the planner hands in
 * the values of aggregates and grouping expressions it computed. Constant subtrees are evaluated
 * once (`constant: true` when the whole expression is).
 *
 * Semantics: SQL three-valued logic (NULL in, NULL out; `FALSE AND NULL` is FALSE, `TRUE OR
 * NULL` is TRUE); integer operands divide as integers (truncating, as Flink and KDA); integer
 * division or remainder by zero fails the row (Flink raises ArithmeticException); DOUBLE
 * division by zero gives ±Infinity or NaN (IEEE 754, as Java). Times are UTC epoch milliseconds.
 *
 * Throws {@link SqlValidationError} for unknown columns and functions, wrong argument types and
 * aggregates that reached here; the returned `evaluate` throws {@link ExpressionEvaluationError}
 * for a row it cannot evaluate (an invalid CAST of a value, ...), which the engine routes to
 * `error_stream`.
 *
 * @example
 * ```ts
 * const filter = compileExpression(whereExpr, scope);
 * for (const row of batch) if (filter.evaluate(row) === true) emit(row);
 * ```
 */
export function compileExpression(expr: Expr, scope: ExpressionScope): CompiledExpression {
  const node = compileNode(expr, scope);
  return { type: node.type, evaluate: generateEvaluate(node), constant: node.constant };
}

function compileNode(expr: Expr, scope: ExpressionScope): CompiledNode {
  const substituted = scope.substitute?.(expr);
  if (substituted !== undefined) return columnNode(substituted.type, substituted.key);
  switch (expr.kind) {
    case 'literal':
      return constantNode(expr.type, expr.value);
    case 'interval':
      return constantNode('INTERVAL', expr.ms);
    case 'column':
      return compileColumn(expr, scope);
    case 'star':
      throw new SqlValidationError(
        expr.position,
        '* is only allowed in a select list and in COUNT(*)',
      );
    default: {
      const [typed, inputs] = compileComposite(expr, scope);
      return foldConstant(
        computedNode(typed.type, typed.evaluate, inputs, typed.emit),
        isEvaluationError,
      );
    }
  }
}

function compileColumn(expr: ColumnExpr, scope: ExpressionScope): CompiledNode {
  const slot = scope.column(expr);
  if (slot === undefined) {
    const name =
      expr.table === undefined ? expr.column.name : `${expr.table.name}.${expr.column.name}`;
    throw new SqlValidationError(
      expr.position,
      `unknown column "${name}"; columns in scope: ${scope.columnNames().join(', ') || '(none)'}`,
    );
  }
  return columnNode(slot.type, slot.key);
}

type Composite = Exclude<Expr, { kind: 'literal' | 'interval' | 'column' | 'star' }>;

/** The node's evaluator and the inputs it depends on (constant when all of them are). */
function compileComposite(
  expr: Composite,
  scope: ExpressionScope,
): [TypedEvaluator, CompiledNode[]] {
  const compile = (e: Expr) => compileNode(e, scope);
  switch (expr.kind) {
    case 'unary': {
      const operand = compile(expr.operand);
      return [compileUnary(expr, operand), [operand]];
    }
    case 'binary': {
      const left = compile(expr.left);
      const right = compile(expr.right);
      return [compileBinary(expr, left, right), [left, right]];
    }
    case 'is-null': {
      const operand = compile(expr.operand);
      const key = operand.columnKey;
      const read = operand.evaluate;
      const evaluate: Evaluate = expr.negated
        ? key === undefined
          ? (row) => read(row) != null
          : (row) => row[key] != null
        : key === undefined
          ? (row) => read(row) == null
          : (row) => row[key] == null;
      const test = expr.negated ? '!=' : '==';
      const emit: Emit = (g, t) => {
        g.emit(`${t} = ${g.value(operand)} ${test} null;`);
        return t;
      };
      return [{ type: 'BOOLEAN', evaluate, emit }, [operand]];
    }
    case 'between': {
      const nodes = [compile(expr.operand), compile(expr.low), compile(expr.high)] as const;
      return [compileBetween(expr, ...nodes), [...nodes]];
    }
    case 'in': {
      const operand = compile(expr.operand);
      const list = expr.list.map(compile);
      return [compileIn(expr, operand, list), [operand, ...list]];
    }
    case 'like': {
      const operand = compile(expr.operand);
      const pattern = compile(expr.pattern);
      const escapeChar = expr.escape === undefined ? undefined : compile(expr.escape);
      const inputs = escapeChar === undefined ? [operand, pattern] : [operand, pattern, escapeChar];
      return [compileLikeExpr(expr, operand, pattern, escapeChar), inputs];
    }
    case 'case':
      return compileCase(expr, compile);
    case 'cast': {
      const operand = compile(expr.operand);
      return [compileCast(expr, operand), [operand]];
    }
    case 'call':
      return compileCall(expr, compile);
    case 'floor-to': {
      const operand = compile(expr.operand);
      return [compileFloorTo(expr, operand), [operand]];
    }
    case 'extract': {
      const operand = compile(expr.operand);
      return [compileExtract(expr, operand), [operand]];
    }
    case 'step': {
      const operand = compile(expr.operand);
      return [compileStep(expr, operand), [operand]];
    }
  }
}

function compileUnary(expr: UnaryExpr, operand: CompiledNode): TypedEvaluator {
  const read = operand.evaluate;
  if (expr.op === 'NOT') {
    expectArgument('NOT', 0, operand.type, 'BOOLEAN', expr.position);
    const emit: Emit = (g, t) => {
      const v = g.value(operand);
      g.emit(`${t} = ${v} == null ? null : !${v};`);
      return t;
    };
    return { type: 'BOOLEAN', evaluate: not(read), emit };
  }
  if (operand.type !== 'INTERVAL')
    expectArgument(`unary ${expr.op}`, 0, operand.type, 'numeric', expr.position);
  const type = operand.type === 'NULL' ? 'INTEGER' : operand.type;
  if (expr.op === '+') return { type, evaluate: read };
  return {
    type,
    evaluate: (row) => {
      const v = read(row);
      return v == null ? null : 0 - (v as number);
    },
    emit: (g, t) => {
      const v = g.value(operand);
      g.emit(`${t} = ${v} == null ? null : 0 - ${v};`);
      return t;
    },
  };
}

function compileBinary(expr: BinaryExpr, left: CompiledNode, right: CompiledNode): TypedEvaluator {
  const { op } = expr;
  if (op === 'AND' || op === 'OR') {
    expectArgument(op, 0, left.type, 'BOOLEAN', expr.position);
    expectArgument(op, 1, right.type, 'BOOLEAN', expr.position);
    return {
      type: 'BOOLEAN',
      evaluate:
        op === 'AND' ? and(left.evaluate, right.evaluate) : or(left.evaluate, right.evaluate),
      emit: emitLogic(op, left, right),
    };
  }
  if (op === '||') return compileConcat(expr, left, right);
  if (isComparison(op)) return compileComparison(op, left, right, expr);
  return compileArithmetic(expr as BinaryExpr & { op: typeof op }, left, right);
}

function compileCall(
  expr: CallExpr,
  compile: (e: Expr) => CompiledNode,
): [TypedEvaluator, CompiledNode[]] {
  const fn = scalarFunction(expr.name);
  // Checked before the arguments: `SUM(x)` in a WHERE is about the aggregate, not about x.
  if (expr.over !== undefined) {
    throw new SqlValidationError(expr.position, `window function ${expr.name} is not allowed here`);
  }
  if (fn === undefined) {
    // AGGREGATE_FUNCTIONS only to say "not allowed here" instead of "unknown function".
    if (AGGREGATE_FUNCTIONS.has(expr.name) || expr.star || expr.distinct) {
      throw new SqlValidationError(expr.position, `aggregate ${expr.name} is not allowed here`);
    }
    throw new SqlValidationError(
      expr.position,
      `unknown function ${expr.name}; closest known functions: ${closestNames(expr.name, scalarFunctionNames()).join(', ')}`,
    );
  }
  if (expr.star || expr.distinct) {
    throw new SqlValidationError(
      expr.position,
      `${expr.name} is a scalar function: it takes no ${expr.star ? '*' : 'DISTINCT'}; ${fn.signature}`,
    );
  }
  const args = expr.args.map(compile);
  expectArgumentCount(fn.name, args.length, fn.minArgs, fn.maxArgs, fn.signature, expr.position);
  return [fn.compile(args, expr), args];
}
