import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { noConstants, requireNumeric } from './checks.js';

/** Which statistic a {@link VarianceAccumulator} reports. */
export type VarianceKind = 'VAR_POP' | 'VAR_SAMP' | 'STDDEV_POP' | 'STDDEV_SAMP';

/**
 * Count, mean and sum of squared deviations with Welford's update, merged with Chan et al.'s
 * pairwise formula: numerically stable where the textbook `Σx² − (Σx)²/n` cancels badly.
 */
export class VarianceAccumulator implements Accumulator {
  readonly #kind: VarianceKind;
  #count = 0;
  #mean = 0;
  #squares = 0;

  constructor(kind: VarianceKind) {
    this.#kind = kind;
  }

  add(value: unknown): void {
    if (value === null) return;
    const x = value as number;
    this.#count++;
    const delta = x - this.#mean;
    this.#mean += delta / this.#count;
    this.#squares += delta * (x - this.#mean);
  }

  merge(other: Accumulator): void {
    const that = other as VarianceAccumulator;
    if (that.#count === 0) return;
    const count = this.#count + that.#count;
    const delta = that.#mean - this.#mean;
    this.#mean += (delta * that.#count) / count;
    this.#squares += that.#squares + (delta * delta * this.#count * that.#count) / count;
    this.#count = count;
  }

  result(): number | null {
    const sample = this.#kind === 'VAR_SAMP' || this.#kind === 'STDDEV_SAMP';
    const divisor = sample ? this.#count - 1 : this.#count;
    if (divisor <= 0) return null;
    const variance = Math.max(0, this.#squares) / divisor;
    return this.#kind === 'VAR_POP' || this.#kind === 'VAR_SAMP' ? variance : Math.sqrt(variance);
  }
}

function varianceFunction(kind: VarianceKind): AggregateFunction {
  return {
    name: kind,
    signature: `${kind}(numeric)`,
    constantArgs: 0,
    allowsDistinct: false,
    allowsStar: false,
    resultType: (argType) => requireNumeric(kind, argType, () => 'DOUBLE'),
    checkConstants: (constants) => noConstants(kind, constants),
    create: () => new VarianceAccumulator(kind),
  };
}

/**
 * `VAR_POP(x)` → DOUBLE: the population variance of the non-null values; NULL for no rows.
 *
 * @example
 * ```ts
 * const acc = VAR_POP.create([], false);
 * acc.add(1); acc.add(3);
 * acc.result(); // 1
 * ```
 */
export const VAR_POP: AggregateFunction = varianceFunction('VAR_POP');
/** `VAR_SAMP(x)` → DOUBLE: the sample variance (divisor n − 1); NULL for fewer than 2 rows. */
export const VAR_SAMP: AggregateFunction = varianceFunction('VAR_SAMP');
/** `STDDEV_POP(x)` → DOUBLE: the square root of {@link VAR_POP}. */
export const STDDEV_POP: AggregateFunction = varianceFunction('STDDEV_POP');
/** `STDDEV_SAMP(x)` → DOUBLE: the square root of {@link VAR_SAMP}. */
export const STDDEV_SAMP: AggregateFunction = varianceFunction('STDDEV_SAMP');
