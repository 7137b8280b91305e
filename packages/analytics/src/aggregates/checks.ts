import { isNumericType, type SqlType } from '../types.js';

/** What `resultType` answers when the argument's type is wrong. */
export interface ResultTypeError {
  readonly error: string;
}

/**
 * The result type of an aggregate over a numeric argument, or the message naming the function
 * and the type it got. `null` (the `*` of `COUNT(*)`) is refused as well.
 */
export function requireNumeric(
  name: string,
  argType: SqlType | null,
  result: (argType: 'BIGINT' | 'INTEGER' | 'DOUBLE') => SqlType,
): SqlType | ResultTypeError {
  if (argType === null) return { error: `${name} needs a numeric argument, not *` };
  if (!isNumericType(argType)) {
    return { error: `${name} needs a numeric argument, got ${argType}` };
  }
  return result(argType as 'BIGINT' | 'INTEGER' | 'DOUBLE');
}

/** Refuses `*`; otherwise any argument type but `ANY` is fine (it is compared by its text). */
export function requireValue(name: string, argType: SqlType | null): SqlType | ResultTypeError {
  if (argType === null) return { error: `${name} needs an argument, not *` };
  return argType;
}

/** `checkConstants` of a function that takes none: the planner never passes any, but say so. */
export function noConstants(name: string, constants: readonly unknown[]): string | undefined {
  return constants.length === 0
    ? undefined
    : `${name} takes no constant arguments, got ${constants.length}`;
}

/** A constant given to the function `name`, for messages: `1.5`, `'ten'`, `NULL`. */
export function describeConstant(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/**
 * Checks that there is exactly one constant and it is a number in `[min, max]` (and an integer
 * when `integer`); returns the message otherwise, naming the function, the argument and the range.
 */
export function checkNumberConstant(
  name: string,
  argument: string,
  constants: readonly unknown[],
  range: { readonly min: number; readonly max: number; readonly integer: boolean },
): string | undefined {
  if (constants.length !== 1) {
    return `${name} takes 1 constant argument (${argument}), got ${constants.length}`;
  }
  const value = constants[0];
  const kind = range.integer ? 'an integer' : 'a number';
  if (typeof value !== 'number' || Number.isNaN(value)) {
    return `${name}'s ${argument} must be ${kind} in [${range.min}, ${range.max}], got ${describeConstant(value)}`;
  }
  if ((range.integer && !Number.isInteger(value)) || value < range.min || value > range.max) {
    return `${name}'s ${argument} must be ${kind} in [${range.min}, ${range.max}], got ${value}`;
  }
  return undefined;
}
