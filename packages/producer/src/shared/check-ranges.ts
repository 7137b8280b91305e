import { InvalidArgumentError } from '@kinesis-kit/records';

/** An option's name and the least and greatest value it may take. */
export type OptionRange<T> = readonly [key: keyof T & string, min: number, max: number];

/**
 * Throws an {@link InvalidArgumentError} naming the first option, in `ranges` order, that is not
 * a finite number within its range: a bad setting fails at construction, not at the first send.
 */
export function checkRanges<T>(resolved: T, ranges: readonly OptionRange<T>[]): void {
  for (const [key, min, max] of ranges) {
    const value = resolved[key] as number;
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${key} must be from ${min} to ${max}, got ${value}`);
    }
  }
}
