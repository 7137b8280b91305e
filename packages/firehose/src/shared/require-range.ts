import { InvalidArgumentError } from '@kinesis-kit/records';

/**
 * Throws `InvalidArgumentError` unless `value` is a number from `min` to `max` (an integer
 * unless `integer` is false), naming the option and its range: the one check every option of
 * this package goes through, so every range message reads the same.
 *
 * @example
 * ```ts
 * requireRange('buffering.sizeMiB', 129, 1, 128); // throws: must be an integer from 1 to 128, got 129
 * ```
 */
export function requireRange(
  name: string,
  value: number,
  min: number,
  max: number,
  integer = true,
): void {
  const valid = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (valid && value >= min && value <= max) return;
  const kind = integer ? 'an integer' : 'a number';
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  throw new InvalidArgumentError(`${name} must be ${kind} ${range}, got ${String(value)}`);
}
