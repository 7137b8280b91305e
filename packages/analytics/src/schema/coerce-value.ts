import { parseTimestampText } from '../expressions/timestamp-text.js';
import type { SqlType } from '../types.js';

/** Returned by {@link coerceValue} when a value does not fit its column's type. */
export const NOT_COERCIBLE: unique symbol = Symbol('not coercible');

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

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
      if (typeof value === 'number') return Number.isFinite(value) ? value : NOT_COERCIBLE;
      if (value instanceof Date) {
        const ms = value.getTime();
        return Number.isNaN(ms) ? NOT_COERCIBLE : ms;
      }
      if (typeof value === 'string') {
        if (NUMBER_TEXT.test(value)) return Number(value);
        return parseTimestampText(value) ?? NOT_COERCIBLE;
      }
      return NOT_COERCIBLE;
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
