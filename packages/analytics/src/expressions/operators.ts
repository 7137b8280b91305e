import { type SourcePosition, SqlValidationError } from '../errors.js';
import type { BinaryExpr, BinaryOp } from '../sql/ast.js';
import { isNumericType, type SqlType } from '../types.js';
import type { CompiledNode, Emit } from './compiled-node.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import type { Evaluate } from './expression-scope.js';
import type { TypedEvaluator } from './scalar-function.js';
import { expectArgument, expectComparable, numericResultType } from './type-check.js';

type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
const FLIPPED: Record<ComparisonOp, ComparisonOp> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

// One literal closure per operator (no operator dispatch per row), and a variant reading a
// column against a constant: the commonest filter shape (`url = 'x'`, `n > 3`).
function compareValues(op: ComparisonOp, l: Evaluate, r: Evaluate): Evaluate {
  switch (op) {
    case '=':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : a === b;
      };
    case '<>':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : a !== b;
      };
    case '<':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) < (b as number);
      };
    case '<=':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) <= (b as number);
      };
    case '>':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) > (b as number);
      };
    case '>=':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) >= (b as number);
      };
  }
}

function compareColumnWithConstant(
  op: ComparisonOp,
  key: string,
  k: number | string | boolean,
): Evaluate {
  switch (op) {
    case '=':
      return (row) => {
        const a = row[key];
        return a == null ? null : a === k;
      };
    case '<>':
      return (row) => {
        const a = row[key];
        return a == null ? null : a !== k;
      };
    case '<':
      return (row) => {
        const a = row[key];
        return a == null ? null : (a as number) < (k as number);
      };
    case '<=':
      return (row) => {
        const a = row[key];
        return a == null ? null : (a as number) <= (k as number);
      };
    case '>':
      return (row) => {
        const a = row[key];
        return a == null ? null : (a as number) > (k as number);
      };
    case '>=':
      return (row) => {
        const a = row[key];
        return a == null ? null : (a as number) >= (k as number);
      };
  }
}

/** A comparison of two nodes: NULL when either side is NULL. */
export function compileComparison(
  op: ComparisonOp,
  left: CompiledNode,
  right: CompiledNode,
  expr: { readonly position: SourcePosition },
): TypedEvaluator {
  expectComparable(op, left.type, right.type, expr.position);
  if (left.columnKey !== undefined && right.constant) {
    if (right.value == null) return { type: 'BOOLEAN', evaluate: () => null };
    return {
      type: 'BOOLEAN',
      evaluate: compareColumnWithConstant(op, left.columnKey, right.value as number),
      emit: emitComparison(op, left, right),
    };
  }
  if (right.columnKey !== undefined && left.constant) {
    if (left.value == null) return { type: 'BOOLEAN', evaluate: () => null };
    return {
      type: 'BOOLEAN',
      evaluate: compareColumnWithConstant(FLIPPED[op], right.columnKey, left.value as number),
      emit: emitComparison(op, left, right),
    };
  }
  return {
    type: 'BOOLEAN',
    evaluate: compareValues(op, left.evaluate, right.evaluate),
    emit: emitComparison(op, left, right),
  };
}

const JS_COMPARISON: Record<ComparisonOp, string> = {
  '=': '===',
  '<>': '!==',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function emitComparison(op: ComparisonOp, left: CompiledNode, right: CompiledNode): Emit {
  return (g, t) => g.strict2(t, left, right, (a, b) => `${t} = ${a} ${JS_COMPARISON[op]} ${b};`);
}

/** Generated code for AND / OR, with the same short-circuit as {@link and} and {@link or}. */
export function emitLogic(op: 'AND' | 'OR', left: CompiledNode, right: CompiledNode): Emit {
  const decisive = op === 'AND' ? 'false' : 'true';
  const otherwise = op === 'AND' ? 'true' : 'false';
  return (g, t) => {
    const a = g.value(left);
    g.emit(`if (${a} === ${decisive}) ${t} = ${decisive}; else {`);
    const b = g.value(right);
    g.emit(
      `${t} = ${b} === ${decisive} ? ${decisive} : ${a} == null || ${b} == null ? null : ${otherwise};`,
    );
    g.emit('}');
    return t;
  };
}

/** SQL three-valued AND: FALSE wins over NULL, NULL over TRUE. */
export function and(l: Evaluate, r: Evaluate): Evaluate {
  return (row) => {
    const a = l(row);
    if (a === false) return false;
    const b = r(row);
    if (b === false) return false;
    return a == null || b == null ? null : true;
  };
}

/** SQL three-valued OR: TRUE wins over NULL, NULL over FALSE. */
export function or(l: Evaluate, r: Evaluate): Evaluate {
  return (row) => {
    const a = l(row);
    if (a === true) return true;
    const b = r(row);
    if (b === true) return true;
    return a == null || b == null ? null : false;
  };
}

/** SQL NOT: NULL stays NULL. */
export function not(operand: Evaluate): Evaluate {
  return (row) => {
    const v = operand(row);
    return v == null ? null : !v;
  };
}

function divisionByZero(op: string, expr: BinaryExpr): never {
  throw new ExpressionEvaluationError(
    `division by zero in integer ${op === '/' ? 'division' : 'remainder (%)'}`,
    expr.position,
  );
}

/**
 * The values an integer type holds here: INTEGER is Java's int; BIGINT stops at ±(2^53 - 1),
 * where a JavaScript number stops being exact (Java's long goes on to ±2^63).
 */
const INTEGER_RANGE = {
  INTEGER: [-(2 ** 31), 2 ** 31 - 1],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;

type IntegerType = keyof typeof INTEGER_RANGE;

// Flink wraps around silently (Java int/long arithmetic); a wrong number in a result is worse
// than a row in the error stream, and past 2^53 this engine could not even wrap exactly.
function integerOverflow(
  op: string,
  type: IntegerType,
  a: number,
  b: number,
  expr: BinaryExpr,
): never {
  const [min, max] = INTEGER_RANGE[type];
  throw new ExpressionEvaluationError(
    `${type} overflow: ${a} ${op} ${b} is outside ${type}'s range ${min} to ${max}; CAST an operand to ${type === 'INTEGER' ? 'BIGINT' : 'DOUBLE'}`,
    expr.position,
  );
}

/**
 * `+ - * /` on two integers of `type`, the result range-checked. Division truncates toward zero
 * (Flink, KDA, Java); by zero it fails the row (Java's ArithmeticException in Flink).
 */
function integerArithmetic(
  op: '+' | '-' | '*' | '/',
  type: IntegerType,
  l: Evaluate,
  r: Evaluate,
  expr: BinaryExpr,
): Evaluate {
  const [min, max] = INTEGER_RANGE[type];
  const apply =
    op === '+'
      ? (a: number, b: number) => a + b
      : op === '-'
        ? (a: number, b: number) => a - b
        : op === '*'
          ? (a: number, b: number) => a * b
          : (a: number, b: number) => {
              if (b === 0) divisionByZero(op, expr);
              return Math.trunc(a / b);
            };
  return (row) => {
    const a = l(row);
    if (a == null) return null;
    const b = r(row);
    if (b == null) return null;
    const v = apply(a as number, b as number);
    if (v < min || v > max) integerOverflow(op, type, a as number, b as number, expr);
    return v === 0 ? 0 : v;
  };
}

function arithmetic(
  op: '+' | '-' | '*' | '/' | '%',
  integerType: IntegerType | undefined,
  l: Evaluate,
  r: Evaluate,
  expr: BinaryExpr,
): Evaluate {
  const integer = integerType !== undefined;
  if (integerType !== undefined && op !== '%') {
    return integerArithmetic(op, integerType, l, r, expr);
  }
  switch (op) {
    case '+':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) + (b as number);
      };
    case '-':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) - (b as number);
      };
    case '*':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) * (b as number);
      };
    case '/':
      // Integer division is integerArithmetic's; DOUBLE division follows IEEE 754 (Infinity,
      // NaN) as Java's does.
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        return b == null ? null : (a as number) / (b as number);
      };
    case '%':
      return (row) => {
        const a = l(row);
        if (a == null) return null;
        const b = r(row);
        if (b == null) return null;
        if (integer && b === 0) divisionByZero(op, expr);
        const m = (a as number) % (b as number);
        return m === 0 ? 0 : m;
      };
  }
}

/** `+ - * / %` on numbers, TIMESTAMP ± INTERVAL, INTERVAL ± INTERVAL. */
export function compileArithmetic(
  expr: BinaryExpr & { op: '+' | '-' | '*' | '/' | '%' },
  left: CompiledNode,
  right: CompiledNode,
): TypedEvaluator {
  const { op } = expr;
  const lt = left.type;
  const rt = right.type;
  let type: SqlType | undefined;
  if (op === '+' || op === '-') {
    if (lt === 'TIMESTAMP' && (rt === 'INTERVAL' || rt === 'NULL')) type = 'TIMESTAMP';
    else if (op === '+' && lt === 'INTERVAL' && rt === 'TIMESTAMP') type = 'TIMESTAMP';
    else if (lt === 'INTERVAL' && (rt === 'INTERVAL' || rt === 'NULL')) type = 'INTERVAL';
    else if (lt === 'NULL' && (rt === 'INTERVAL' || rt === 'TIMESTAMP')) type = rt;
    else if (
      (lt === 'TIMESTAMP' || lt === 'INTERVAL' || rt === 'TIMESTAMP' || rt === 'INTERVAL') &&
      !(isNumericType(lt) && isNumericType(rt))
    ) {
      throw new SqlValidationError(
        expr.position,
        `operator ${op} cannot take ${lt} and ${rt}; it takes numbers, TIMESTAMP ${op === '+' ? '+' : '-'} INTERVAL${op === '+' ? ', INTERVAL + TIMESTAMP' : ''} or INTERVAL ${op} INTERVAL`,
      );
    }
  }
  if (type === undefined) {
    expectArgument(`operator ${op}`, 0, lt, 'numeric', expr.position);
    expectArgument(`operator ${op}`, 1, rt, 'numeric', expr.position);
    type = numericResultType(lt, rt);
  }
  const integerType = type === 'INTEGER' || type === 'BIGINT' ? type : undefined;
  return {
    type,
    evaluate: arithmetic(op, integerType, left.evaluate, right.evaluate, expr),
    emit: (g, t) =>
      g.strict2(t, left, right, (a, b) => {
        if (integerType === undefined) return `${t} = ${a} ${op} ${b};`;
        const check = () => {
          const [min, max] = INTEGER_RANGE[integerType];
          const overflow = g.ref((x: number, y: number) =>
            integerOverflow(op, integerType, x, y, expr),
          );
          return `if (${t} < ${min} || ${t} > ${max}) ${overflow}(${a}, ${b});`;
        };
        // `=== 0` also matches -0, which SQL integers do not have.
        if (op === '/' || op === '%') {
          const fail = g.ref(() => divisionByZero(op, expr));
          const result = op === '/' ? `Math.trunc(${a} / ${b})` : `${a} % ${b}`;
          const range = op === '/' ? ` ${check()}` : '';
          return `{ if (${b} === 0) ${fail}(); ${t} = ${result};${range} if (${t} === 0) ${t} = 0; }`;
        }
        return `{ ${t} = ${a} ${op} ${b}; ${check()} if (${t} === 0) ${t} = 0; }`;
      }),
  };
}

/** `a || b`: NULL when either side is NULL. */
export function compileConcat(
  expr: BinaryExpr,
  left: CompiledNode,
  right: CompiledNode,
): TypedEvaluator {
  expectArgument('operator ||', 0, left.type, 'VARCHAR', expr.position);
  expectArgument('operator ||', 1, right.type, 'VARCHAR', expr.position);
  const l = left.evaluate;
  const r = right.evaluate;
  return {
    type: 'VARCHAR',
    evaluate: (row) => {
      const a = l(row);
      if (a == null) return null;
      const b = r(row);
      return b == null ? null : (a as string) + (b as string);
    },
    emit: (g, t) => g.strict2(t, left, right, (a, b) => `${t} = ${a} + ${b};`),
  };
}

/** Whether an operator is a comparison. */
export function isComparison(op: BinaryOp): op is ComparisonOp {
  return op === '=' || op === '<>' || op === '<' || op === '<=' || op === '>' || op === '>=';
}
