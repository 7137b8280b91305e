import { SqlValidationError } from '../errors.js';
import type { TypeName } from '../sql/ast.js';
import { isNumericType, type SqlType } from '../types.js';
import { formatTimestamp, parseTimestampText } from './timestamp-text.js';

/** Converts one non-null value; throws a message (a `string`) when the value cannot convert. */
export type Converter = (value: unknown) => unknown;

const TYPE_NAMES: Record<string, SqlType> = {
  VARCHAR: 'VARCHAR',
  CHAR: 'VARCHAR',
  STRING: 'VARCHAR',
  CHARACTER: 'VARCHAR',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  SMALLINT: 'INTEGER',
  TINYINT: 'INTEGER',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  REAL: 'DOUBLE',
  FLOAT: 'DOUBLE',
  DECIMAL: 'DOUBLE',
  NUMERIC: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
};

/**
 * The engine type of a SQL type name: CHAR/STRING → VARCHAR (lengths are not enforced),
 * SMALLINT/TINYINT/INT → INTEGER, REAL/FLOAT/DECIMAL/NUMERIC → DOUBLE. Throws for others (DATE, TIME, ...).
 */
export function sqlTypeOf(typeName: TypeName): SqlType {
  const type = TYPE_NAMES[typeName.name];
  if (type === undefined) {
    throw new SqlValidationError(
      typeName.position,
      `type ${typeName.name} is not supported; types: ${Object.keys(TYPE_NAMES).join(', ')}`,
    );
  }
  return type;
}

/** Thrown by converters; the compiler wraps it into an ExpressionEvaluationError. */
export class CastFailure extends Error {
  override readonly name = 'CastFailure';
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_TEXTS = new Set(['TRUE', 'T', 'YES', 'Y', '1']);
const FALSE_TEXTS = new Set(['FALSE', 'F', 'NO', 'N', '0']);
const INTEGER_MIN = -2_147_483_648;
const INTEGER_MAX = 2_147_483_647;

function quote(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`
    : String(value);
}

function toInteger(n: number, to: 'INTEGER' | 'BIGINT', original: unknown): number {
  if (!Number.isFinite(n))
    throw new CastFailure(`cannot CAST ${quote(original)} to ${to}: not a finite number`);
  const t = Math.trunc(n);
  const inRange = to === 'INTEGER' ? t >= INTEGER_MIN && t <= INTEGER_MAX : Number.isSafeInteger(t);
  if (!inRange) {
    throw new CastFailure(
      `cannot CAST ${quote(original)} to ${to}: out of range ${to === 'INTEGER' ? `[${INTEGER_MIN}, ${INTEGER_MAX}]` : '[-(2^53 - 1), 2^53 - 1]'}`,
    );
  }
  return t === 0 ? 0 : t; // no -0
}

/** A DOUBLE as Java's `Double.toString` writes it (`1.0`, `1.5E7`, `1.0E-4`), as Flink does. */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(n);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** The value's own type when the static type is ANY (a JSON value): decides the conversion. */
function runtimeType(value: unknown): SqlType {
  switch (typeof value) {
    case 'string':
      return 'VARCHAR';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'ANY';
  }
}

function fromVarchar(to: SqlType): Converter | undefined {
  switch (to) {
    case 'INTEGER':
    case 'BIGINT':
      return (v) => {
        const text = (v as string).trim();
        if (!INTEGER_TEXT.test(text))
          throw new CastFailure(`cannot CAST ${quote(v)} to ${to}: not an integer`);
        return toInteger(Number(text), to, v);
      };
    case 'DOUBLE':
      return (v) => {
        const text = (v as string).trim();
        if (DOUBLE_TEXT.test(text)) return Number(text);
        if (text === 'NaN') return Number.NaN;
        if (text === 'Infinity' || text === '+Infinity') return Number.POSITIVE_INFINITY;
        if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
        throw new CastFailure(`cannot CAST ${quote(v)} to DOUBLE: not a number`);
      };
    case 'BOOLEAN':
      return (v) => {
        const text = (v as string).trim().toUpperCase();
        if (TRUE_TEXTS.has(text)) return true;
        if (FALSE_TEXTS.has(text)) return false;
        throw new CastFailure(
          `cannot CAST ${quote(v)} to BOOLEAN: expected TRUE/FALSE, T/F, YES/NO, Y/N or 1/0`,
        );
      };
    case 'TIMESTAMP':
      return (v) => {
        const ms = parseTimestampText(v as string);
        if (ms === undefined) {
          throw new CastFailure(
            `cannot CAST ${quote(v)} to TIMESTAMP: expected 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO 8601`,
          );
        }
        return ms;
      };
    default:
      return undefined;
  }
}

function toVarchar(from: SqlType): Converter | undefined {
  switch (from) {
    case 'INTEGER':
    case 'BIGINT':
      return (v) => String(v);
    case 'DOUBLE':
      return (v) => formatDouble(v as number);
    case 'BOOLEAN':
      return (v) => (v ? 'TRUE' : 'FALSE');
    case 'TIMESTAMP':
      return (v) => formatTimestamp(v as number);
    case 'ANY':
      return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
    default:
      return undefined;
  }
}

/**
 * How to convert a non-null value from one type to another, or `undefined` when SQL does not
 * allow the cast. Numbers ↔ VARCHAR/BOOLEAN, VARCHAR ↔ TIMESTAMP (UTC text), TIMESTAMP ↔
 * BIGINT/INTEGER (epoch milliseconds, our run-time form), ANY → anything by the value's own type.
 * Converters throw {@link CastFailure} for values that do not convert.
 */
export function converter(from: SqlType, to: SqlType): Converter | undefined {
  if (from === to && from !== 'ANY') return (v) => v;
  if (from === 'ANY') {
    return (v) => {
      const own = runtimeType(v);
      if (own === 'ANY') {
        if (to === 'VARCHAR') return JSON.stringify(v);
        throw new CastFailure(
          `cannot CAST ${JSON.stringify(v)} to ${to}: a JSON ${Array.isArray(v) ? 'array' : 'object'}`,
        );
      }
      const convert = converter(own, to);
      if (convert === undefined) throw new CastFailure(`cannot CAST ${quote(v)} to ${to}`);
      return convert(v);
    };
  }
  if (to === 'VARCHAR') return toVarchar(from);
  if (from === 'VARCHAR') return fromVarchar(to);
  if (isNumericType(from)) {
    if (to === 'INTEGER' || to === 'BIGINT') return (v) => toInteger(v as number, to, v);
    if (to === 'DOUBLE') return (v) => v;
    if (to === 'BOOLEAN') return (v) => v !== 0;
    if (to === 'TIMESTAMP')
      return from === 'DOUBLE' ? (v) => toInteger(v as number, 'BIGINT', v) : (v) => v;
    return undefined;
  }
  if (from === 'BOOLEAN' && isNumericType(to)) return (v) => (v ? 1 : 0);
  if (from === 'TIMESTAMP' && (to === 'BIGINT' || to === 'DOUBLE')) return (v) => v;
  if (from === 'TIMESTAMP' && to === 'INTEGER') return (v) => toInteger(v as number, 'INTEGER', v);
  return undefined;
}
