import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSql } from '../../src/sql/format-sql.js';
import { parseSql } from '../../src/sql/parser.js';

const strip = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (key === 'position' ? undefined : v)));

/** Text → tree → text → tree gives the first tree back. */
function roundTrips(text: string, quote: '"' | '`' = '"'): void {
  const tree = parseSql(text);
  const printed = formatSql(tree, { identifierQuote: quote });
  expect(strip(parseSql(printed))).toEqual(strip(tree));
}

// Valid expressions of every form, nested at random, to check the printer's parentheses.
// Predicates and NOT are parenthesized where written: the grammar does not take them as operands
// of + or =, and the printer must find out by itself which of these parentheses it needs.
const { expr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    fc.constantFrom('a', 'b', 't.c', '"Q""x"', '`bq`', 'ROWTIME', '"S".ROWTIME'),
    fc.nat({ max: 1000 }).map(String),
    fc.double({ min: 0, max: 1e6, noNaN: true }).map((d) => d.toString()),
    fc.string({ maxLength: 6 }).map((s) => `'${s.replaceAll("'", "''")}'`),
    fc.constantFrom(
      'TRUE',
      'FALSE',
      'NULL',
      "INTERVAL '10' SECOND",
      "INTERVAL '1:30' MINUTE TO SECOND",
      "(INTERVAL '2' HOUR)",
    ),
    fc.constantFrom("TIMESTAMP '2026-01-27 10:00:00.123'", 'COUNT(*)', 'COUNT(DISTINCT a)'),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc
      .tuple(
        tie('expr'),
        fc.constantFrom(
          '+',
          '-',
          '*',
          '/',
          '%',
          '||',
          '=',
          '<>',
          '<',
          '<=',
          '>',
          '>=',
          'AND',
          'OR',
        ),
        tie('expr'),
      )
      .map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `(NOT ${e})`),
    tie('expr').map((e) => `- ${e}`),
    fc.tuple(tie('expr'), fc.boolean()).map(([e, not]) => `(${e} IS ${not ? 'NOT ' : ''}NULL)`),
    fc
      .tuple(tie('atom'), tie('atom'), tie('atom'))
      .map(([a, b, c]) => `(${a} BETWEEN ${b} AND ${c})`),
    fc
      .tuple(tie('atom'), fc.array(tie('atom'), { minLength: 1, maxLength: 3 }))
      .map(([a, list]) => `(${a} NOT IN (${list.join(', ')}))`),
    fc.tuple(tie('atom'), tie('atom')).map(([a, b]) => `(${a} LIKE ${b})`),
    fc
      .tuple(tie('expr'), tie('expr'), tie('expr'))
      .map(([a, b, c]) => `CASE WHEN ${a} THEN ${b} ELSE ${c} END`),
    tie('expr').map((e) => `CAST(${e} AS DECIMAL(10, 2))`),
    tie('expr').map((e) => `UPPER(${e})`),
    tie('expr').map((e) => `FLOOR(${e} TO MINUTE)`),
    tie('expr').map((e) => `EXTRACT(HOUR FROM ${e})`),
    tie('expr').map((e) => `STEP(${e} BY INTERVAL '10' SECOND)`),
    tie('expr').map((e) => `AVG(${e}) OVER (PARTITION BY a ORDER BY ROWTIME ROWS 3 PRECEDING)`),
  ),
}));

describe('formatSql', () => {
  it('prints any expression so that it parses back to the same tree', () => {
    fc.assert(
      fc.property(expr, (e) => roundTrips(`SELECT ${e} AS x FROM t WHERE ${e}`)),
      { numRuns: 1000 },
    );
  });

  it('keeps the grouping that precedence alone would lose', () => {
    const printed = formatSql(
      parseSql('SELECT (a + b) * c, a - (b - c), NOT (a AND b), -(-a) FROM t'),
    );
    expect(printed).toContain('(a + b) * c, a - (b - c), NOT (a AND b), -(-a)');
  });

  it.each([
    [
      'KDA',
      `CREATE OR REPLACE STREAM "D" (a VARCHAR(4), b INTEGER);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" (a, b)
       SELECT STREAM DISTINCT a, COUNT(*) FROM "S" AS s WHERE a <> 'x'
       GROUP BY a, STEP(s.ROWTIME BY INTERVAL '1' MINUTE) HAVING COUNT(*) > 1
       WINDOW W AS (PARTITION BY a RANGE INTERVAL '1' MINUTE PRECEDING);
       SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "S"), 'a', 3, 60)) AS k`,
    ],
    [
      'Flink',
      `CREATE TABLE v (url STRING, ts TIMESTAMP(3), p AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
         WITH ('connector' = 'x');
       INSERT INTO sink SELECT * FROM TABLE(SESSION(TABLE v PARTITION BY (url, p), DESCRIPTOR(ts), INTERVAL '1' MINUTE));
       SELECT * FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '5' MINUTE)) w;
       SELECT x FROM (SELECT a AS x FROM TABLE(HOP(TABLE v, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' MINUTE))) AS q`,
    ],
  ])(
    'prints %s statements so that they parse back to the same tree, in either quote',
    (_, text) => {
      roundTrips(text, '"');
      roundTrips(text, '`');
    },
  );
});
