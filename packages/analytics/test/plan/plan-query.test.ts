import { describe, expect, it } from 'vitest';
import { SqlValidationError } from '../../src/errors.js';
import { planQuery } from '../../src/plan/plan-query.js';
import type { QueryPlan, StagePlan, WindowOperatorPlan } from '../../src/plan/query-plan.js';
import type { SourceSchema } from '../../src/schema/source-schema.js';
import { parseSql } from '../../src/sql/parser.js';

const schema: SourceSchema = {
  columns: {
    url: { type: 'VARCHAR(256)' },
    ticker: { type: 'VARCHAR(8)' },
    price: { type: 'DOUBLE' },
    bytes: { type: 'INTEGER' },
    ts: { type: 'TIMESTAMP' },
  },
};

function plan(
  sql: string,
  options: { schema?: SourceSchema; sourceName?: string } = { schema },
): QueryPlan {
  return planQuery(parseSql(sql), options);
}

function lastStage(p: QueryPlan): StagePlan {
  return p.stages.at(-1) as StagePlan;
}

function windowOf(p: QueryPlan): WindowOperatorPlan {
  const op = lastStage(p).operator;
  if (op.kind !== 'window') throw new Error(`expected a window stage, got ${op.kind}`);
  return op;
}

function validationError(
  sql: string,
  options?: { schema?: SourceSchema; sourceName?: string },
): SqlValidationError {
  try {
    plan(sql, options);
  } catch (error) {
    if (error instanceof SqlValidationError) return error;
    throw error;
  }
  throw new Error('expected a SqlValidationError');
}

const KDA_HEAD = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(256), hits INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"`;

describe('planQuery: KDA windows', () => {
  it('plans GROUP BY ..., STEP(x.ROWTIME BY INTERVAL ...) as a processing-time tumbling window', () => {
    const p = plan(`${KDA_HEAD}
      SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
      GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`);
    expect(p.dialect).toBe('kda');
    expect(p.source.name).toBe('SOURCE_SQL_STREAM_001');
    expect(p.main).toBe('DEST');
    const w = windowOf(p);
    expect(w.window).toEqual({ kind: 'tumble', sizeMs: 10_000 });
    expect(w.domain).toBe('processing');
    expect(w.keyOf({ url: '/a' })).toBe('/a');
    expect(p.streams.get('DEST')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'url:VARCHAR',
      'hits:INTEGER',
    ]);
    expect([...p.source.neededColumns].sort()).toEqual(['ROWTIME', 'url']);
  });

  it('plans FLOOR(ROWTIME TO MINUTE) as a one-minute tumbling window whose value is the window start', () => {
    const p = plan(`CREATE OR REPLACE STREAM "DEST" (minute_start TIMESTAMP, hits BIGINT);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
      SELECT STREAM FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE), COUNT(*)
      FROM "SOURCE_SQL_STREAM_001" GROUP BY FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);`);
    const w = windowOf(p);
    expect(w.window).toEqual({ kind: 'tumble', sizeMs: 60_000 });
    const [row] = w.results({
      windowStart: 60_000,
      windowEnd: 120_000,
      keyValues: [],
      values: [3],
      kind: 'final',
      revision: 0,
    });
    expect(row).toMatchObject({ minute_start: 60_000, hits: 3, $rowtime: 120_000 });
  });

  it('prefers the ROWTIME window when the GROUP BY also steps an event-time column', () => {
    const p = plan(`CREATE OR REPLACE STREAM "DEST" (t TIMESTAMP, hits BIGINT);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
      SELECT STREAM STEP(ts BY INTERVAL '1' MINUTE), COUNT(*) FROM "SOURCE_SQL_STREAM_001"
      GROUP BY STEP(ts BY INTERVAL '1' MINUTE), STEP(ROWTIME BY INTERVAL '1' MINUTE);`);
    const w = windowOf(p);
    expect(w.domain).toBe('processing');
    const [row] = w.prepare([{ ts: 90_000, ROWTIME: 0 }], () => undefined);
    expect(w.keyValuesOf(row as Record<string, unknown>)).toEqual([60_000]);
  });

  it('plans WINDOW W AS (PARTITION BY k RANGE INTERVAL ... PRECEDING) as an ordered sliding stage', () => {
    const p = plan(`CREATE OR REPLACE STREAM "DEST" (ticker VARCHAR(8), avg_price DOUBLE, n BIGINT);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
      SELECT STREAM ticker, AVG(price) OVER W1, COUNT(*) OVER W1 FROM "SOURCE_SQL_STREAM_001"
      WINDOW W1 AS (PARTITION BY ticker RANGE INTERVAL '1' MINUTE PRECEDING);`);
    const op = lastStage(p).operator;
    expect(op.kind).toBe('sliding');
    if (op.kind !== 'sliding') return;
    expect(op.ordered).toBe(true);
    expect(op.layers).toHaveLength(1);
    expect(op.layers[0]?.frame).toEqual({ rangeMs: 60_000 });
    expect(op.layers[0]?.aggregates).toHaveLength(2);
  });

  it('runs OVER windows of different frames as layers', () => {
    const p =
      plan(`SELECT STREAM ticker, AVG(price) OVER (PARTITION BY ticker RANGE INTERVAL '10' SECOND PRECEDING) AS a10,
        MAX(price) OVER (PARTITION BY ticker ROWS 5 PRECEDING) AS m5 FROM "SOURCE_SQL_STREAM_001"`);
    const op = lastStage(p).operator;
    if (op.kind !== 'sliding') throw new Error('expected sliding');
    expect(op.layers.map((l) => l.frame)).toEqual([{ rangeMs: 10_000 }, { rows: 5 }]);
  });

  it('plans TOP_K_ITEMS_TUMBLING as a tumbling TOP_K flattened to ITEM/ITEM_COUNT rows', () => {
    const p = plan(`CREATE OR REPLACE STREAM "DEST" (url VARCHAR(256), hits BIGINT);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
      SELECT STREAM ITEM, ITEM_COUNT FROM TABLE(TOP_K_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'url', 2, 60));`);
    const topK = p.stages.find((s) => s.operator.kind === 'window');
    if (topK?.operator.kind !== 'window') throw new Error('expected a window stage');
    expect(topK.operator.window).toEqual({ kind: 'tumble', sizeMs: 60_000 });
    expect(topK.operator.multiRow).toBe(true);
    const rows = topK.operator.results({
      windowStart: 0,
      windowEnd: 60_000,
      keyValues: [],
      values: [
        [
          { item: '/a', count: 5 },
          { item: '/b', count: 2 },
        ],
      ],
      kind: 'final',
      revision: 0,
    });
    expect(rows).toEqual([
      { ITEM: '/a', ITEM_COUNT: 5, $rowtime: 60_000 },
      { ITEM: '/b', ITEM_COUNT: 2, $rowtime: 60_000 },
    ]);
    expect(lastStage(p).operator.kind).toBe('map');
  });

  it('chains pumps through in-application streams, each stage after the stages writing its input', () => {
    const p = plan(`CREATE OR REPLACE STREAM "AGG" (url VARCHAR(256), hits BIGINT);
      CREATE OR REPLACE STREAM "BUSY" (url VARCHAR(256), hits BIGINT);
      CREATE OR REPLACE PUMP "P2" AS INSERT INTO "BUSY" SELECT STREAM url, hits FROM "AGG" WHERE hits > 10;
      CREATE OR REPLACE PUMP "P1" AS INSERT INTO "AGG"
      SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY url, STEP(ROWTIME BY INTERVAL '1' MINUTE);`);
    expect(p.stages.map((s) => `${s.label}:${s.input}->${s.output}`)).toEqual([
      'P1:SOURCE_SQL_STREAM_001->AGG',
      'P2:AGG->BUSY',
    ]);
    expect(p.main).toBe('AGG');
    expect(p.streams.get('BUSY')?.isOutput).toBe(true);
  });

  it('maps an INSERT column list onto the declared stream, NULL for the others', () => {
    const p = plan(`CREATE OR REPLACE STREAM "DEST" (a VARCHAR(8), b DOUBLE, c INTEGER);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST" (c, a) SELECT STREAM bytes, url FROM "SOURCE_SQL_STREAM_001";`);
    const op = lastStage(p).operator;
    if (op.kind !== 'map') throw new Error('expected map');
    expect(op.project({ url: '/x', bytes: 3, ROWTIME: 7 })).toEqual({
      c: 3,
      a: '/x',
      b: null,
      $rowtime: 7,
    });
  });
});

describe('planQuery: Flink windows', () => {
  const TABLE = `CREATE TABLE visits (url STRING, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND);`;

  it.each([
    [
      "TUMBLE(TABLE visits, DESCRIPTOR(ts), INTERVAL '10' SECOND)",
      { kind: 'tumble', sizeMs: 10_000 },
    ],
    [
      "HOP(TABLE visits, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)",
      { kind: 'hop', slideMs: 5_000, sizeMs: 10_000 },
    ],
    [
      "CUMULATE(TABLE visits, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)",
      { kind: 'cumulate', stepMs: 2_000, sizeMs: 10_000 },
    ],
  ])('plans %s', (tvf, window) => {
    const p = plan(
      `${TABLE} SELECT window_start, window_end, url, COUNT(*) AS n FROM TABLE(${tvf})
      GROUP BY window_start, window_end, url`,
      {},
    );
    expect(p.dialect).toBe('flink');
    expect(p.main).toBe('RESULT');
    expect(windowOf(p).window).toEqual(window);
    expect(windowOf(p).domain).toBe('event');
    expect(p.source.eventTime).toEqual({ key: 'ts', delayMs: 5_000 });
    expect(p.streams.get('RESULT')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'window_start:TIMESTAMP',
      'window_end:TIMESTAMP',
      'url:VARCHAR',
      'n:BIGINT',
    ]);
  });

  it('plans SESSION with PARTITION BY the group keys', () => {
    const p = plan(
      `${TABLE} SELECT window_start, url, SUM(price) FROM TABLE(SESSION(TABLE visits PARTITION BY url,
      DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY window_start, window_end, url`,
      {},
    );
    expect(windowOf(p).window).toEqual({ kind: 'session', gapMs: 30_000 });
  });

  it('uses a PROCTIME() computed column as processing time', () => {
    const p = plan(
      `CREATE TABLE visits (url STRING, pt AS PROCTIME());
      SELECT window_start, url, COUNT(*) FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(pt), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`,
      {},
    );
    expect(windowOf(p).domain).toBe('processing');
    expect(windowOf(p).timeOf({ ROWTIME: 42 })).toBe(42);
  });

  it('takes an OVER window ordered by the watermark column as an unordered event-time sliding stage', () => {
    const p = plan(
      `${TABLE} SELECT url, AVG(price) OVER (PARTITION BY url ORDER BY ts
      RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS avg_price FROM visits`,
      {},
    );
    const op = lastStage(p).operator;
    if (op.kind !== 'sliding') throw new Error('expected sliding');
    expect(op.ordered).toBe(false);
    expect(op.domain).toBe('event');
  });

  it('evaluates HAVING and expressions over aggregates per window', () => {
    const p = plan(
      `${TABLE} SELECT url, COUNT(*) * 2 AS twice FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts),
      INTERVAL '10' SECOND)) GROUP BY window_start, window_end, url HAVING COUNT(*) > 1`,
      {},
    );
    const w = windowOf(p);
    const result = (n: number) => ({
      windowStart: 0,
      windowEnd: 10,
      keyValues: ['/a'],
      values: [n],
      kind: 'final' as const,
      revision: 0,
    });
    expect(w.aggregates).toHaveLength(1);
    expect(w.results(result(1))).toEqual([]);
    expect(w.results(result(3))).toEqual([{ url: '/a', twice: 6, $rowtime: 10 }]);
  });

  it('treats a TIMESTAMP column without WATERMARK as event time with no disorder allowed', () => {
    const p =
      plan(`SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
      GROUP BY window_start, window_end`);
    expect(p.source.eventTime).toEqual({ key: 'ts', delayMs: 0 });
  });

  it('names columns case-insensitively unless quoted', () => {
    expect(() => plan('SELECT URL, Price FROM visits')).not.toThrow();
    expect(validationError('SELECT "URL" FROM visits').message).toMatch(/unknown column "URL"/);
  });
});

describe('planQuery: validation errors', () => {
  it.each([
    [
      'an unknown column, listing the columns',
      'SELECT STREAM nope FROM "SOURCE_SQL_STREAM_001"',
      /line 1, column 15: unknown column "nope"; columns in scope: url, ticker, price, bytes, ts/,
    ],
    [
      'an unknown stream, listing the streams',
      `${KDA_HEAD} SELECT STREAM url, COUNT(*) FROM "OTHER" GROUP BY url, STEP(ROWTIME BY INTERVAL '1' SECOND);
      CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST" SELECT STREAM url, bytes FROM "SOURCE_SQL_STREAM_001";`,
      /unknown stream "OTHER": nothing writes it and it is not the source; streams: SOURCE_SQL_STREAM_001, DEST/,
    ],
    [
      'an unknown function',
      'SELECT STREAM FROBNICATE(url) FROM "SOURCE_SQL_STREAM_001"',
      /FROBNICATE/,
    ],
    [
      'an aggregate in WHERE',
      `SELECT STREAM url FROM "SOURCE_SQL_STREAM_001" WHERE COUNT(*) > 1`,
      /aggregate function COUNT is not allowed in WHERE/,
    ],
    [
      'a column neither grouped nor aggregated',
      `${KDA_HEAD} SELECT STREAM ticker, COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY url, STEP(ROWTIME BY INTERVAL '1' SECOND);`,
      /column "ticker" must be in GROUP BY or inside an aggregate function; grouped: STEP\(ROWTIME BY INTERVAL '1' SECOND\), url/,
    ],
    [
      'an aggregate without a window',
      `SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001"`,
      /not allowed in a SELECT without GROUP BY \(a streaming aggregate needs a window/,
    ],
    [
      'a GROUP BY without a window',
      `SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY url`,
      /a GROUP BY over a stream needs a window/,
    ],
    [
      'a nested aggregate',
      `SELECT window_start, SUM(COUNT(*)) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`,
      /aggregate function COUNT is not allowed in the argument of SUM/,
    ],
    [
      'a TVF GROUP BY without window_start',
      `SELECT url, COUNT(*) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY url`,
      /must include window_start and window_end/,
    ],
    [
      'SUM of text',
      `SELECT window_start, SUM(url) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`,
      /SUM/,
    ],
    [
      'a window over a non-TIMESTAMP column',
      `SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(price), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`,
      /must be a TIMESTAMP, "price" is DOUBLE/,
    ],
    [
      'a HOP whose size is not a multiple of its slide',
      `SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      /whole multiple of its slide/,
    ],
    [
      'SELECT DISTINCT over a stream',
      `SELECT DISTINCT url FROM s`,
      /SELECT DISTINCT over a stream is not supported/,
    ],
    [
      'an unknown named window',
      `SELECT STREAM AVG(price) OVER W2 FROM "SOURCE_SQL_STREAM_001" WINDOW W1 AS (RANGE INTERVAL '1' SECOND PRECEDING)`,
      /unknown window "W2"; windows: W1/,
    ],
    [
      'FLOOR to a month',
      `SELECT STREAM FLOOR(ROWTIME TO MONTH), COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY FLOOR(ROWTIME TO MONTH)`,
      /not a fixed-length window/,
    ],
  ])('refuses %s', (_what, sql, message) => {
    expect(validationError(sql).message).toMatch(message);
  });

  it("plans Flink's window Top-N (ROW_NUMBER over a window aggregation) as a rank stage", () => {
    const p = plan(`SELECT url, n FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY n DESC) AS rownum
        FROM (SELECT window_start, window_end, url, COUNT(*) AS n
          FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, url))
      WHERE rownum <= 3`);
    expect(p.stages.map((s) => s.operator.kind)).toEqual(['window', 'rank', 'map']);
  });

  it.each([
    [
      'over a stream that is not a window aggregation',
      'SELECT url, ROW_NUMBER() OVER (PARTITION BY url ORDER BY bytes) AS r FROM s',
      /"s" is not one/,
    ],
    [
      'without window_start and window_end in PARTITION BY',
      `SELECT *, ROW_NUMBER() OVER (PARTITION BY url ORDER BY n DESC) AS r FROM (SELECT window_start, window_end, url, COUNT(*) AS n
        FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, url)`,
      /PARTITION BY lacks window_start or window_end/,
    ],
    [
      'RANK()',
      'SELECT RANK() OVER (PARTITION BY url ORDER BY bytes) FROM s',
      /RANK\(\) is not supported; use ROW_NUMBER\(\)/,
    ],
  ])('refuses ROW_NUMBER %s', (_what, sql, message) => {
    expect(validationError(sql).message).toMatch(message);
  });

  it('points at the offending node', () => {
    const error = validationError('SELECT STREAM url,\n  nope\nFROM "SOURCE_SQL_STREAM_001"');
    expect(error.position).toMatchObject({ line: 2, column: 3 });
  });

  it('refuses a pump into an undeclared stream, listing the declared ones', () => {
    expect(
      validationError(`CREATE OR REPLACE STREAM "A" (url VARCHAR(8));
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "B" SELECT STREAM url FROM "SOURCE_SQL_STREAM_001";`)
        .message,
    ).toMatch(/inserts into "B", which is not declared; .*declared: A/);
  });

  it('checks a pump against its stream: the number of columns and their types', () => {
    expect(
      validationError(`${KDA_HEAD} SELECT STREAM url FROM "SOURCE_SQL_STREAM_001";`).message,
    ).toMatch(/pump "P" gives 1 values for 2 columns of "DEST" \(url VARCHAR, hits INTEGER\)/);
    expect(
      validationError(`${KDA_HEAD} SELECT STREAM url, ticker FROM "SOURCE_SQL_STREAM_001";`)
        .message,
    ).toMatch(/column "hits" of "DEST" is INTEGER and cannot take the VARCHAR value "ticker"/);
  });

  it('refuses a window time column that is not a time attribute', () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), other TIMESTAMP(3), WATERMARK FOR ts AS ts);
      SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(other), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`;
    expect(validationError(sql, {}).message).toMatch(
      /"other" is not a time attribute of "v".*time attributes: ROWTIME, ts \(event time\)/,
    );
  });

  it('refuses reading two sources (joins are not supported)', () => {
    expect(
      validationError(`CREATE OR REPLACE STREAM "D" (url VARCHAR(8));
        CREATE OR REPLACE PUMP "P1" AS INSERT INTO "D" SELECT STREAM url FROM "S1";
        CREATE OR REPLACE PUMP "P2" AS INSERT INTO "D" SELECT STREAM url FROM "S2";`).message,
    ).toMatch(/reads several streams that nothing writes \(S1, S2\)/);
  });

  it('refuses a cycle of pumps', () => {
    expect(
      validationError(`CREATE OR REPLACE STREAM "A" (url VARCHAR(8));
        CREATE OR REPLACE STREAM "B" (url VARCHAR(8));
        CREATE OR REPLACE PUMP "P1" AS INSERT INTO "A" SELECT STREAM url FROM "B";
        CREATE OR REPLACE PUMP "P2" AS INSERT INTO "B" SELECT STREAM url FROM "A";
        CREATE OR REPLACE PUMP "P3" AS INSERT INTO "A" SELECT STREAM url FROM "SOURCE_SQL_STREAM_001";`)
        .message,
    ).toMatch(/cycle/);
  });

  it('does not check source columns without a schema (their type is unknown: NULL)', () => {
    const p = plan('SELECT STREAM anything FROM "SOURCE_SQL_STREAM_001"', {});
    expect(p.source.schema).toBeUndefined();
    expect(p.streams.get('RESULT')?.columns).toEqual([
      { name: 'anything', type: 'NULL', key: 'anything' },
    ]);
  });
});
