/**
 * Milliseconds per fixed-length time unit: the one table the SQL front end (interval literals,
 * the Flink translation) and the expressions (FLOOR/CEIL, EXTRACT) share. MONTH and YEAR are
 * absent: their length depends on the calendar.
 */
export const MS_PER_UNIT = {
  MILLISECOND: 1,
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
} as const;

/** A time unit of fixed length: a key of {@link MS_PER_UNIT}. */
export type FixedTimeUnit = keyof typeof MS_PER_UNIT;

/**
 * Milliseconds in one `unit`, or `undefined` for a unit without a fixed length (MONTH, YEAR).
 *
 * @example
 * ```ts
 * msPerUnit('MINUTE'); // 60000
 * msPerUnit('MONTH'); // undefined
 * ```
 */
export function msPerUnit(unit: string): number | undefined {
  return Object.hasOwn(MS_PER_UNIT, unit) ? MS_PER_UNIT[unit as FixedTimeUnit] : undefined;
}
