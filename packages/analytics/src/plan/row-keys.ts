import type { Row } from './query-plan.js';

type Read = (row: Row) => unknown;

/** A group key value as text that cannot collide with another type's (`'1'` vs `1` vs NULL). */
function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    default:
      return value === null || value === undefined ? 'z' : `j${JSON.stringify(value)}`;
  }
}

/**
 * The group key function of GROUP BY / PARTITION BY values: `''` for none; the value itself for
 * one string or number (the fast path: no allocation per row); an encoded, separated text for
 * several values, NULLs and other types.
 */
export function groupKeyOf(readers: readonly Read[]): (row: Row) => string | number {
  if (readers.length === 0) return () => '';
  if (readers.length === 1) {
    const read = readers[0] as Read;
    return (row) => {
      const value = read(row);
      return typeof value === 'string' || typeof value === 'number'
        ? value
        : `\u0000${encode(value)}`;
    };
  }
  return (row) => {
    let key = '';
    for (let i = 0; i < readers.length; i++) key += `${encode((readers[i] as Read)(row))}\u0001`;
    return key;
  };
}

/** The GROUP BY values of a row, in GROUP BY order. */
export function groupValuesOf(readers: readonly Read[]): (row: Row) => readonly unknown[] {
  if (readers.length === 0) return () => [];
  return (row) => readers.map((read) => read(row));
}
