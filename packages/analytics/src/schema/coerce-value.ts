import { parseTimestampText } from '../expressions/timestamp-text.js';
import type { SqlType } from '../types.js';

/** Returned by {@link coerceValue} when a value does not fit its column's type. */
export const NOT_COERCIBLE: unique symbol = Symbol('not coercible');

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * The largest epoch-millisecond distance from 1970 a `Date` can hold (±100,000,000 days): a
 * TIMESTAMP beyond it is not a time (`"1e400"` would be Infinity, and one such record would move
 * an event-time watermark to the end of time, making every later row late).
 */
export const MAX_TIMESTAMP_MS = 8.64e15;

/** Whether `ms` is a TIMESTAMP the engine can hold: finite and within a `Date`'s range. */
export function isTimestampMs(ms: number): boolean {
  return ms >= -MAX_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

/**
 * A decoded JSON (or CSV text, or plain-row) value as the engine holds a column of `type`:
 * numbers from numbers or numeric text, TIMESTAMP as epoch ms from a number, a `Date` or
 * timestamp text, BOOLEAN from `true`/`false` (any case). `null`/`undefined`/empty CSV text
 * are SQL NULL. {@link NOT_COERCIBLE} when the value does not fit (the row goes to `errors`).
 */
export function coerceValue(value: unknown, type: SqlType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'VARCHAR':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
    case 'INTEGER':
    case 'BIGINT': {
      const n = toNumber(value);
      return Number.isSafeInteger(n) ? n : NOT_COERCIBLE;
    }
    case 'DOUBLE': {
      const n = toNumber(value);
      return Number.isNaN(n) ? NOT_COERCIBLE : n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      return NOT_COERCIBLE;
    case 'TIMESTAMP': {
      let ms: number | undefined;
      if (typeof value === 'number') ms = value;
      else if (value instanceof Date) ms = value.getTime();
      else if (typeof value === 'string') {
        ms = NUMBER_TEXT.test(value) ? Number(value) : parseTimestampText(value);
      }
      return ms !== undefined && isTimestampMs(ms) ? ms : NOT_COERCIBLE;
    }
    default:
      return value;
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value);
  return Number.NaN;
}

/** How a value is named in an error message: short, with its JSON type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return `Date ${String(value)}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
