import { describe, expect, it } from 'vitest';
import { SqlValidationError } from '../../src/errors.js';
import type { Ast } from '../../src/index.js';
import { parseSql } from '../../src/sql/parser.js';
import { MS_PER_UNIT } from '../../src/time-units.js';

type Expr = Ast.Expr;

/** The expression of `SELECT <text> FROM t`. */
function expr(text: string): Expr {
  const statement = parseSql(`SELECT ${text} FROM t`).statements[0];
  if (statement?.kind !== 'select') throw new Error('not a select');
  const item = statement.items[0];
  if (item?.kind !== 'expr') throw new Error('not an expression item');
  return item.expr;
}

/** A fully parenthesized S-expression of the tree, to assert on grouping. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.value === null
        ? 'NULL'
        : typeof e.value === 'string'
          ? `'${e.value}'`
          : String(e.value);
    case 'interval':
      return `interval:${e.ms}`;
    case 'column':
      return e.table ? `${e.table.name}.${e.column.name}` : e.column.name;
    case 'star':
      return '*';
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'is-null':
      return `(${e.negated ? 'is-not-null' : 'is-null'} ${sx(e.operand)})`;
    case 'between':
      return `(${e.negated ? 'not-between' : 'between'} ${sx(e.operand)} ${sx(e.low)} ${sx(e.high)})`;
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${sx(e.operand)} ${e.list.map(sx).join(' ')})`;
    case 'like':
      return `(${e.negated ? 'not-like' : 'like'} ${sx(e.operand)} ${sx(e.pattern)}${e.escape ? ` ${sx(e.escape)}` : ''})`;
    case 'case':
      return `(case${e.operand ? ` ${sx(e.operand)}` : ''}${e.whens.map((w) => ` [${sx(w.when)} ${sx(w.then)}]`).join('')}${e.else ? ` else ${sx(e.else)}` : ''})`;
    case 'cast':
      return `(cast ${sx(e.operand)} ${e.type.name}${e.type.params.length ? `(${e.type.params.join(',')})` : ''})`;
    case 'call':
      return `(${e.name}${e.distinct ? ' distinct' : ''}${e.star ? ' *' : ''}${e.args.map((a) => ` ${sx(a)}`).join('')})`;
    case 'floor-to':
      return `(${e.fn}-to ${sx(e.operand)} ${e.unit})`;
    case 'extract':
      return `(extract ${e.unit} ${sx(e.operand)})`;
    case 'step':
      return `(step ${sx(e.operand)} ${e.interval.ms})`;
  }
}

describe('operator precedence', () => {
  it.each([
    ['a OR b AND c', '(OR a (AND b c))'],
    ['a AND b OR c', '(OR (AND a b) c)'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['NOT a = b', '(NOT (= a b))'],
    ['a = b AND c <> d', '(AND (= a b) (<> c d))'],
    ['a != b', '(<> a b)'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b % c', '(% (/ a b) c)'],
    ["a || 'x' = b", "(= (|| a 'x') b)"],
    ['a + b || c', '(|| (+ a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['- -a', '(- (- a))'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['a + 1 < b * 2', '(< (+ a 1) (* b 2))'],
    ['a IS NULL OR b IS NOT NULL', '(OR (is-null a) (is-not-null b))'],
    ['a + 1 IS NULL', '(is-null (+ a 1))'],
    ['a BETWEEN 1 AND 2 AND b', '(AND (between a 1 2) b)'],
    ['a NOT BETWEEN b + 1 AND c', '(not-between a (+ b 1) c)'],
    ['a IN (1, 2) AND NOT b IN (3)', '(AND (in a 1 2) (NOT (in b 3)))'],
    ['a NOT IN (1)', '(not-in a 1)'],
    ["a LIKE 'x%' ESCAPE '!'", "(like a 'x%' '!')"],
    ["a NOT LIKE 'x' OR b", "(OR (not-like a 'x') b)"],
    ['NOT NOT a', '(NOT (NOT a))'],
  ])('%s', (text, tree) => {
    expect(sx(expr(text))).toBe(tree);
  });
});

describe('literals', () => {
  it('reads integers, decimals and exponents with their types', () => {
    expect(expr('42')).toMatchObject({ kind: 'literal', value: 42, type: 'INTEGER' });
    expect(expr('3.5')).toMatchObject({ value: 3.5, type: 'DOUBLE' });
    expect(expr('.5')).toMatchObject({ value: 0.5, type: 'DOUBLE' });
    expect(expr('1e3')).toMatchObject({ value: 1000, type: 'DOUBLE' });
    expect(expr('2.5E-1')).toMatchObject({ value: 0.25, type: 'DOUBLE' });
  });

  it('types a whole number by its range: INTEGER up to 2^31 - 1, BIGINT up to 2^53 - 1', () => {
    expect(expr('2147483647')).toMatchObject({ value: 2147483647, type: 'INTEGER' });
    expect(expr('2147483648')).toMatchObject({ value: 2147483648, type: 'BIGINT' });
    expect(expr('3000000000')).toMatchObject({ value: 3000000000, type: 'BIGINT' });
    expect(expr('9007199254740991')).toMatchObject({ value: 9007199254740991, type: 'BIGINT' });
    expect(expr('9007199254740992.0')).toMatchObject({ type: 'DOUBLE' });
  });

  it('refuses a whole number beyond 2^53 - 1, where it would not be exact', () => {
    expect(() => expr('9007199254740992')).toThrow(SqlValidationError);
    expect(() => expr('99999999999999999999999')).toThrow(
      /^line 1, column 8: integer literal 99999999999999999999999 is too large: integers are exact only up to 9007199254740991 \(2\^53 - 1\); write it as a DOUBLE \(99999999999999999999999\.0\)/,
    );
  });

  it("unescapes '' inside strings", () => {
    expect(expr("'it''s'")).toMatchObject({ value: "it's", type: 'VARCHAR' });
    expect(expr("''")).toMatchObject({ value: '', type: 'VARCHAR' });
  });

  it('reads TRUE, FALSE and NULL in any case', () => {
    expect(expr('true')).toMatchObject({ value: true, type: 'BOOLEAN' });
    expect(expr('FALSE')).toMatchObject({ value: false, type: 'BOOLEAN' });
    expect(expr('null')).toMatchObject({ value: null, type: 'NULL' });
  });

  it('reads TIMESTAMP literals as UTC epoch milliseconds', () => {
    expect(expr("TIMESTAMP '2026-01-27 10:00:00'")).toMatchObject({
      type: 'TIMESTAMP',
      value: Date.parse('2026-01-27T10:00:00Z'),
    });
    expect(expr("TIMESTAMP '2026-01-27 10:00:00.123'")).toMatchObject({
      value: Date.parse('2026-01-27T10:00:00.123Z'),
    });
    expect(expr("TIMESTAMP '2024-02-29 23:59:59.5'")).toMatchObject({
      value: Date.parse('2024-02-29T23:59:59.500Z'),
    });
  });

  it('refuses TIMESTAMP literals that name no real time', () => {
    for (const bad of ['2026-02-30 00:00:00', '2026-01-27 24:00:00', 'yesterday']) {
      expect(() => expr(`TIMESTAMP '${bad}'`)).toThrow(/invalid TIMESTAMP literal/);
    }
  });
});

describe('INTERVAL literals', () => {
  it.each([
    ["INTERVAL '10' SECOND", 10_000],
    ["INTERVAL '10' SECONDS", 10_000],
    ["INTERVAL '1' MINUTE", 60_000],
    ["INTERVAL '2' MINUTES", 120_000],
    ["INTERVAL '1' HOUR", 3_600_000],
    ["INTERVAL '3' HOURS", 10_800_000],
    ["INTERVAL '1' DAY", 86_400_000],
    ["INTERVAL '2' DAYS", 172_800_000],
    ["INTERVAL '250' MILLISECOND", 250],
    ["INTERVAL '250' MILLISECONDS", 250],
    ["INTERVAL '1.5' SECOND", 1500],
    ["INTERVAL '5' SECOND(3)", 5000],
    ["INTERVAL '1:30' MINUTE TO SECOND", 90_000],
    ["INTERVAL '1:02:03' HOUR TO SECOND", 3_723_000],
    ["INTERVAL '2:15' HOUR TO MINUTE", 8_100_000],
    ["INTERVAL '1 02:00:00.5' DAY TO SECOND", 93_600_500],
    ["INTERVAL -'5' SECOND", -5000],
  ])('%s is %i ms', (text, ms) => {
    expect(expr(text)).toMatchObject({ kind: 'interval', ms });
  });

  it('reads every fixed-length unit with the milliseconds the expressions use', () => {
    for (const [unit, ms] of Object.entries(MS_PER_UNIT)) {
      expect(expr(`INTERVAL '2' ${unit}`)).toMatchObject({ kind: 'interval', ms: 2 * ms });
    }
    expect(MS_PER_UNIT.WEEK).toBe(7 * MS_PER_UNIT.DAY);
  });

  it('keeps the text as written for messages and translation', () => {
    expect(expr("interval '10' second")).toMatchObject({ text: "INTERVAL '10' SECOND" });
  });

  it('refuses values that do not fit the unit, and units of no fixed length', () => {
    expect(() => expr("INTERVAL 'ten' SECOND")).toThrow(/invalid interval/);
    expect(() => expr("INTERVAL '1:30' MINUTE")).toThrow(/invalid interval/);
    expect(() => expr("INTERVAL '1' MINUTE TO SECOND")).toThrow(/invalid interval/);
    expect(() => expr("INTERVAL '1' MONTH")).toThrow(/MONTH intervals have no fixed length/);
  });
});

describe('calls and special forms', () => {
  it('reads COUNT(*), COUNT(DISTINCT x) and upper-cases function names', () => {
    expect(sx(expr('count(*)'))).toBe('(COUNT *)');
    expect(sx(expr('count(distinct user_id)'))).toBe('(COUNT distinct user_id)');
    expect(sx(expr('Upper(url)'))).toBe('(UPPER url)');
    expect(sx(expr('NOW()'))).toBe('(NOW)');
    expect(sx(expr('APPROX_PERCENTILE(latency, 0.99)'))).toBe('(APPROX_PERCENTILE latency 0.99)');
  });

  it('reads CAST with type parameters', () => {
    expect(sx(expr('CAST(x AS VARCHAR(10))'))).toBe('(cast x VARCHAR(10))');
    expect(sx(expr('CAST(x AS DECIMAL(10, 2))'))).toBe('(cast x DECIMAL(10,2))');
    expect(sx(expr('CAST(x AS DOUBLE PRECISION)'))).toBe('(cast x DOUBLE)');
    expect(sx(expr('CAST(x AS TIMESTAMP(3) WITH LOCAL TIME ZONE)'))).toBe(
      '(cast x TIMESTAMP_LTZ(3))',
    );
    expect(sx(expr('CAST(x AS TIMESTAMP WITHOUT TIME ZONE)'))).toBe('(cast x TIMESTAMP)');
  });

  it('reads CASE with and without an operand', () => {
    expect(sx(expr("CASE WHEN a > 1 THEN 'big' ELSE 'small' END"))).toBe(
      "(case [(> a 1) 'big'] else 'small')",
    );
    expect(sx(expr("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"))).toBe(
      "(case a [1 'one'] [2 'two'])",
    );
  });

  it('reads FLOOR/CEIL ... TO unit as floor-to, and FLOOR(x) as a call', () => {
    expect(sx(expr('FLOOR(ROWTIME TO MINUTE)'))).toBe('(FLOOR-to ROWTIME MINUTE)');
    expect(sx(expr('CEIL(s.ts TO HOUR)'))).toBe('(CEIL-to s.ts HOUR)');
    expect(sx(expr('FLOOR(price)'))).toBe('(FLOOR price)');
  });

  it('reads EXTRACT, STEP, SUBSTRING ... FROM ... FOR and POSITION ... IN', () => {
    expect(sx(expr('EXTRACT(HOUR FROM ts)'))).toBe('(extract HOUR ts)');
    expect(sx(expr(`STEP("S".ROWTIME BY INTERVAL '10' SECOND)`))).toBe('(step S.ROWTIME 10000)');
    expect(sx(expr('SUBSTRING(url FROM 2 FOR 3)'))).toBe('(SUBSTRING url 2 3)');
    expect(sx(expr("POSITION('/' IN url)"))).toBe("(POSITION '/' url)");
  });

  it('reads OVER a named window and OVER an inline window spec', () => {
    const named = expr('AVG(x) OVER W');
    expect(named).toMatchObject({ kind: 'call', over: { name: 'W', quoted: false } });
    const inline = expr(
      "AVG(x) OVER (PARTITION BY k, j ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)",
    );
    expect(inline).toMatchObject({
      over: {
        kind: 'window-spec',
        partitionBy: [{ column: { name: 'k' } }, { column: { name: 'j' } }],
        orderBy: { column: { name: 'ts' } },
        frame: { unit: 'RANGE', preceding: { ms: 60_000 } },
      },
    });
    expect(expr('SUM(x) OVER (ORDER BY ts ROWS 10 PRECEDING)')).toMatchObject({
      over: { partitionBy: [], frame: { unit: 'ROWS', preceding: 10 } },
    });
    expect(expr('ROW_NUMBER() OVER (PARTITION BY k ORDER BY c DESC)')).toMatchObject({
      over: { descending: true, frame: { unit: 'ROWS', preceding: Number.POSITIVE_INFINITY } },
    });
  });

  it('keeps quoted identifiers exact, unquoted as written, and qualified columns apart', () => {
    expect(expr('"Mixed""Case"')).toMatchObject({ column: { name: 'Mixed"Case', quoted: true } });
    expect(expr('`back`')).toMatchObject({ column: { name: 'back', quoted: true } });
    expect(expr('myCol')).toMatchObject({ column: { name: 'myCol', quoted: false } });
    expect(expr('"SOURCE_SQL_STREAM_001".ROWTIME')).toMatchObject({
      table: { name: 'SOURCE_SQL_STREAM_001', quoted: true },
      column: { name: 'ROWTIME', quoted: false },
    });
  });

  it('records where each node starts', () => {
    const e = expr('a +\n  b');
    expect(e.position).toEqual({ line: 1, column: 8, offset: 7 });
    if (e.kind !== 'binary') throw new Error('binary expected');
    expect(e.right.position).toEqual({ line: 2, column: 3, offset: 13 });
  });
});
