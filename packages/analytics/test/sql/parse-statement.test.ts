import { describe, expect, it } from 'vitest';
import type { Ast } from '../../src/index.js';
import { parseSql } from '../../src/sql/parser.js';

function select(text: string): Ast.SelectStatement {
  const statement = parseSql(text).statements[0];
  if (statement?.kind !== 'select') throw new Error(`not a select: ${statement?.kind}`);
  return statement;
}

function fromOf(text: string): Ast.FromItem {
  return select(text).from;
}

describe('SELECT', () => {
  it('reads every clause into the tree', () => {
    const s = select(`SELECT DISTINCT url AS u, "v"."n" cnt, *, v.*
      FROM visits AS v
      WHERE n > 1
      GROUP BY url, n
      HAVING COUNT(*) > 10
      WINDOW W1 AS (PARTITION BY url RANGE INTERVAL '1' MINUTE PRECEDING),
             W2 AS (ROWS 5 PRECEDING)`);
    expect(s).toMatchObject({
      kind: 'select',
      stream: false,
      distinct: true,
      items: [
        { kind: 'expr', expr: { column: { name: 'url' } }, alias: { name: 'u' } },
        { kind: 'expr', expr: { table: { name: 'v', quoted: true } }, alias: { name: 'cnt' } },
        { kind: 'star' },
        { kind: 'star', table: { name: 'v' } },
      ],
      from: { kind: 'stream-ref', name: { name: 'visits' }, alias: { name: 'v' } },
      where: { kind: 'binary', op: '>' },
      groupBy: [{ column: { name: 'url' } }, { column: { name: 'n' } }],
      having: { kind: 'binary', op: '>', left: { kind: 'call', name: 'COUNT', star: true } },
      windows: [
        {
          name: { name: 'W1' },
          spec: {
            partitionBy: [{ column: { name: 'url' } }],
            frame: { unit: 'RANGE', preceding: { ms: 60_000 } },
          },
        },
        { name: { name: 'W2' }, spec: { partitionBy: [], frame: { unit: 'ROWS', preceding: 5 } } },
      ],
    });
  });

  it('omits the optional clauses that were not written', () => {
    const s = select('SELECT a FROM t');
    expect(s.where).toBeUndefined();
    expect(s.having).toBeUndefined();
    expect(s.groupBy).toEqual([]);
    expect(s.windows).toEqual([]);
    expect('alias' in s.from).toBe(false);
  });

  it('tells SELECT STREAM from a column named stream', () => {
    expect(select('SELECT STREAM * FROM "S"').stream).toBe(true);
    expect(select('SELECT STREAM a, b FROM "S"').stream).toBe(true);
    const column = select('SELECT stream FROM t');
    expect(column.stream).toBe(false);
    expect(column.items[0]).toMatchObject({ expr: { column: { name: 'stream' } } });
    expect(select('SELECT stream, a FROM t').stream).toBe(false);
  });
});

describe('FROM forms', () => {
  it('reads TUMBLE, HOP, CUMULATE and SESSION window TVFs with positional arguments', () => {
    expect(
      fromOf("SELECT * FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts), INTERVAL '10' SECOND))"),
    ).toMatchObject({
      kind: 'window-tvf',
      fn: 'TUMBLE',
      table: { name: 'visits' },
      timeColumn: { name: 'ts' },
      partitionBy: [],
      intervals: [{ ms: 10_000 }],
    });
    expect(
      fromOf(
        "SELECT * FROM TABLE(HOP(TABLE visits, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE)) AS w",
      ),
    ).toMatchObject({ fn: 'HOP', intervals: [{ ms: 5000 }, { ms: 60_000 }], alias: { name: 'w' } });
    expect(
      fromOf(
        "SELECT * FROM TABLE(CUMULATE(TABLE v, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR))",
      ),
    ).toMatchObject({ fn: 'CUMULATE', intervals: [{ ms: 60_000 }, { ms: 3_600_000 }] });
    expect(
      fromOf(
        "SELECT * FROM TABLE(SESSION(TABLE v PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '30' SECOND))",
      ),
    ).toMatchObject({
      fn: 'SESSION',
      partitionBy: [{ column: { name: 'user_id' } }],
      intervals: [{ ms: 30_000 }],
    });
  });

  it('reads an offset as the last argument of TUMBLE', () => {
    const from = fromOf(
      "SELECT * FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '15' MINUTE))",
    );
    expect(from).toMatchObject({ intervals: [{ ms: 3_600_000 }], offset: { ms: 900_000 } });
  });

  it('reads named arguments in any order to the same node as positional ones', () => {
    const positional = fromOf(
      "SELECT * FROM TABLE(HOP(TABLE v, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))",
    );
    const named = fromOf(
      "SELECT * FROM TABLE(HOP(SIZE => INTERVAL '1' MINUTE, DATA => TABLE v, SLIDE => INTERVAL '5' SECOND, TIMECOL => DESCRIPTOR(ts)))",
    );
    expect(named).toMatchObject({
      fn: 'HOP',
      table: { name: 'v' },
      timeColumn: { name: 'ts' },
      intervals: [{ ms: 5000 }, { ms: 60_000 }],
    });
    expect(positional).toMatchObject({
      intervals: (named as Ast.WindowTvf).intervals.map((i) => ({ ms: i.ms })),
    });
  });

  it('reads TOP_K_ITEMS_TUMBLING over a CURSOR', () => {
    expect(
      fromOf(
        `SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 10, 60))`,
      ),
    ).toMatchObject({
      kind: 'top-k-items-tumbling',
      cursor: { kind: 'select', stream: true, from: { name: { name: 'SOURCE_SQL_STREAM_001' } } },
      column: 'TICKER_SYMBOL',
      k: 10,
      windowSeconds: 60,
    });
  });

  it('reads a subquery with and without AS', () => {
    expect(fromOf('SELECT * FROM (SELECT a FROM t) AS x')).toMatchObject({
      kind: 'subquery',
      query: { kind: 'select', items: [{ expr: { column: { name: 'a' } } }] },
      alias: { name: 'x' },
    });
    expect(fromOf('SELECT * FROM (SELECT a FROM t) x')).toMatchObject({ alias: { name: 'x' } });
  });
});

describe('CREATE, INSERT and scripts', () => {
  it('reads CREATE OR REPLACE STREAM with its columns', () => {
    const [s] = parseSql(
      'CREATE OR REPLACE STREAM "DEST" (url VARCHAR(256), visitors INTEGER, price DECIMAL(10, 2));',
    ).statements;
    expect(s).toMatchObject({
      kind: 'create-stream',
      name: { name: 'DEST', quoted: true },
      columns: [
        { name: { name: 'url' }, type: { name: 'VARCHAR', params: [256] } },
        { name: { name: 'visitors' }, type: { name: 'INTEGER', params: [] } },
        { name: { name: 'price' }, type: { name: 'DECIMAL', params: [10, 2] } },
      ],
    });
  });

  it('reads CREATE OR REPLACE PUMP with an INSERT column list', () => {
    const [s] = parseSql(
      'CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST" (url, n) SELECT STREAM url, n FROM "S"',
    ).statements;
    expect(s).toMatchObject({
      kind: 'create-pump',
      name: { name: 'P' },
      target: { name: 'DEST' },
      columns: [{ name: 'url' }, { name: 'n' }],
      query: { kind: 'select', stream: true },
    });
  });

  it('reads CREATE TABLE with WATERMARK, computed columns, keys and WITH options', () => {
    const [s] = parseSql(`CREATE TABLE visits (
        url STRING NOT NULL,
        ts TIMESTAMP(3) COMMENT 'event time',
        proc AS PROCTIME(),
        PRIMARY KEY (url) NOT ENFORCED,
        WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
      ) WITH ('connector' = 'kinesis', 'it''s' = 'quoted')`).statements;
    expect(s).toMatchObject({
      kind: 'create-table',
      name: { name: 'visits' },
      columns: [
        { name: { name: 'url' }, type: { name: 'STRING' } },
        { name: { name: 'ts' }, type: { name: 'TIMESTAMP', params: [3] } },
        { name: { name: 'proc' }, computed: { kind: 'call', name: 'PROCTIME' } },
      ],
      watermark: {
        column: { name: 'ts' },
        expr: { kind: 'binary', op: '-', right: { kind: 'interval', ms: 5000 } },
      },
      with: [
        { key: 'connector', value: 'kinesis' },
        { key: "it's", value: 'quoted' },
      ],
    });
  });

  it('reads INSERT INTO ... SELECT', () => {
    const [s] = parseSql('INSERT INTO sink SELECT a FROM t').statements;
    expect(s).toMatchObject({
      kind: 'insert',
      target: { name: 'sink' },
      columns: [],
      query: { kind: 'select' },
    });
  });

  it('splits statements on ; with the last one optional and comments anywhere', () => {
    const script = parseSql(`-- the destination
      CREATE OR REPLACE STREAM "D" (a INTEGER); /* the pump
      spans lines */ CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" SELECT STREAM a FROM "S" -- trailing
      ;;`);
    expect(script.statements.map((s) => s.kind)).toEqual(['create-stream', 'create-pump']);
    expect(parseSql('SELECT a FROM t').statements).toHaveLength(1);
  });

  it('names the dialect from the syntax used', () => {
    expect(parseSql('SELECT a FROM t').dialect).toBe('standard');
    expect(parseSql('SELECT STREAM a FROM t').dialect).toBe('kda');
    expect(parseSql('CREATE OR REPLACE STREAM s (a INTEGER)').dialect).toBe('kda');
    expect(
      parseSql("SELECT a FROM t GROUP BY a, STEP(t.ROWTIME BY INTERVAL '1' SECOND)").dialect,
    ).toBe('kda');
    expect(
      parseSql("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND))").dialect,
    ).toBe('flink');
    expect(parseSql('CREATE TABLE t (a INT)').dialect).toBe('flink');
  });

  it('parses a long script quickly (it runs once per query, but must never be noticeable)', () => {
    const pump = `CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" SELECT STREAM url, COUNT(*) AS c, AVG(x + 1 * 2) FROM "S" WHERE a > 1 AND b LIKE 'x%' GROUP BY url, STEP("S".ROWTIME BY INTERVAL '10' SECOND);\n`;
    const text = pump.repeat(1000);
    const started = performance.now();
    expect(parseSql(text).statements).toHaveLength(1000);
    // ~150 KB of SQL; a generous bound that still catches accidental quadratic behaviour.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('SESSION keys', () => {
  it('reads several PARTITION BY keys in parentheses', () => {
    expect(
      fromOf(
        "SELECT * FROM TABLE(SESSION(TABLE v PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
      ),
    ).toMatchObject({ partitionBy: [{ column: { name: 'a' } }, { column: { name: 'b' } }] });
  });
});
