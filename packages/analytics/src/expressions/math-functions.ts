import type { SqlType } from '../types.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import { type ScalarFunction, strictFunction, unaryFunction } from './scalar-function.js';
import { numericResultType } from './type-check.js';

const same = (type: SqlType): SqlType => (type === 'NULL' ? 'INTEGER' : type);
const double = (): SqlType => 'DOUBLE';

/**
 * Rounds half away from zero to `digits` decimals (Java's HALF_UP, as Flink's ROUND). Works on
 * the decimal text so that `ROUND(1.005, 2)` is 1.01 although 1.005 is stored as 1.00499...
 */
export function roundHalfUp(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const shifted = Math.round(shiftDecimal(Math.abs(x), digits));
  // More digits than a double holds: nothing to round.
  if (!Number.isFinite(shifted)) return x;
  const result = sign * shiftDecimal(shifted, -digits);
  return result === 0 ? 0 : result;
}

/** `x × 10^n` on the decimal text; `String(x)` may already have an exponent (`1e-7`, `1e+21`). */
function shiftDecimal(x: number, n: number): number {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Number(`${mantissa}e${Number(exponent) + n}`);
}

function integerRemainder(name: string) {
  return (a: number, b: number) => {
    if (b === 0) throw new ExpressionEvaluationError(`${name}: division by zero`);
    const r = a % b;
    return r === 0 ? 0 : r;
  };
}

/** MOD(a, b): the remainder with the sign of `a` (as Java); integer MOD by zero fails the row. */
const MOD: ScalarFunction = strictFunction(
  'MOD',
  ['integer', 'integer'],
  0,
  ([a, b]) => numericResultType(a ?? 'NULL', b ?? 'NULL'),
  integerRemainder('MOD'),
);

/** The numeric functions, by name. */
export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  unaryFunction('ABS', 'numeric', same, (x: number) => Math.abs(x)),
  // FLOOR(ts TO unit) and CEIL(ts TO unit) are separate nodes: these take numbers only.
  unaryFunction('FLOOR', 'numeric', same, (x: number) => Math.floor(x)),
  unaryFunction('CEIL', 'numeric', same, (x: number) => Math.ceil(x)),
  unaryFunction('CEILING', 'numeric', same, (x: number) => Math.ceil(x)),
  strictFunction(
    'ROUND',
    ['numeric', 'integer'],
    1,
    ([x]) => same(x ?? 'NULL'),
    (x: number, digits?: number) => roundHalfUp(x, digits ?? 0),
  ),
  MOD,
  strictFunction('POWER', ['numeric', 'numeric'], 0, double, (x: number, y: number) => x ** y),
  unaryFunction('SQRT', 'numeric', double, (x: number) => Math.sqrt(x)),
  unaryFunction('LN', 'numeric', double, (x: number) => Math.log(x)),
  unaryFunction('LOG10', 'numeric', double, (x: number) => Math.log10(x)),
  unaryFunction('EXP', 'numeric', double, (x: number) => Math.exp(x)),
  unaryFunction('SIGN', 'numeric', same, (x: number) => (x === 0 ? 0 : Math.sign(x))),
];
