import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants, requireValue } from './checks.js';

/**
 * A process-wide arrival counter: `merge` (session windows joining) must know which of two
 * accumulators saw its value first, and rows reach every accumulator in arrival order.
 */
let arrivals = 0;

/** The running state of `FIRST_VALUE(x)`: the first non-null value to arrive. */
export class FirstValueAccumulator implements Accumulator {
  #value: unknown = null;
  #arrival = Number.POSITIVE_INFINITY;

  add(value: unknown): void {
    if (value === null || this.#value !== null) return;
    this.#value = value;
    this.#arrival = ++arrivals;
  }

  merge(other: Accumulator): void {
    const that = other as FirstValueAccumulator;
    if (that.#arrival < this.#arrival) {
      this.#value = that.#value;
      this.#arrival = that.#arrival;
    }
  }

  result(): unknown {
    return this.#value;
  }
}

/** The running state of `LAST_VALUE(x)`: the last non-null value to arrive. */
export class LastValueAccumulator implements Accumulator {
  #value: unknown = null;
  #arrival = Number.NEGATIVE_INFINITY;

  add(value: unknown): void {
    if (value === null) return;
    this.#value = value;
    this.#arrival = ++arrivals;
  }

  merge(other: Accumulator): void {
    const that = other as LastValueAccumulator;
    if (that.#arrival > this.#arrival) {
      this.#value = that.#value;
      this.#arrival = that.#arrival;
    }
  }

  result(): unknown {
    return this.#value;
  }
}

/**
 * `FIRST_VALUE(x)` → the argument's type: the first non-null value by arrival (not by event
 * time) in the window and group; NULL if none.
 *
 * @example
 * ```ts
 * const acc = FIRST_VALUE.create([], false);
 * acc.add(null); acc.add('a'); acc.add('b');
 * acc.result(); // 'a'
 * ```
 */
export const FIRST_VALUE: AggregateFunction = {
  name: 'FIRST_VALUE',
  signature: 'FIRST_VALUE(value)',
  constantArgs: 0,
  allowsDistinct: false,
  allowsStar: false,
  resultType: (argType) => requireValue('FIRST_VALUE', argType),
  checkConstants: (constants) => noConstants('FIRST_VALUE', constants),
  create: () => new FirstValueAccumulator(),
};

/** `LAST_VALUE(x)` → the argument's type: the last non-null value by arrival; NULL if none. */
export const LAST_VALUE: AggregateFunction = {
  name: 'LAST_VALUE',
  signature: 'LAST_VALUE(value)',
  constantArgs: 0,
  allowsDistinct: false,
  allowsStar: false,
  resultType: (argType) => requireValue('LAST_VALUE', argType),
  checkConstants: (constants) => noConstants('LAST_VALUE', constants),
  create: () => new LastValueAccumulator(),
};
