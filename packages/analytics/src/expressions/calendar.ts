import type { TimeUnit } from '../sql/ast.js';
import { MS_PER_UNIT } from '../time-units.js';

const DAY_MS = MS_PER_UNIT.DAY;

/** `a` rounded down to a multiple of `step` (also for negative `a`: times before 1970). */
export function floorToMultiple(a: number, step: number): number {
  return Math.floor(a / step) * step;
}

// Civil-from-days (H. Hinnant's algorithm): the UTC calendar date of an epoch time without
// allocating a Date per row.
function civil(ms: number): { year: number; month: number; day: number } {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The UTC year of an epoch-ms time. */
export function yearOf(ms: number): number {
  return civil(ms).year;
}

/** The UTC month (1–12) of an epoch-ms time. */
export function monthOf(ms: number): number {
  return civil(ms).month;
}

/** The UTC day of the month (1–31) of an epoch-ms time. */
export function dayOf(ms: number): number {
  return civil(ms).day;
}

/** The ISO 8601 week number (1–53; weeks start on Monday, week 1 holds the first Thursday). */
export function isoWeekOf(ms: number): number {
  const days = Math.floor(ms / DAY_MS);
  const weekday = (((days + 3) % 7) + 7) % 7; // 0 = Monday; 1970-01-01 was a Thursday
  const thursday = days - weekday + 3;
  const year = yearOf(thursday * DAY_MS);
  const firstDay = Math.floor(Date.UTC(year, 0, 1) / DAY_MS);
  return Math.floor((thursday - firstDay) / 7) + 1;
}

/** Units `FLOOR/CEIL(ts TO unit)` supports. WEEK is left out: Calcite and ISO disagree on its first day. */
export const FLOOR_UNITS: readonly TimeUnit[] = [
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'MONTH',
  'YEAR',
];

/** `FLOOR(ms TO unit)` in UTC; `unit` is one of {@link FLOOR_UNITS}. */
export function floorTo(ms: number, unit: TimeUnit): number {
  switch (unit) {
    case 'MONTH': {
      const { year, month } = civil(ms);
      return Date.UTC(year, month - 1, 1);
    }
    case 'YEAR':
      return Date.UTC(yearOf(ms), 0, 1);
    default:
      return floorToMultiple(ms, MS_PER_UNIT[unit]);
  }
}

/** `CEIL(ms TO unit)` in UTC: the time itself when it is on a unit boundary. */
export function ceilTo(ms: number, unit: TimeUnit): number {
  const floor = floorTo(ms, unit);
  if (floor === ms) return ms;
  switch (unit) {
    case 'MONTH': {
      const { year, month } = civil(ms);
      return Date.UTC(year, month, 1);
    }
    case 'YEAR':
      return Date.UTC(yearOf(ms) + 1, 0, 1);
    default:
      return floor + MS_PER_UNIT[unit];
  }
}

/**
 * `EXTRACT(unit FROM ms)` in UTC. SECOND is 0–59; MILLISECOND counts the milliseconds of the
 * minute (seconds × 1000 + ms), as Calcite and Flink do; WEEK is the ISO week.
 */
export function extractField(ms: number, unit: TimeUnit): number {
  switch (unit) {
    case 'YEAR':
      return yearOf(ms);
    case 'MONTH':
      return monthOf(ms);
    case 'DAY':
      return dayOf(ms);
    case 'WEEK':
      return isoWeekOf(ms);
    case 'HOUR':
      return Math.floor((ms - floorToMultiple(ms, DAY_MS)) / MS_PER_UNIT.HOUR);
    case 'MINUTE':
      return Math.floor((ms - floorToMultiple(ms, MS_PER_UNIT.HOUR)) / MS_PER_UNIT.MINUTE);
    case 'SECOND':
      return Math.floor((ms - floorToMultiple(ms, MS_PER_UNIT.MINUTE)) / MS_PER_UNIT.SECOND);
    case 'MILLISECOND':
      return ms - floorToMultiple(ms, MS_PER_UNIT.MINUTE);
  }
}
