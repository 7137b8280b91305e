/**
 * The SQL types the engine computes with, and how each is held at run time:
 * - `VARCHAR`: `string`
 * - `BIGINT`, `INTEGER`: `number` (integers within ±2^53; BIGINT beyond that is not supported)
 * - `DOUBLE`: `number` (`DECIMAL(p, s)`, `REAL` and `FLOAT` are computed as DOUBLE)
 * - `BOOLEAN`: `boolean`
 * - `TIMESTAMP`: `number`, epoch milliseconds (result rows hand them out as `Date`)
 * - `INTERVAL`: `number`, milliseconds (only as a literal: `INTERVAL '10' SECOND`)
 * - `NULL`: the type of the literal `NULL`, assignable to every type
 * - `ANY`: a value the engine does not look into (a JSON object or array column)
 * SQL NULL is `null` at run time in every type.
 */
export type SqlType =
  | 'VARCHAR'
  | 'BIGINT'
  | 'INTEGER'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'INTERVAL'
  | 'NULL'
  | 'ANY';

/** A value of one of the {@link SqlType}s at run time. */
export type SqlValue = string | number | boolean | null | object;

/** Whether a type is one of the numeric types. */
export function isNumericType(type: SqlType): boolean {
  return type === 'BIGINT' || type === 'INTEGER' || type === 'DOUBLE';
}
