import { InvalidOptionError } from '../errors.js';

/**
 * Checks of sink options: each throws {@link InvalidOptionError} naming the option, what it
 * must be, and what it got.
 */

/** A short description of an option value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value;
}

/** The options object itself. */
export function requireOptions(value: unknown, sink: string): void {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError(
      'options',
      `${sink} takes an options object, got ${describeValue(value)}`,
    );
  }
}

/** A required function. */
export function requireFunction(option: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidOptionError(option, `must be a function, got ${describeValue(value)}`);
  }
}

/** An optional function. */
export function optionalFunction(option: string, value: unknown): void {
  if (value !== undefined) requireFunction(option, value);
}

/** An object with the named methods, e.g. a producer with `put` and `flush`. */
export function requireMethods(
  option: string,
  value: unknown,
  methods: readonly string[],
  what: string,
): void {
  const missing =
    typeof value === 'object' && value !== null
      ? methods.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function')
      : methods;
  if (missing.length > 0) {
    throw new InvalidOptionError(
      option,
      `must be ${what} (an object with ${methods.join(', ')}), got ${describeValue(value)}${
        typeof value === 'object' && value !== null ? ` without ${missing.join(', ')}` : ''
      }`,
    );
  }
}

/** An optional integer in [min, max]; returns it or the default. */
export function integerOption(
  option: string,
  value: unknown,
  defaultValue: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return defaultValue;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(
      option,
      `must be an integer from ${min} to ${max}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** An optional duration in ms, > 0 (`Infinity` allowed: never); returns it or the default. */
export function durationOption(option: string, value: unknown, defaultValue: number): number {
  if (value === undefined) return defaultValue;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidOptionError(
      option,
      `must be a number of milliseconds greater than 0 (Infinity: never), got ${describeValue(value)}`,
    );
  }
  return value;
}

/** An optional string among `choices`; returns it or the default. */
export function choiceOption<T extends string>(
  option: string,
  value: unknown,
  choices: readonly T[],
  defaultValue: T,
): T {
  if (value === undefined) return defaultValue;
  if (!choices.includes(value as T)) {
    throw new InvalidOptionError(
      option,
      `must be one of ${choices.map((choice) => `'${choice}'`).join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/** An optional boolean; returns it or the default. */
export function booleanOption(option: string, value: unknown, defaultValue: boolean): boolean {
  if (value === undefined) return defaultValue;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(option, `must be true or false, got ${describeValue(value)}`);
  }
  return value;
}
