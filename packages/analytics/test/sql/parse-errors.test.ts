import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlError, SqlSyntaxError, SqlValidationError } from '../../src/errors.js';
import { parseSql } from '../../src/sql/parser.js';

/** The error `parseSql(text)` throws (fails the test when it parses). */
function errorOf(text: string): SqlError {
  try {
    parseSql(text);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${text}`);
}

function syntaxErrorOf(text: string): SqlSyntaxError {
  const error = errorOf(text);
  if (!(error instanceof SqlSyntaxError)) throw new Error(`not a syntax error: ${error.message}`);
  return error;
}

const EXPRESSION_START = [
  '-',
  '(',
  'number',
  'string',
  'TRUE',
  'FALSE',
  'NULL',
  'INTERVAL',
  'CASE',
  'CAST',
  'identifier',
];

describe('syntax errors', () => {
  it('point at the line and column of the offending token in multi-line text', () => {
    const text = [
      'SELECT STREAM url,',
      '       COUNT(*) AS c',
      'FROM "S" WHERE url = = \'x\'',
    ].join('\n');
    const error = syntaxErrorOf(text);
    expect(error.position).toEqual({ line: 3, column: 22, offset: text.lastIndexOf('= ') });
    expect(error.found).toBe("'='");
    expect(error.expected).toEqual(EXPRESSION_START);
    expect(error.message).toBe(
      `line 3, column 22: found '=', expected one of ${EXPRESSION_START.join(', ')}`,
    );
    expect(error.code).toBe('SqlSyntax');
  });

  it('say end of input, at the end, when the text stops early', () => {
    const text = 'SELECT a\nFROM t\nWHERE';
    const error = syntaxErrorOf(text);
    expect(error.found).toBe('end of input');
    expect(error.position).toEqual({ line: 3, column: 6, offset: text.length });
    expect(error.expected).toEqual(['NOT', ...EXPRESSION_START]);
  });

  it.each([
    ['SELECT a FROM t GROUP url', "'url'", ['BY'], 1, 23],
    ['SELECT a, FROM t', "'FROM'", ['*', 'NOT', ...EXPRESSION_START], 1, 11],
    ['SELECT a b c FROM t', "'c'", [',', 'FROM'], 1, 12],
    ['SELECT a FROM', 'end of input', ['(', 'TABLE', 'identifier'], 1, 14],
    ['CREATE OR REPLACE PUMP "P" INSERT INTO x SELECT a FROM t', "'INSERT'", ['AS'], 1, 28],
    [
      'CREATE OR REPLACE FUNCTION f',
      "'FUNCTION'",
      ['TEMPORARY', 'STREAM', 'PUMP', 'VIEW', 'TABLE'],
      1,
      19,
    ],
    ['DELETE FROM t', "'DELETE'", [';', 'SELECT', 'INSERT', 'CREATE', 'WITH'], 1, 1],
    [
      'SELECT a FROM t;\n  SELECT b FROM t t2 t3',
      "'t3'",
      [
        'WINDOWED',
        'WHERE',
        'GROUP',
        'HAVING',
        'WINDOW',
        'ORDER',
        'LIMIT',
        'FETCH',
        'OFFSET',
        'UNION',
        'EXCEPT',
        'INTERSECT',
        'MINUS',
        'JOIN',
        'INNER',
        'LEFT',
        'RIGHT',
        'FULL',
        'CROSS',
        ',',
        ';',
      ],
      2,
      22,
    ],
    ['SELECT CAST(a AS) FROM t', "')'", ['type name'], 1, 17],
    [
      'SELECT FLOOR(ts TO FORTNIGHT) FROM t',
      "'FORTNIGHT'",
      ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'],
      1,
      20,
    ],
  ])('%s', (text, found, expected, line, column) => {
    const error = syntaxErrorOf(text);
    expect(error.found).toBe(found);
    expect([...error.expected].sort()).toEqual([...expected].sort());
    expect(error.position).toMatchObject({ line, column });
  });

  it('report unterminated strings, identifiers and comments where they start', () => {
    expect(syntaxErrorOf("SELECT a FROM t\nWHERE b = 'abc").position).toMatchObject({
      line: 2,
      column: 11,
    });
    expect(syntaxErrorOf("SELECT a FROM t WHERE b = 'abc").message).toMatch(/unterminated string/);
    expect(syntaxErrorOf('SELECT "a FROM t').message).toMatch(/unterminated quoted identifier/);
    expect(syntaxErrorOf('SELECT a /* never closed').message).toMatch(/unterminated comment/);
    expect(syntaxErrorOf('SELECT "" FROM t').message).toMatch(/empty quoted identifier/);
  });

  it('name an unexpected character', () => {
    const error = syntaxErrorOf('SELECT a\n  # b FROM t');
    expect(error.found).toBe("'#'");
    expect(error.position).toMatchObject({ line: 2, column: 3 });
  });

  it('name a window TVF argument that is missing, unknown or of the wrong kind', () => {
    expect(syntaxErrorOf('SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))').message).toMatch(
      /TUMBLE is missing SIZE: it takes DATA, TIMECOL, SIZE, OFFSET/,
    );
    const wrongKind = syntaxErrorOf(
      "SELECT * FROM TABLE(TUMBLE(TABLE t, ts, INTERVAL '1' SECOND))",
    );
    expect(wrongKind.message).toMatch(/TUMBLE's TIMECOL argument must be DESCRIPTOR\(column\)/);
    expect(wrongKind.found).toBe("'ts'");
    expect(wrongKind.position.column).toBe(37);
    expect(
      syntaxErrorOf('SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), 10))').message,
    ).toMatch(/SIZE argument must be an INTERVAL/);
    expect(
      syntaxErrorOf("SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, WIDTH => INTERVAL '1' SECOND))")
        .message,
    ).toMatch(/unknown argument WIDTH of TUMBLE; its arguments: DATA, TIMECOL, SIZE, OFFSET/);
    expect(
      syntaxErrorOf(
        "SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' SECOND))",
      ).message,
    ).toMatch(/too many arguments to SESSION/);
  });
});

describe('constructs the engine does not run', () => {
  it.each([
    ['SELECT STREAM a FROM "S" ORDER BY a', 'ORDER BY is not supported on a stream', 1, 26],
    ['SELECT a FROM t\nWHERE a > 1\nLIMIT 10', 'LIMIT is not supported on a stream', 3, 1],
    ['SELECT a FROM t JOIN u ON t.k = u.k', 'JOIN is not supported yet', 1, 17],
    ['SELECT a FROM t LEFT JOIN u ON t.k = u.k', 'JOIN is not supported yet', 1, 17],
    [
      'SELECT a FROM t, u',
      'JOIN is not supported yet (a comma between FROM items joins them)',
      1,
      16,
    ],
    ['SELECT a FROM t UNION SELECT a FROM u', 'UNION is not supported yet', 1, 17],
    [
      `SELECT STREAM k, COUNT(*) FROM "S" WINDOWED BY STAGGER (PARTITION BY k RANGE INTERVAL '1' MINUTE)`,
      'WINDOWED BY STAGGER is not supported yet',
      1,
      36,
    ],
    [
      'SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "S")))',
      'RANDOM_CUT_FOREST is not supported yet; table functions: TUMBLE, HOP, CUMULATE, SESSION, TOP_K_ITEMS_TUMBLING',
      1,
      28,
    ],
    ['CREATE OR REPLACE VIEW v AS SELECT a FROM t', 'CREATE VIEW is not supported yet', 1, 19],
    [
      'WITH x AS (SELECT a FROM t) SELECT a FROM x',
      'WITH (common table expressions) is not supported yet',
      1,
      1,
    ],
    ['SELECT a FROM t WHERE a IN (SELECT b FROM u)', 'IN (SELECT ...) is not supported yet', 1, 29],
    [
      'SELECT SUM(a) OVER (ORDER BY ts ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t',
      'FOLLOWING is not supported on a stream',
      1,
      48,
    ],
    [
      'SELECT a FROM (SELECT a FROM t ORDER BY a) AS x',
      'ORDER BY is not supported on a stream',
      1,
      32,
    ],
  ])('%s', (text, message, line, column) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(SqlValidationError);
    expect(error.message).toBe(`line ${line}, column ${column}: ${message}`);
    expect(error.position).toMatchObject({ line, column });
  });
});

// A vocabulary close to the grammar, so random soups reach deep into the parser.
const VOCABULARY = [
  'SELECT',
  'STREAM',
  'DISTINCT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'HAVING',
  'WINDOW',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'IN',
  'LIKE',
  'ESCAPE',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'INTERVAL',
  'SECOND',
  'MINUTE',
  'HOUR',
  'TO',
  'TABLE',
  'TUMBLE',
  'HOP',
  'SESSION',
  'CUMULATE',
  'DESCRIPTOR',
  'CURSOR',
  'TOP_K_ITEMS_TUMBLING',
  'CREATE',
  'OR',
  'REPLACE',
  'PUMP',
  'INSERT',
  'INTO',
  'OVER',
  'PARTITION',
  'RANGE',
  'ROWS',
  'PRECEDING',
  'CURRENT',
  'ROW',
  'ORDER',
  'STEP',
  'FLOOR',
  'CEIL',
  'EXTRACT',
  'TIMESTAMP',
  'WATERMARK',
  'FOR',
  'WITH',
  'COUNT',
  'UNBOUNDED',
  'DATA',
  'SIZE',
  'TIMECOL',
  'JOIN',
  'LIMIT',
  'WINDOWED',
  'a',
  'b',
  '"S"',
  '`t`',
  '"a""b"',
  '1',
  '2.5',
  '1e3',
  "'x'",
  "'10'",
  "'1:30'",
  "'2026-01-27 10:00:00'",
  "'it''s'",
  '(',
  ')',
  ',',
  ';',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '||',
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '=>',
  '--c\n',
  '/*c*/',
  '\n',
];

function assertTypedError(text: string): void {
  try {
    parseSql(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SqlError);
    const { position } = error as SqlError;
    expect(position.offset).toBeGreaterThanOrEqual(0);
    expect(position.offset).toBeLessThanOrEqual(text.length);
    // line/column and offset must name the same place.
    const before = text.slice(0, position.offset).split('\n');
    expect(position.line).toBe(before.length);
    expect(position.column).toBe((before.at(-1) as string).length + 1);
    if (error instanceof SqlSyntaxError && error.found !== 'end of input') {
      const unquoted = error.found.startsWith("'") ? error.found.slice(1, -1) : error.found;
      const at = text.slice(position.offset);
      expect(at.startsWith(error.found) || at.startsWith(unquoted)).toBe(true);
    }
  }
}

describe('robustness', () => {
  it('random strings never crash with anything but a typed SqlError at a real place', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), assertTypedError), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), assertTypedError), {
      numRuns: 500,
    });
  });

  it('random token soups never crash with anything but a typed SqlError at a real place', () => {
    const soup = fc
      .array(fc.constantFrom(...VOCABULARY), { maxLength: 40 })
      .map((tokens) => tokens.join(' '));
    fc.assert(fc.property(soup, assertTypedError), { numRuns: 5000 });
  });

  it('random prefixes of valid queries fail with a typed error at or before the cut', () => {
    const text = `CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" SELECT STREAM url, COUNT(*) AS c,
      AVG(x) OVER (PARTITION BY url ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)
      FROM TABLE(HOP(DATA => TABLE v, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '5' SECOND, SIZE => INTERVAL '1' MINUTE))
      WHERE CASE WHEN a BETWEEN 1 AND 2 THEN TRUE ELSE b NOT LIKE 'x%' END
      GROUP BY url, STEP(v.ROWTIME BY INTERVAL '10' SECOND) HAVING COUNT(*) > 1`;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), (cut) => {
        const prefix = text.slice(0, cut);
        assertTypedError(prefix);
      }),
      { numRuns: 500 },
    );
  });
});

describe('deep nesting', () => {
  it('parses nesting within the limit and refuses deeper nesting with a typed error', () => {
    expect(() => parseSql(`SELECT ${'('.repeat(200)}a${')'.repeat(200)} FROM t`)).not.toThrow();
    expect(() => parseSql(`SELECT ${'- '.repeat(200)}a FROM t`)).not.toThrow();
    expect(() =>
      parseSql(`SELECT a${' + a'.repeat(300)} FROM t WHERE a${' OR a'.repeat(300)}`),
    ).not.toThrow();
    for (const deep of [
      `SELECT ${'('.repeat(100_000)}a FROM t`,
      `SELECT ${'NOT '.repeat(100_000)}a FROM t`,
      `SELECT ${'- '.repeat(100_000)}a FROM t`,
      `SELECT a FROM ${'(SELECT a FROM '.repeat(10_000)}t`,
      // A long chain of operators makes a tree as deep as its length, which printers recurse into.
      `SELECT a${' * a'.repeat(100_000)} FROM t`,
      `SELECT a FROM t WHERE a${' AND a'.repeat(100_000)}`,
      `SELECT a FROM t WHERE a${' = a'.repeat(100_000)}`,
    ]) {
      const error = syntaxErrorOf(deep);
      expect(error.message).toMatch(/nested more than 500 levels deep/);
    }
  });
});
