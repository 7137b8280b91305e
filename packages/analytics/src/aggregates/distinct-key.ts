/**
 * The key under which `FN(DISTINCT x)` and `TOP_K` tell values apart: the value itself for
 * strings, numbers and booleans (a `Map` compares those by value; `-0` and `0` are one key, as
 * are all NaNs), and the JSON text for an `ANY` column's objects and arrays, which a `Map`
 * would otherwise compare by identity.
 */
export function distinctKey(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
}
