import type { SourcePosition } from '../errors.js';
import { SqlValidationError } from '../errors.js';
import { isNumericType, type SqlType } from '../types.js';

/** What an operator or function accepts at one argument position. */
export type TypeExpectation = 'VARCHAR' | 'BOOLEAN' | 'TIMESTAMP' | 'numeric' | 'integer';

const EXPECTATION_LABELS: Record<TypeExpectation, string> = {
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  numeric: 'a numeric type (INTEGER, BIGINT, DOUBLE)',
  integer: 'an integer type (INTEGER, BIGINT)',
};

/** Whether a value of `actual` may be given where `expected` is wanted (NULL fits everywhere). */
export function fits(actual: SqlType, expected: TypeExpectation): boolean {
  if (actual === 'NULL') return true;
  switch (expected) {
    case 'numeric':
      return isNumericType(actual);
    case 'integer':
      return actual === 'INTEGER' || actual === 'BIGINT';
    default:
      return actual === expected;
  }
}

/**
 * Throws `UPPER expects VARCHAR, got INTEGER (argument 1)` at `position` (the call or operator)
 * unless `actual` fits `expected`. `index` is 0-based.
 */
export function expectArgument(
  what: string,
  index: number,
  actual: SqlType,
  expected: TypeExpectation,
  position: SourcePosition,
): void {
  if (fits(actual, expected)) return;
  throw new SqlValidationError(
    position,
    `${what} expects ${EXPECTATION_LABELS[expected]}, got ${actual} (argument ${index + 1})`,
  );
}

/** The type of arithmetic on two numeric (or NULL) types: DOUBLE beats BIGINT beats INTEGER. */
export function numericResultType(a: SqlType, b: SqlType): SqlType {
  if (a === 'NULL') return b === 'NULL' ? 'INTEGER' : b;
  if (b === 'NULL') return a;
  if (a === 'DOUBLE' || b === 'DOUBLE') return 'DOUBLE';
  if (a === 'BIGINT' || b === 'BIGINT') return 'BIGINT';
  return 'INTEGER';
}

/** Whether two types can be compared with `=`, `<`, `IN`, ...: same type, two numbers, or NULL. */
export function comparable(a: SqlType, b: SqlType): boolean {
  if (a === 'NULL' || b === 'NULL') return a !== 'ANY' && b !== 'ANY';
  if (a === 'ANY' || b === 'ANY') return false;
  return a === b || (isNumericType(a) && isNumericType(b));
}

/** Throws `= cannot compare VARCHAR with INTEGER` unless the two types are {@link comparable}. */
export function expectComparable(
  what: string,
  a: SqlType,
  b: SqlType,
  position: SourcePosition,
): void {
  if (comparable(a, b)) return;
  const hint =
    a === 'ANY' || b === 'ANY'
      ? '; CAST the ANY (JSON) value to a type first'
      : '; CAST one side to the type of the other';
  throw new SqlValidationError(position, `${what} cannot compare ${a} with ${b}${hint}`);
}

/**
 * The one type values of `types` share (CASE branches, COALESCE arguments): all numeric → the
 * widest; otherwise all equal. NULLs are skipped; all NULL → NULL. Throws naming the positions.
 */
export function commonType(
  what: string,
  types: readonly SqlType[],
  position: SourcePosition,
  itemLabel = 'argument',
): SqlType {
  let result: SqlType = 'NULL';
  for (const type of types) {
    if (type === 'NULL') continue;
    if (result === 'NULL') result = type;
    else if (isNumericType(result) && isNumericType(type)) result = numericResultType(result, type);
    else if (result !== type) {
      const listed = types.map((t, i) => `${t} (${itemLabel} ${i + 1})`).join(', ');
      throw new SqlValidationError(position, `${what} needs values of one type, got ${listed}`);
    }
  }
  return result;
}

/** Throws `SUBSTRING takes 2 or 3 arguments, got 1: SUBSTRING(VARCHAR, INTEGER[, INTEGER])`. */
export function expectArgumentCount(
  name: string,
  count: number,
  min: number,
  max: number,
  signature: string,
  position: SourcePosition,
): void {
  if (count >= min && count <= max) return;
  const wanted =
    min === max
      ? `${min} argument${min === 1 ? '' : 's'}`
      : max === Number.POSITIVE_INFINITY
        ? `at least ${min} argument${min === 1 ? '' : 's'}`
        : `${min} to ${max} arguments`;
  throw new SqlValidationError(position, `${name} takes ${wanted}, got ${count}: ${signature}`);
}
