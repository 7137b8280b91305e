import { dayOf, extractField, floorToMultiple, monthOf, yearOf } from './calendar.js';

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Epoch ms of timestamp text as SQL and ISO 8601 write it — `2026-01-27 10:00:00`,
 * `2026-01-27T10:00:00.123Z`, `2026-01-27` (midnight), `2026-01-27T10:00+02:00` — or `undefined`
 * when the text is not one. Without a zone the text is UTC (a TIMESTAMP has no zone). Digits
 * beyond milliseconds are cut off.
 */
export function parseTimestampText(text: string): number | undefined {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMs = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    offsetMs = (zone[0] === '-' ? -1 : 1) * zoneMinutes * 60_000;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC: how Flink writes a TIMESTAMP(3) as text. */
export function formatTimestamp(ms: number): string {
  const msOfSecond = ms - floorToMultiple(ms, 1000);
  return `${pad(yearOf(ms), 4)}-${pad(monthOf(ms), 2)}-${pad(dayOf(ms), 2)} ${pad(extractField(ms, 'HOUR'), 2)}:${pad(extractField(ms, 'MINUTE'), 2)}:${pad(extractField(ms, 'SECOND'), 2)}.${pad(msOfSecond, 3)}`;
}
