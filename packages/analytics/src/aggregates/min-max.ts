import type { SqlType } from '../types.js';
import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants, type ResultTypeError } from './checks.js';

/**
 * The running minimum of numbers (INTEGER, BIGINT, DOUBLE, TIMESTAMP) or strings (VARCHAR,
 * compared by UTF-16 code units, as `<` does). NaN sorts above every number, as in PostgreSQL:
 * MIN skips it unless it is all there is.
 */
export class MinAccumulator implements Accumulator {
  #value: number | string | null = null;

  add(value: unknown): void {
    if (value === null) return;
    const current = this.#value;
    // A NaN minimum is only a placeholder until a comparable value arrives.
    if (current === null || (value as number) < (current as number) || Number.isNaN(current)) {
      this.#value = value as number | string;
    }
  }

  merge(other: Accumulator): void {
    this.add((other as MinAccumulator).#value);
  }

  result(): number | string | null {
    return this.#value;
  }
}

/** The running maximum; see {@link MinAccumulator}. NaN wins, as the greatest number. */
export class MaxAccumulator implements Accumulator {
  #value: number | string | null = null;

  add(value: unknown): void {
    if (value === null) return;
    const current = this.#value;
    if (current === null || (value as number) > (current as number) || Number.isNaN(value)) {
      this.#value = value as number | string;
    }
  }

  merge(other: Accumulator): void {
    this.add((other as MaxAccumulator).#value);
  }

  result(): number | string | null {
    return this.#value;
  }
}

const ORDERED_TYPES: readonly SqlType[] = ['INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP'];

function orderedResultType(name: string, argType: SqlType | null): SqlType | ResultTypeError {
  if (argType === null) return { error: `${name} needs an argument, not *` };
  if (!ORDERED_TYPES.includes(argType)) {
    return {
      error: `${name} needs a numeric, VARCHAR or TIMESTAMP argument, got ${argType}`,
    };
  }
  return argType;
}

/**
 * `MIN(x)` → the argument's type (numbers, VARCHAR, TIMESTAMP); NULLs ignored, NULL when there
 * is no non-null row. No `remove`: a sliding MIN is recomputed by the engine. `DISTINCT` is
 * accepted and changes nothing.
 *
 * @example
 * ```ts
 * const acc = MIN.create([], false);
 * acc.add('b'); acc.add('a');
 * acc.result(); // 'a'
 * ```
 */
export const MIN: AggregateFunction = {
  name: 'MIN',
  signature: 'MIN(numeric | VARCHAR | TIMESTAMP)',
  constantArgs: 0,
  allowsDistinct: true,
  allowsStar: false,
  resultType: (argType) => orderedResultType('MIN', argType),
  checkConstants: (constants) => noConstants('MIN', constants),
  create: () => new MinAccumulator(),
};

/** `MAX(x)`: as {@link MIN}, the greatest value. */
export const MAX: AggregateFunction = {
  name: 'MAX',
  signature: 'MAX(numeric | VARCHAR | TIMESTAMP)',
  constantArgs: 0,
  allowsDistinct: true,
  allowsStar: false,
  resultType: (argType) => orderedResultType('MAX', argType),
  checkConstants: (constants) => noConstants('MAX', constants),
  create: () => new MaxAccumulator(),
};
