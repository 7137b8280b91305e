import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlValidationError } from '../../src/errors.js';
import { compileExpression } from '../../src/expressions/compile-expression.js';
import { ExpressionEvaluationError } from '../../src/expressions/expression-evaluation-error.js';
import type { ExpressionScope } from '../../src/expressions/expression-scope.js';
import type { Expr } from '../../src/sql/ast.js';
import type { SqlType } from '../../src/types.js';
import {
  call as callOf,
  cast,
  col,
  dbl,
  extract,
  floorTo,
  lit,
  step,
} from './support/ast-builders.js';

const call = (name: string, ...args: Expr[]): Expr => callOf(name, args);

const COLUMNS: Record<string, SqlType> = {
  s: 'VARCHAR',
  n: 'INTEGER',
  x: 'DOUBLE',
  ts: 'TIMESTAMP',
  b: 'BOOLEAN',
  j: 'ANY',
};
const scope: ExpressionScope = {
  column: (ref) => {
    const type = COLUMNS[ref.column.name];
    return type === undefined ? undefined : { type, key: ref.column.name };
  },
  columnNames: () => Object.keys(COLUMNS),
};
const evaluate = (expr: Expr, row: Record<string, unknown> = {}) =>
  compileExpression(expr, scope).evaluate(row);
const evaluationError = (
  expr: Expr,
  row: Record<string, unknown> = {},
): ExpressionEvaluationError => {
  try {
    evaluate(expr, row);
  } catch (error) {
    if (error instanceof ExpressionEvaluationError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionEvaluationError');
};

describe('string functions', () => {
  const cases: [string, Expr, unknown][] = [
    ['LOWER', call('LOWER', lit('AbC')), 'abc'],
    ['TRIM removes spaces only', call('TRIM', lit('  a b\t ')), 'a b\t'],
    ['LTRIM', call('LTRIM', lit('  ab  ')), 'ab  '],
    ['RTRIM', call('RTRIM', lit('  ab  ')), '  ab'],
    ['CHAR_LENGTH', call('CHAR_LENGTH', lit('héllo')), 5],
    ['CHARACTER_LENGTH of empty', call('CHARACTER_LENGTH', lit('')), 0],
    ['SUBSTRING from 2', call('SUBSTRING', lit('kinesis'), lit(2)), 'inesis'],
    ['SUBSTRING(s, 2, 3)', call('SUBSTRING', lit('kinesis'), lit(2), lit(3)), 'ine'],
    [
      'SUBSTRING from 0 takes one less (SQL standard)',
      call('SUBSTRING', lit('abc'), lit(0), lit(2)),
      'a',
    ],
    ['SUBSTRING beyond the end', call('SUBSTRING', lit('abc'), lit(5), lit(2)), ''],
    ['SUBSTRING with NULL length', call('SUBSTRING', lit('abc'), lit(1), lit(null)), null],
    ['POSITION found (1-based)', call('POSITION', lit('ne'), lit('kinesis')), 3],
    ['POSITION not found', call('POSITION', lit('zz'), lit('kinesis')), 0],
    ['CONCAT', call('CONCAT', lit('a'), lit('b'), lit('c')), 'abc'],
    ['CONCAT with NULL is NULL (Flink)', call('CONCAT', lit('a'), lit(null)), null],
    [
      'REPLACE all, no regex or $ patterns',
      call('REPLACE', lit('a.b.c'), lit('.'), lit('$&')),
      'a$&b$&c',
    ],
    ['REGEXP_EXTRACT group', call('REGEXP_EXTRACT', lit('id=42;'), lit('id=(\\d+)'), lit(1)), '42'],
    ['REGEXP_EXTRACT no match', call('REGEXP_EXTRACT', lit('x'), lit('\\d')), null],
  ];
  it.each(cases)('%s', (_label, expr, expected) => {
    expect(evaluate(expr)).toBe(expected);
  });

  it('fails the row for a negative SUBSTRING length', () => {
    expect(
      evaluationError(call('SUBSTRING', col('s'), lit(1), col('n')), { s: 'abc', n: -1 }).message,
    ).toMatch(/SUBSTRING length must not be negative, got -1/);
  });

  it('refuses an invalid constant regular expression at compile time', () => {
    expect(() => compileExpression(call('REGEXP_EXTRACT', col('s'), lit('(')), scope)).toThrow(
      SqlValidationError,
    );
  });

  it("names the regular expression dialect when it refuses Java's (?i)", () => {
    expect(() =>
      compileExpression(call('REGEXP_EXTRACT', col('s'), lit('(?i)abc')), scope),
    ).toThrow(
      /REGEXP_EXTRACT: invalid regular expression '\(\?i\)abc' \(JavaScript RegExp syntax; Java's inline flags such as \(\?i\) are not supported\)/,
    );
  });
});

describe('math and conditional functions', () => {
  const cases: [string, Expr, unknown][] = [
    ['ABS', call('ABS', lit(-3)), 3],
    ['FLOOR of a number', call('FLOOR', dbl(-2.5)), -3],
    ['CEIL of a number', call('CEIL', dbl(2.1)), 3],
    ['ROUND half away from zero', call('ROUND', dbl(2.5)), 3],
    ['ROUND negative half away from zero', call('ROUND', dbl(-2.5)), -3],
    ['ROUND(1.005, 2) on the decimal text', call('ROUND', dbl(1.005), lit(2)), 1.01],
    ['ROUND to tens', call('ROUND', lit(1250), lit(-2)), 1300],
    ['ROUND of a number written with a negative exponent', call('ROUND', dbl(1e-7), lit(2)), 0],
    ['ROUND of 1.5e-7 to 7 digits', call('ROUND', dbl(1.5e-7), lit(7)), 2e-7],
    ['ROUND of a number written with a positive exponent', call('ROUND', dbl(1e21)), 1e21],
    ['ROUND of -1.5e21 to -20 digits', call('ROUND', dbl(-1.5e21), lit(-20)), -1.5e21],
    ['ROUND to more digits than a double holds', call('ROUND', dbl(1.5), lit(400)), 1.5],
    ['MOD', call('MOD', lit(-7), lit(3)), -1],
    ['POWER', call('POWER', lit(2), lit(10)), 1024],
    ['SQRT', call('SQRT', lit(16)), 4],
    ['LN(1)', call('LN', lit(1)), 0],
    ['EXP(0)', call('EXP', lit(0)), 1],
    ['COALESCE', call('COALESCE', lit(null), col('n'), lit(5)), 5],
    ['COALESCE of two', call('COALESCE', col('s'), lit('dflt')), 'dflt'],
    ['NULLIF equal', call('NULLIF', lit(3), lit(3)), null],
    ['NULLIF different', call('NULLIF', lit(3), lit(4)), 3],
    ['GREATEST', call('GREATEST', lit(3), dbl(7.5), lit(5)), 7.5],
    ['LEAST of strings', call('LEAST', lit('b'), lit('a')), 'a'],
    ['GREATEST with NULL is NULL', call('GREATEST', lit(3), lit(null)), null],
  ];
  it.each(cases)('%s', (_label, expr, expected) => {
    expect(evaluate(expr)).toBe(expected);
  });

  it('types ABS/ROUND like their argument and POWER/SQRT as DOUBLE', () => {
    expect(compileExpression(call('ABS', col('n')), scope).type).toBe('INTEGER');
    expect(compileExpression(call('ROUND', col('x'), lit(1)), scope).type).toBe('DOUBLE');
    expect(compileExpression(call('POWER', col('n'), lit(2)), scope).type).toBe('DOUBLE');
    expect(compileExpression(call('COALESCE', col('n'), col('x')), scope).type).toBe('DOUBLE');
  });

  it('agrees with a brute-force half-up rounding of decimal text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        (cents, digits) => {
          // cents / 1000 has exactly 3 decimals: round its decimal string by hand.
          const x = cents / 1000;
          const scaled = Math.abs(cents) * 10 ** digits; // x * 10^digits * 1000, exact integer
          const rounded = Math.floor((scaled + 500) / 1000); // half up on the magnitude
          const expected = (Math.sign(cents) * rounded) / 10 ** digits;
          expect(evaluate(call('ROUND', dbl(x), lit(digits)))).toBe(expected === 0 ? 0 : expected);
        },
      ),
    );
  });
});

describe('CAST', () => {
  const cases: [string, Expr, unknown][] = [
    ["' 42 ' AS INTEGER (trimmed)", cast(lit(' 42 '), 'INTEGER'), 42],
    ["'-7' AS BIGINT", cast(lit('-7'), 'BIGINT'), -7],
    ["'1.5e3' AS DOUBLE", cast(lit('1.5e3'), 'DOUBLE'), 1500],
    ["'.5' AS DECIMAL (computed as DOUBLE)", cast(lit('.5'), 'DECIMAL'), 0.5],
    ['2.9 AS INTEGER truncates', cast(dbl(2.9), 'INTEGER'), 2],
    ['-2.9 AS INT truncates toward zero', cast(dbl(-2.9), 'INT'), -2],
    ['42 AS VARCHAR', cast(lit(42), 'VARCHAR'), '42'],
    ['1.0 AS VARCHAR is 1.0 (Java)', cast(dbl(1), 'VARCHAR'), '1.0'],
    ['1.5e7 AS STRING is 1.5E7 (Java)', cast(dbl(1.5e7), 'STRING'), '1.5E7'],
    ['0.0001 AS VARCHAR is 1.0E-4 (Java)', cast(dbl(0.0001), 'VARCHAR'), '1.0E-4'],
    ['TRUE AS VARCHAR', cast(lit(true), 'VARCHAR'), 'TRUE'],
    ["'yes' AS BOOLEAN", cast(lit('yes'), 'BOOLEAN'), true],
    ["'FALSE' AS BOOLEAN", cast(lit('FALSE'), 'BOOLEAN'), false],
    ['0 AS BOOLEAN', cast(lit(0), 'BOOLEAN'), false],
    ['TRUE AS INTEGER', cast(lit(true), 'INTEGER'), 1],
    [
      "'2026-01-27 10:00:00' AS TIMESTAMP (UTC)",
      cast(lit('2026-01-27 10:00:00'), 'TIMESTAMP'),
      Date.UTC(2026, 0, 27, 10),
    ],
    [
      'ISO text with Z and ms',
      cast(lit('2026-01-27T10:00:00.123Z'), 'TIMESTAMP'),
      Date.UTC(2026, 0, 27, 10, 0, 0, 123),
    ],
    [
      'ISO text with an offset',
      cast(lit('2026-01-27T10:00+02:00'), 'TIMESTAMP'),
      Date.UTC(2026, 0, 27, 8),
    ],
    ['a date alone is midnight', cast(lit('2026-01-27'), 'TIMESTAMP'), Date.UTC(2026, 0, 27)],
    [
      'TIMESTAMP AS VARCHAR',
      cast(cast(lit('2026-01-27 10:00:00.5'), 'TIMESTAMP'), 'VARCHAR'),
      '2026-01-27 10:00:00.500',
    ],
    [
      'TIMESTAMP AS BIGINT is epoch ms',
      cast(cast(lit('1970-01-01 00:00:01'), 'TIMESTAMP'), 'BIGINT'),
      1000,
    ],
    ['NULL AS INTEGER', cast(lit(null), 'INTEGER'), null],
  ];
  it.each(cases)('%s', (_label, expr, expected) => {
    expect(evaluate(expr)).toBe(expected);
  });

  it('converts ANY (JSON) values by their own type', () => {
    expect(evaluate(cast(col('j'), 'INTEGER'), { j: '12' })).toBe(12);
    expect(evaluate(cast(col('j'), 'VARCHAR'), { j: { a: [1] } })).toBe('{"a":[1]}');
    expect(evaluate(cast(col('j'), 'DOUBLE'), { j: 2.5 })).toBe(2.5);
  });

  it.each([
    [
      "'abc' AS INTEGER",
      cast(col('s'), 'INTEGER'),
      { s: 'abc' },
      /cannot CAST 'abc' to INTEGER: not an integer/,
    ],
    ["'1.5' AS INTEGER", cast(col('s'), 'INTEGER'), { s: '1.5' }, /not an integer/],
    ["'' AS DOUBLE", cast(col('s'), 'DOUBLE'), { s: '' }, /cannot CAST '' to DOUBLE: not a number/],
    [
      '3000000000 AS INTEGER',
      cast(col('s'), 'INTEGER'),
      { s: '3000000000' },
      /out of range \[-2147483648, 2147483647\]/,
    ],
    [
      "'maybe' AS BOOLEAN",
      cast(col('s'), 'BOOLEAN'),
      { s: 'maybe' },
      /cannot CAST 'maybe' to BOOLEAN/,
    ],
    [
      "'2026-02-30' AS TIMESTAMP",
      cast(col('s'), 'TIMESTAMP'),
      { s: '2026-02-30' },
      /cannot CAST '2026-02-30' to TIMESTAMP/,
    ],
    ['NaN AS BIGINT', cast(col('x'), 'BIGINT'), { x: Number.NaN }, /not a finite number/],
    ['a JSON object AS INTEGER', cast(col('j'), 'INTEGER'), { j: { a: 1 } }, /a JSON object/],
  ] as const)('fails the row for %s (error_stream)', (_label, expr, row, message) => {
    const error = evaluationError(expr, row);
    expect(error.code).toBe('EvaluationFailed');
    expect(error.message).toMatch(message);
  });

  it('refuses casts SQL does not allow, and unknown types, at compile time', () => {
    expect(() => compileExpression(cast(col('b'), 'TIMESTAMP'), scope)).toThrow(
      /CAST from BOOLEAN to TIMESTAMP is not supported/,
    );
    expect(() => compileExpression(cast(col('s'), 'DATE'), scope)).toThrow(
      /type DATE is not supported; types: VARCHAR/,
    );
  });

  it('round-trips integers through VARCHAR', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(evaluate(cast(cast(col('n'), 'VARCHAR'), 'INTEGER'), { n })).toBe(n);
      }),
    );
  });

  it('round-trips doubles through VARCHAR', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const back = evaluate(cast(cast(col('x'), 'VARCHAR'), 'DOUBLE'), { x }) as number;
        expect(back).toBe(x); // Object.is: -0.0 must come back as -0
      }),
    );
  });
});

describe('time functions', () => {
  const ts = Date.UTC(2026, 0, 27, 10, 37, 42, 123);
  const run = (expr: Expr, t: number | null = ts) => evaluate(expr, { ts: t });

  it.each([
    ['SECOND', Date.UTC(2026, 0, 27, 10, 37, 42)],
    ['MINUTE', Date.UTC(2026, 0, 27, 10, 37)],
    ['HOUR', Date.UTC(2026, 0, 27, 10)],
    ['DAY', Date.UTC(2026, 0, 27)],
    ['MONTH', Date.UTC(2026, 0, 1)],
    ['YEAR', Date.UTC(2026, 0, 1)],
  ] as const)('FLOOR(ts TO %s)', (unit, expected) => {
    expect(run(floorTo(col('ts'), unit))).toBe(expected);
  });

  it.each([
    ['MINUTE', Date.UTC(2026, 0, 27, 10, 38)],
    ['HOUR', Date.UTC(2026, 0, 27, 11)],
    ['DAY', Date.UTC(2026, 0, 28)],
    ['MONTH', Date.UTC(2026, 1, 1)],
  ] as const)('CEIL(ts TO %s)', (unit, expected) => {
    expect(run(floorTo(col('ts'), unit, 'CEIL'))).toBe(expected);
  });

  it('CEIL keeps a time already on the boundary', () => {
    expect(run(floorTo(col('ts'), 'HOUR', 'CEIL'), Date.UTC(2026, 0, 27, 10))).toBe(
      Date.UTC(2026, 0, 27, 10),
    );
  });

  it('refuses FLOOR TO WEEK, naming the units', () => {
    expect(() => compileExpression(floorTo(col('ts'), 'WEEK'), scope)).toThrow(
      /FLOOR\(... TO WEEK\) is not supported; units: MILLISECOND, SECOND/,
    );
  });

  it('STEP(ts BY INTERVAL 10 SECOND) rounds down to multiples of 10 s since 1970', () => {
    expect(run(step(col('ts'), 10_000))).toBe(Date.UTC(2026, 0, 27, 10, 37, 40));
    expect(run(step(col('ts'), 10_000), -1)).toBe(-10_000);
    expect(run(step(col('ts'), 10_000), null)).toBeNull();
  });

  it.each([
    ['YEAR', 2026],
    ['MONTH', 1],
    ['DAY', 27],
    ['HOUR', 10],
    ['MINUTE', 37],
    ['SECOND', 42],
    ['MILLISECOND', 42_123],
    ['WEEK', 5],
  ] as const)('EXTRACT(%s FROM ts)', (unit, expected) => {
    expect(run(extract(unit, col('ts')))).toBe(expected);
  });

  it('FLOOR, CEIL and EXTRACT agree with Date on random times (also before 1970)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5e12, max: 5e12 }), (t) => {
        const d = new Date(t);
        expect(run(extract('YEAR', col('ts')), t)).toBe(d.getUTCFullYear());
        expect(run(extract('MONTH', col('ts')), t)).toBe(d.getUTCMonth() + 1);
        expect(run(extract('DAY', col('ts')), t)).toBe(d.getUTCDate());
        expect(run(extract('HOUR', col('ts')), t)).toBe(d.getUTCHours());
        expect(run(extract('SECOND', col('ts')), t)).toBe(d.getUTCSeconds());
        expect(run(floorTo(col('ts'), 'DAY'), t)).toBe(
          Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
        );
        expect(run(floorTo(col('ts'), 'MONTH'), t)).toBe(
          Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        );
        const ceil = run(floorTo(col('ts'), 'MINUTE', 'CEIL'), t) as number;
        expect(Math.abs(ceil % 60_000)).toBe(0);
        expect(ceil - t).toBeGreaterThanOrEqual(0);
        expect(ceil - t).toBeLessThan(60_000);
      }),
    );
  });

  it('EXTRACT(WEEK) is the ISO week', () => {
    expect(run(extract('WEEK', col('ts')), Date.UTC(2021, 0, 3))).toBe(53); // Sunday of 2020-W53
    expect(run(extract('WEEK', col('ts')), Date.UTC(2021, 0, 4))).toBe(1);
    expect(run(extract('WEEK', col('ts')), Date.UTC(2024, 11, 30))).toBe(1); // Monday of 2025-W01
  });

  it('CHAR_TO_TIMESTAMP and TIMESTAMP_TO_CHAR take Java SimpleDateFormat patterns', () => {
    expect(
      evaluate(call('CHAR_TO_TIMESTAMP', lit('yyyy-MM-dd HH:mm:ss'), lit('2026-01-27 10:37:42'))),
    ).toBe(Date.UTC(2026, 0, 27, 10, 37, 42));
    expect(
      evaluate(call('CHAR_TO_TIMESTAMP', lit("dd/MMM/yyyy'T'HH:mm"), lit('27/Jan/2026T10:37'))),
    ).toBe(Date.UTC(2026, 0, 27, 10, 37));
    expect(
      evaluate(call('CHAR_TO_TIMESTAMP', lit('yyyyMMddHHmmssSSS'), lit('20260127103742123'))),
    ).toBe(ts);
    expect(run(call('TIMESTAMP_TO_CHAR', lit('yyyy-MM-dd HH:mm:ss.SSS'), col('ts')))).toBe(
      '2026-01-27 10:37:42.123',
    );
    expect(run(call('TIMESTAMP_TO_CHAR', lit("d.M.yy 'at' H"), col('ts')))).toBe('27.1.26 at 10');
  });

  it('round-trips random times through TIMESTAMP_TO_CHAR and CHAR_TO_TIMESTAMP', () => {
    const format = lit('yyyy-MM-dd HH:mm:ss.SSS');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), (t) => {
        expect(
          evaluate(
            call('CHAR_TO_TIMESTAMP', format, call('TIMESTAMP_TO_CHAR', format, col('ts'))),
            { ts: t },
          ),
        ).toBe(t);
      }),
    );
  });

  it('fails the row when CHAR_TO_TIMESTAMP text does not match the format', () => {
    expect(
      evaluationError(call('CHAR_TO_TIMESTAMP', lit('yyyy-MM-dd'), col('s')), { s: '27.01.2026' })
        .message,
    ).toMatch(/CHAR_TO_TIMESTAMP: '27.01.2026' does not match the format 'yyyy-MM-dd'/);
    expect(() =>
      evaluate(call('CHAR_TO_TIMESTAMP', lit('yyyy-MM-dd'), col('s')), { s: '2026-02-30' }),
    ).toThrow(ExpressionEvaluationError);
  });

  it('refuses unsupported pattern letters at compile time, naming the supported ones', () => {
    expect(() =>
      compileExpression(call('TIMESTAMP_TO_CHAR', lit('hh:mm a'), col('ts')), scope),
    ).toThrow(
      /TIMESTAMP_TO_CHAR: format letter 'h' in 'hh:mm a' is not supported; supported: y \(year\)/,
    );
  });

  it('TO_TIMESTAMP takes epoch milliseconds, ISO text, or text and a format; bad text is NULL', () => {
    expect(evaluate(call('TO_TIMESTAMP', lit(1000)))).toBe(1000);
    expect(evaluate(call('TO_TIMESTAMP', lit('2026-01-27T10:00:00Z')))).toBe(
      Date.UTC(2026, 0, 27, 10),
    );
    expect(evaluate(call('TO_TIMESTAMP', lit('27.01.2026'), lit('dd.MM.yyyy')))).toBe(
      Date.UTC(2026, 0, 27),
    );
    expect(evaluate(call('TO_TIMESTAMP', lit('garbage')))).toBeNull();
    expect(compileExpression(call('TO_TIMESTAMP', col('n')), scope).type).toBe('TIMESTAMP');
    expect(() => compileExpression(call('TO_TIMESTAMP', col('b')), scope)).toThrow(
      /TO_TIMESTAMP expects/,
    );
  });

  it('names the operand type for time operations on non-timestamps', () => {
    expect(() => compileExpression(extract('HOUR', col('s')), scope)).toThrow(
      /EXTRACT\(HOUR FROM ...\) expects TIMESTAMP, got VARCHAR \(argument 1\)/,
    );
    expect(() => compileExpression(step(col('n'), 1000), scope)).toThrow(
      /STEP expects TIMESTAMP, got INTEGER/,
    );
  });
});
