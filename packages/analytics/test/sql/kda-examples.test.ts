import { describe, expect, it } from 'vitest';
import { SqlValidationError } from '../../src/errors.js';
import type { Ast } from '../../src/index.js';
import { parseSql } from '../../src/sql/parser.js';
import { toFlinkSql } from '../../src/sql/to-flink-sql.js';

/**
 * The example applications of the Kinesis Data Analytics SQL developer guide, written out from
 * its SQL reference (the guide itself is gone with the service).
 */
const EXAMPLES = {
  stepCounts: `
    -- Counts per ticker per minute: a tumbling window with STEP.
    CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
      TICKER_SYMBOL VARCHAR(4),
      TICKER_SYMBOL_COUNT INTEGER);

    CREATE OR REPLACE PUMP "STREAM_PUMP" AS
      INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM TICKER_SYMBOL, COUNT(*) AS TICKER_SYMBOL_COUNT
        FROM "SOURCE_SQL_STREAM_001"
        GROUP BY TICKER_SYMBOL,
          STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`,
  floorMinute: `
    CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
      minute_start TIMESTAMP,
      ticker_symbol VARCHAR(4),
      min_price REAL,
      max_price REAL);

    CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE) AS minute_start,
             ticker_symbol, MIN(price) AS min_price, MAX(price) AS max_price
      FROM "SOURCE_SQL_STREAM_001"
      GROUP BY ticker_symbol, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);`,
  slidingAverage: `
    CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
      ticker_symbol VARCHAR(4),
      avg_price DOUBLE);

    CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, AVG(price) OVER W1 AS avg_price
      FROM "SOURCE_SQL_STREAM_001"
      WINDOW W1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);`,
  topK: `
    CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (
      "TICKER" VARCHAR(4),
      "MOST_FREQUENT_VALUES" BIGINT);

    CREATE PUMP STREAM_PUMP AS INSERT INTO DESTINATION_SQL_STREAM
      SELECT STREAM *
      FROM TABLE (TOP_K_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"),
        'TICKER_SYMBOL',  -- the column whose most frequent values we count
        5,                -- k
        60                -- seconds per window
      ));`,
  chainedPumps: `
    CREATE OR REPLACE STREAM "INTERMEDIATE_SQL_STREAM" (
      ticker_symbol VARCHAR(4),
      sector VARCHAR(16),
      change DOUBLE);

    CREATE OR REPLACE PUMP "PUMP_1" AS INSERT INTO "INTERMEDIATE_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change
      FROM "SOURCE_SQL_STREAM_001"
      WHERE sector LIKE '%TECH%' AND change IS NOT NULL;

    CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
      ticker_symbol VARCHAR(4),
      avg_change DOUBLE,
      changes INTEGER);

    CREATE OR REPLACE PUMP "PUMP_2" AS INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, AVG(change) AS avg_change, COUNT(*) AS changes
      FROM "INTERMEDIATE_SQL_STREAM"
      GROUP BY ticker_symbol, STEP("INTERMEDIATE_SQL_STREAM".ROWTIME BY INTERVAL '10' SECOND);`,
};

function statementsOf<K extends Ast.Statement['kind']>(
  script: Ast.Script,
  kind: K,
): Extract<Ast.Statement, { kind: K }>[] {
  return script.statements.filter((s): s is Extract<Ast.Statement, { kind: K }> => s.kind === kind);
}

/** The Flink translation, parsed back: it must be Flink SQL this parser reads. */
function translated(kda: string): Ast.Script {
  const flink = parseSql(toFlinkSql(kda));
  expect(flink.dialect).toBe('flink');
  return flink;
}

function insertQuery(script: Ast.Script, index = 0): Ast.SelectStatement {
  const insert = statementsOf(script, 'insert')[index];
  if (insert === undefined) throw new Error('no INSERT');
  return insert.query;
}

function tableNamed(script: Ast.Script, name: string): Ast.CreateTableStatement {
  const table = statementsOf(script, 'create-table').find((t) => t.name.name === name);
  if (table === undefined) throw new Error(`no CREATE TABLE ${name}`);
  return table;
}

const hasProctimeRowtime = (table: Ast.CreateTableStatement): boolean =>
  table.columns.some(
    (c) =>
      c.name.name === 'ROWTIME' && c.computed?.kind === 'call' && c.computed.name === 'PROCTIME',
  );

describe('the KDA developer guide examples', () => {
  it.each(Object.entries(EXAMPLES))('%s parses as the KDA dialect', (_, sql) => {
    const script = parseSql(sql);
    expect(script.dialect).toBe('kda');
    expect(statementsOf(script, 'create-stream').length).toBeGreaterThan(0);
    expect(statementsOf(script, 'create-pump').length).toBe(
      statementsOf(script, 'create-stream').length,
    );
  });

  it('STEP counts: the pump reads the source grouped by key and a 60 s STEP', () => {
    const [pump] = statementsOf(parseSql(EXAMPLES.stepCounts), 'create-pump');
    expect(pump).toMatchObject({
      name: { name: 'STREAM_PUMP', quoted: true },
      target: { name: 'DESTINATION_SQL_STREAM' },
      query: {
        stream: true,
        from: { kind: 'stream-ref', name: { name: 'SOURCE_SQL_STREAM_001', quoted: true } },
        groupBy: [
          { kind: 'column', column: { name: 'TICKER_SYMBOL' } },
          {
            kind: 'step',
            operand: { table: { name: 'SOURCE_SQL_STREAM_001' }, column: { name: 'ROWTIME' } },
            interval: { ms: 60_000 },
          },
        ],
      },
    });
  });

  it('STEP counts translate to a TUMBLE grouped by window_start and window_end', () => {
    const flink = translated(EXAMPLES.stepCounts);
    const source = tableNamed(flink, 'SOURCE_SQL_STREAM_001');
    expect(hasProctimeRowtime(source)).toBe(true);
    expect(source.columns.map((c) => c.name.name)).toEqual(['TICKER_SYMBOL', 'ROWTIME']);
    expect(tableNamed(flink, 'DESTINATION_SQL_STREAM').columns.map((c) => c.name.name)).toEqual([
      'TICKER_SYMBOL',
      'TICKER_SYMBOL_COUNT',
    ]);
    const query = insertQuery(flink);
    expect(query.stream).toBe(false);
    expect(query.from).toMatchObject({
      kind: 'window-tvf',
      fn: 'TUMBLE',
      table: { name: 'SOURCE_SQL_STREAM_001', quoted: true },
      timeColumn: { name: 'ROWTIME' },
      intervals: [{ ms: 60_000 }],
    });
    expect(query.groupBy.map((g) => (g.kind === 'column' ? g.column.name : g.kind))).toEqual([
      'TICKER_SYMBOL',
      'window_start',
      'window_end',
    ]);
  });

  it('FLOOR(ROWTIME TO MINUTE) translates to a 1-minute TUMBLE and its select item to window_start', () => {
    const query = insertQuery(translated(EXAMPLES.floorMinute));
    expect(query.from).toMatchObject({ fn: 'TUMBLE', intervals: [{ ms: 60_000 }] });
    expect(query.items[0]).toMatchObject({
      expr: { kind: 'column', column: { name: 'window_start' } },
      alias: { name: 'minute_start' },
    });
    expect(JSON.stringify(query)).not.toMatch(/floor-to|"step"/);
  });

  it('the sliding average inlines WINDOW W1 as OVER (... ORDER BY ROWTIME RANGE ... PRECEDING)', () => {
    const kda = parseSql(EXAMPLES.slidingAverage);
    expect(statementsOf(kda, 'create-pump')[0]?.query.windows[0]).toMatchObject({
      name: { name: 'W1' },
      spec: {
        partitionBy: [{ column: { name: 'ticker_symbol' } }],
        frame: { unit: 'RANGE', preceding: { ms: 60_000 } },
      },
    });
    const query = insertQuery(translated(EXAMPLES.slidingAverage));
    expect(query.windows).toEqual([]);
    expect(query.from).toMatchObject({ kind: 'stream-ref' });
    expect(query.items[1]).toMatchObject({
      expr: {
        kind: 'call',
        name: 'AVG',
        over: {
          kind: 'window-spec',
          partitionBy: [{ column: { name: 'ticker_symbol' } }],
          orderBy: { column: { name: 'ROWTIME' } },
          frame: { unit: 'RANGE', preceding: { ms: 60_000 } },
        },
      },
      alias: { name: 'avg_price' },
    });
  });

  it('TOP_K_ITEMS_TUMBLING translates to a window Top-N over a TUMBLE count', () => {
    const kda = parseSql(EXAMPLES.topK);
    expect(statementsOf(kda, 'create-pump')[0]?.query.from).toMatchObject({
      kind: 'top-k-items-tumbling',
      column: 'TICKER_SYMBOL',
      k: 5,
      windowSeconds: 60,
    });
    const query = insertQuery(translated(EXAMPLES.topK));
    expect(
      query.items.map((i) =>
        i.kind === 'expr' && i.expr.kind === 'column' ? i.expr.column.name : i.kind,
      ),
    ).toEqual(['ITEM', 'ITEM_COUNT']);
    expect(query.where).toMatchObject({
      kind: 'binary',
      op: '<=',
      left: { column: { name: 'rownum' } },
      right: { value: 5 },
    });
    expect(query.from).toMatchObject({
      kind: 'subquery',
      query: {
        items: [
          { kind: 'star' },
          {
            alias: { name: 'rownum' },
            expr: {
              name: 'ROW_NUMBER',
              over: {
                partitionBy: [
                  { column: { name: 'window_start' } },
                  { column: { name: 'window_end' } },
                ],
                orderBy: { column: { name: 'ITEM_COUNT' } },
                descending: true,
              },
            },
          },
        ],
        from: {
          kind: 'subquery',
          query: {
            from: {
              kind: 'window-tvf',
              fn: 'TUMBLE',
              intervals: [{ ms: 60_000 }],
              timeColumn: { name: 'ROWTIME' },
            },
            groupBy: [
              { column: { name: 'window_start' } },
              { column: { name: 'window_end' } },
              { column: { name: 'TICKER_SYMBOL', quoted: true } },
            ],
          },
        },
      },
    });
  });

  it('chained pumps: the in-between stream becomes a table with its own ROWTIME, read by the second INSERT', () => {
    const flink = translated(EXAMPLES.chainedPumps);
    const intermediate = tableNamed(flink, 'INTERMEDIATE_SQL_STREAM');
    expect(hasProctimeRowtime(intermediate)).toBe(true);
    expect(hasProctimeRowtime(tableNamed(flink, 'DESTINATION_SQL_STREAM'))).toBe(false);
    expect(tableNamed(flink, 'SOURCE_SQL_STREAM_001').columns.map((c) => c.name.name)).toEqual([
      'ticker_symbol',
      'sector',
      'change',
      'ROWTIME',
    ]);
    expect(statementsOf(flink, 'insert').map((i) => i.target.name)).toEqual([
      'INTERMEDIATE_SQL_STREAM',
      'DESTINATION_SQL_STREAM',
    ]);
    expect(insertQuery(flink, 0).where).toMatchObject({ kind: 'binary', op: 'AND' });
    expect(insertQuery(flink, 1).from).toMatchObject({
      kind: 'window-tvf',
      table: { name: 'INTERMEDIATE_SQL_STREAM' },
      intervals: [{ ms: 10_000 }],
      // The STEP was qualified by the stream's name: the TVF keeps that name as its alias.
      alias: { name: 'INTERMEDIATE_SQL_STREAM', quoted: true },
    });
  });

  it('writes quoted identifiers backquoted and drops STREAM', () => {
    const text = toFlinkSql(EXAMPLES.stepCounts);
    expect(text).toContain('`SOURCE_SQL_STREAM_001`');
    expect(text).not.toContain('"');
    expect(text).not.toMatch(/SELECT STREAM/);
    expect(text).toContain('ROWTIME AS PROCTIME()');
    expect(text).toContain(
      "TABLE(TUMBLE(TABLE `SOURCE_SQL_STREAM_001`, DESCRIPTOR(ROWTIME), INTERVAL '60' SECOND))",
    );
  });

  it('averages in DOUBLE as this engine does: AVG(x) becomes AVG(CAST(x AS DOUBLE))', () => {
    // Flink's AVG of an INT column is an INT: the bare call would truncate.
    expect(toFlinkSql(EXAMPLES.chainedPumps)).toContain(
      'SELECT ticker_symbol, AVG(CAST(change AS DOUBLE)) AS avg_change, COUNT(*) AS changes',
    );
    expect(toFlinkSql(EXAMPLES.slidingAverage)).toContain(
      'AVG(CAST(price AS DOUBLE)) OVER (PARTITION BY ticker_symbol ORDER BY ROWTIME',
    );
    const already = toFlinkSql(
      `SELECT STREAM AVG(CAST(n AS DOUBLE)), AVG(1.5), AVG(n + 1) FROM "S" GROUP BY STEP("S".ROWTIME BY INTERVAL '1' MINUTE)`,
    );
    expect(already).toContain(
      'SELECT AVG(CAST(n AS DOUBLE)), AVG(1.5), AVG(CAST(n + 1 AS DOUBLE))',
    );
  });
});

describe('toFlinkSql on other input', () => {
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (key === 'position' ? undefined : v)));

  it('gives Flink-dialect input back normalized, to the same tree', () => {
    const flink = `create table visits (url string, ts timestamp(3), watermark for ts as ts - interval '5' second)
      with ('connector' = 'kinesis');
      insert into counts select window_start, url, count(*) as "views"
      from table(tumble(table visits, descriptor(ts), interval '10' second))
      group by window_start, window_end, url having count(*) > 3`;
    const out = toFlinkSql(flink);
    expect(out).toContain('`views`');
    expect(strip(parseSql(out))).toEqual(strip(parseSql(flink)));
  });

  it('accepts an already parsed script', () => {
    expect(toFlinkSql(parseSql(EXAMPLES.stepCounts))).toBe(toFlinkSql(EXAMPLES.stepCounts));
  });

  it.each([
    [
      `SELECT STREAM STEP("S".ROWTIME BY INTERVAL '1' MINUTE), a FROM "S"`,
      /STEP outside GROUP BY has no Flink translation/,
    ],
    [
      `SELECT STREAM a FROM "S" GROUP BY a, STEP("S".ROWTIME BY INTERVAL '1' MINUTE), FLOOR("S".ROWTIME TO HOUR)`,
      /more than one STEP\/FLOOR window/,
    ],
    [
      `SELECT STREAM a FROM "S" GROUP BY a, FLOOR("S".ROWTIME TO MONTH)`,
      /FLOOR\(\.\.\. TO MONTH\) has no Flink tumbling window translation/,
    ],
    [
      `SELECT STREAM AVG(x) OVER W9 FROM "S" WINDOW W1 AS (RANGE INTERVAL '1' SECOND PRECEDING)`,
      /unknown window W9; windows of this query: W1/,
    ],
    [
      `SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM a FROM "S"), 'a', 3, 10))`,
      /TOP_K_ITEMS_TUMBLING translates only over CURSOR\(SELECT STREAM \* FROM stream/,
    ],
  ])('refuses what has no translation: %s', (kda, message) => {
    expect(() => toFlinkSql(kda)).toThrow(SqlValidationError);
    expect(() => toFlinkSql(kda)).toThrow(message);
  });
});

describe('the KDA event-time pattern', () => {
  const kda = `
    CREATE OR REPLACE STREAM "DEST" (event_minute TIMESTAMP, ticker VARCHAR(4), n INTEGER);
    CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
      SELECT STREAM STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND) AS event_minute,
             ticker, COUNT(*) AS n
      FROM "SOURCE_SQL_STREAM_001"
      GROUP BY ticker,
        STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND),
        STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND);`;

  it('keeps the event-time window, drops the ROWTIME one, and gives the column a watermark', () => {
    const flink = translated(kda);
    const source = tableNamed(flink, 'SOURCE_SQL_STREAM_001');
    expect(source.columns.find((c) => c.name.name === 'EVENT_TIME')?.type).toMatchObject({
      name: 'TIMESTAMP',
      params: [3],
    });
    expect(source.watermark).toMatchObject({
      column: { name: 'EVENT_TIME' },
      expr: { kind: 'binary', op: '-', right: { kind: 'interval', ms: 5000 } },
    });
    const query = insertQuery(flink);
    expect(query.from).toMatchObject({
      fn: 'TUMBLE',
      timeColumn: { name: 'EVENT_TIME' },
      intervals: [{ ms: 60_000 }],
    });
    expect(query.groupBy.map((g) => (g.kind === 'column' ? g.column.name : g.kind))).toEqual([
      'ticker',
      'window_start',
      'window_end',
    ]);
    expect(query.items[0]).toMatchObject({
      expr: { column: { name: 'window_start' } },
      alias: { name: 'event_minute' },
    });
  });

  it('refuses two windows of different sizes', () => {
    expect(() =>
      toFlinkSql(
        `SELECT STREAM COUNT(*) FROM "S" GROUP BY STEP("S".ROWTIME BY INTERVAL '60' SECOND), STEP("S".ts BY INTERVAL '10' SECOND)`,
      ),
    ).toThrow(/more than one STEP\/FLOOR window/);
  });
});
