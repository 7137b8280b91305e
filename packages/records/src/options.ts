import { InvalidArgumentError } from './errors.js';

/**
 * Checks that an option is an integer in [min, max]; `maxLabel` names where the upper bound
 * comes from (another option) when it is not a constant.
 */
export function requireInteger(
  name: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  maxLabel?: string,
): void {
  if (Number.isSafeInteger(value) && value >= min && value <= max) return;
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? `an integer >= ${min}`
      : `an integer from ${min} to ${maxLabel ? `${maxLabel} (${max})` : max}`;
  throw new InvalidArgumentError(`${name} must be ${range}, got ${value}`);
}
