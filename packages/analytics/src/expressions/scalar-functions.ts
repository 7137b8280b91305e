import { CONDITIONAL_FUNCTIONS } from './conditional-functions.js';
import { MATH_FUNCTIONS } from './math-functions.js';
import type { ScalarFunction } from './scalar-function.js';
import { STRING_FUNCTIONS } from './string-functions.js';
import { TIME_FUNCTIONS } from './time-functions.js';

const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map(
  [...STRING_FUNCTIONS, ...MATH_FUNCTIONS, ...CONDITIONAL_FUNCTIONS, ...TIME_FUNCTIONS].map(
    (fn) => [fn.name, fn],
  ),
);

/**
 * Whether `name` (upper-cased) is a scalar function the compiler knows. The planner uses it to
 * tell unknown functions from aggregates.
 *
 * @example
 * ```ts
 * isScalarFunction('UPPER'); // true
 * isScalarFunction('COUNT'); // false: an aggregate
 * ```
 */
export function isScalarFunction(name: string): boolean {
  return SCALAR_FUNCTIONS.has(name);
}

/** The scalar function called `name` (upper-cased), if any. */
export function scalarFunction(name: string): ScalarFunction | undefined {
  return SCALAR_FUNCTIONS.get(name);
}

/** The names of all scalar functions, for error messages and docs. */
export function scalarFunctionNames(): readonly string[] {
  return [...SCALAR_FUNCTIONS.keys()];
}
