import { type SourcePosition, SqlSyntaxError } from '../errors.js';
import { msPerUnit } from '../time-units.js';
import type { Expr, IntervalExpr, LiteralExpr, TimeUnit, TypeName } from './ast.js';
import type { Token } from './lexer.js';
import { describe, type TokenCursor } from './token-cursor.js';

/** Units from coarse to fine, for `INTERVAL 'd h:m:s' DAY TO SECOND`. */
const FIELD_ORDER = ['DAY', 'HOUR', 'MINUTE', 'SECOND'] as const;

const TIME_UNITS: readonly TimeUnit[] = [
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'YEAR',
];

/** Takes one time unit word (`MINUTE`, also the plural `MINUTES`). */
export function parseTimeUnit(p: TokenCursor): TimeUnit {
  const t = p.peek();
  for (const unit of TIME_UNITS) p.note(unit);
  if (t.kind === 'word') {
    const singular = t.value.endsWith('S') ? t.value.slice(0, -1) : t.value;
    const unit = TIME_UNITS.find((u) => u === t.value || u === singular);
    if (unit !== undefined) {
      p.next();
      return unit;
    }
  }
  return p.fail();
}

/** A literal node. */
export function literal(
  value: LiteralExpr['value'],
  type: LiteralExpr['type'],
  position: SourcePosition,
): LiteralExpr {
  return { kind: 'literal', value, type, position };
}

/** `INTERVAL '10' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`, `INTERVAL '5' SECOND(3)`. */
export function parseInterval(p: TokenCursor): IntervalExpr {
  const position = p.expectWord('INTERVAL').position;
  const sign = p.acceptSymbol('-') ? -1 : 1;
  const valueToken = p.peek();
  p.note('string');
  if (valueToken.kind !== 'string' && valueToken.kind !== 'number') p.fail();
  p.next();
  const from = parseTimeUnit(p);
  const fromPrecision = parsePrecision(p);
  let to: TimeUnit | undefined;
  let toPrecision = '';
  // `TO` after an interval starts a range only when a finer unit follows: in
  // `FLOOR(INTERVAL '10' SECOND TO MINUTE)` it belongs to FLOOR.
  if (p.atWord('TO') && isFinerField(from, p.peek(1))) {
    p.next();
    to = parseTimeUnit(p);
    toPrecision = parsePrecision(p);
  }
  const shown = valueToken.kind === 'string' ? valueToken.text : `'${valueToken.text}'`;
  const text = `INTERVAL ${sign < 0 ? '-' : ''}${shown} ${from}${fromPrecision}${
    to === undefined ? '' : ` TO ${to}${toPrecision}`
  }`;
  const ms = intervalMs(valueToken.value.trim(), from, to);
  if (ms === undefined) {
    const units = to === undefined ? from : `${from} TO ${to}`;
    throw new SqlSyntaxError(
      valueToken.position,
      describe(valueToken),
      [`an interval value for ${units}`],
      `invalid interval ${text}: ${
        msPerUnit(from) === undefined || (to !== undefined && msPerUnit(to) === undefined)
          ? `${from === 'MONTH' || from === 'YEAR' ? from : to} intervals have no fixed length; use MILLISECOND, SECOND, MINUTE, HOUR, DAY or WEEK`
          : `expected ${to === undefined ? 'a number' : `fields separated by ':' or ' ' for ${units}`}`
      }`,
    );
  }
  return { kind: 'interval', ms: sign * ms, text, position };
}

function isFinerField(from: TimeUnit, next: Token): boolean {
  if (next.kind !== 'word') return false;
  const unit = next.value.endsWith('S') ? next.value.slice(0, -1) : next.value;
  const i = FIELD_ORDER.indexOf(from as (typeof FIELD_ORDER)[number]);
  const j = FIELD_ORDER.indexOf(unit as (typeof FIELD_ORDER)[number]);
  return i >= 0 && j > i;
}

function parsePrecision(p: TokenCursor): string {
  if (!p.acceptSymbol('(')) return '';
  const t = p.peek();
  p.note('integer');
  if (t.kind !== 'number' || !/^\d+$/.test(t.value)) p.fail();
  p.next();
  p.expectSymbol(')');
  return `(${t.value})`;
}

function intervalMs(value: string, from: TimeUnit, to: TimeUnit | undefined): number | undefined {
  const fromMs = msPerUnit(from);
  if (fromMs === undefined) return undefined;
  const num = /^-?\d+(\.\d+)?$/;
  if (to === undefined) return num.test(value) ? Number(value) * fromMs : undefined;
  const i = FIELD_ORDER.indexOf(from as (typeof FIELD_ORDER)[number]);
  const j = FIELD_ORDER.indexOf(to as (typeof FIELD_ORDER)[number]);
  if (i < 0 || j <= i) return undefined;
  const fields = value.split(/[: ]/);
  if (fields.length !== j - i + 1) return undefined;
  let ms = 0;
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k] as string;
    const fractional = k === fields.length - 1 && to === 'SECOND';
    if (!(fractional ? /^\d+(\.\d+)?$/ : /^\d+$/).test(field)) return undefined;
    ms += Number(field) * (msPerUnit(FIELD_ORDER[i + k] as string) as number);
  }
  return Math.round(ms);
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/** `TIMESTAMP '2026-01-27 10:00:00.123'`, read as UTC, to epoch milliseconds. */
export function parseTimestamp(p: TokenCursor): Expr {
  const position = p.expectWord('TIMESTAMP').position;
  const t = p.next();
  const m = TIMESTAMP_RE.exec(t.value);
  const ms =
    m === null
      ? Number.NaN
      : Date.UTC(
          Number(m[1]),
          Number(m[2]) - 1,
          Number(m[3]),
          Number(m[4] ?? 0),
          Number(m[5] ?? 0),
          Number(m[6] ?? 0),
          Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
        );
  // Date.UTC rolls 2026-02-30 over to March: reject dates that do not round-trip.
  const valid =
    m !== null &&
    !Number.isNaN(ms) &&
    new Date(ms).toISOString().slice(0, 10) === `${m[1]}-${m[2]}-${m[3]}` &&
    Number(m[4] ?? 0) < 24 &&
    Number(m[5] ?? 0) < 60 &&
    Number(m[6] ?? 0) < 60;
  if (!valid) {
    throw new SqlSyntaxError(
      t.position,
      t.text,
      ["'YYYY-MM-DD HH:MM:SS[.fff]'"],
      `invalid TIMESTAMP literal ${t.text}: expected 'YYYY-MM-DD HH:MM:SS[.fff]'`,
    );
  }
  return literal(ms, 'TIMESTAMP', position);
}

/** `VARCHAR(256)`, `DECIMAL(10, 2)`, `TIMESTAMP(3)`, `DOUBLE PRECISION`. */
export function parseTypeName(p: TokenCursor): TypeName {
  const t = p.peek();
  p.note('type name');
  if (t.kind !== 'word') p.fail();
  p.next();
  let name = t.value;
  if (name === 'DOUBLE') p.acceptWord('PRECISION');
  if (name === 'CHARACTER' && p.acceptWord('VARYING')) name = 'VARCHAR';
  const params: number[] = [];
  if (p.acceptSymbol('(')) {
    do {
      const n = p.peek();
      p.note('integer');
      if (n.kind !== 'number' || !/^\d+$/.test(n.value)) p.fail();
      p.next();
      params.push(Number(n.value));
    } while (p.acceptSymbol(','));
    p.expectSymbol(')');
  }
  if (name === 'TIMESTAMP' || name === 'TIME') {
    // Flink's `TIMESTAMP(3) WITH LOCAL TIME ZONE` is its `TIMESTAMP_LTZ(3)`.
    if (p.acceptWord('WITHOUT')) {
      p.expectWord('TIME');
      p.expectWord('ZONE');
    } else if (p.atWord('WITH') && p.atWord('LOCAL', 1)) {
      p.next();
      p.next();
      p.expectWord('TIME');
      p.expectWord('ZONE');
      name = `${name}_LTZ`;
    }
  }
  return { name, params, position: t.position };
}
