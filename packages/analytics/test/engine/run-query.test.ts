import { describe, expect, it, vi } from 'vitest';
import { OUTPUT_BUFFER_LIMIT } from '../../src/engine/defaults.js';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { compileQuery, runQuery } from '../../src/engine/run-query.js';
import { InvalidOptionError, SqlValidationError } from '../../src/errors.js';
import type { SourceSchema } from '../../src/schema/source-schema.js';
import type { ResultSink } from '../../src/sinks/result-sink.js';
import { SinkFailedError } from '../../src/sinks/sink-errors.js';
import { collect, drain, encode, fakeClock, listSource, timedSource } from './helpers.js';

const schema: SourceSchema = {
  columns: { url: { type: 'VARCHAR(64)' }, bytes: { type: 'INTEGER' } },
};

const COUNT_PER_10S = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), hits BIGINT);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`;

const FILTER = `SELECT STREAM url, bytes * 2 AS double_bytes FROM "SOURCE_SQL_STREAM_001" WHERE bytes > 10`;

/** A source that yields `items`, then waits until `release()` before ending. */
function gatedSource<T>(items: readonly T[], beforeEach?: (i: number) => void) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let pulled = 0;
  async function* source() {
    for (const [i, item] of items.entries()) {
      beforeEach?.(i);
      pulled++;
      yield item;
    }
    await gate;
  }
  return { source: source(), release, pulled: () => pulled };
}

function recordingSink() {
  const written: QueryOutput[] = [];
  const events: string[] = [];
  const sink: ResultSink & { closed: boolean } = {
    closed: false,
    async write(outputs) {
      written.push(...outputs);
      events.push(`write:${outputs.length}`);
    },
    async close() {
      sink.closed = true;
      events.push('close');
    },
  };
  return { sink, written, events };
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('runQuery: sources and errors', () => {
  it('takes records, consumer batches, plain rows and arrays of them alike', async () => {
    const rows = [
      { url: '/a', bytes: 11 },
      { url: '/b', bytes: 20 },
      { url: '/c', bytes: 30 },
      { url: '/d', bytes: 40 },
    ];
    const items = [
      { data: encode(rows[0]), sequenceNumber: '1' },
      { records: [{ data: encode(rows[1]), sequenceNumber: '2' }] },
      rows[2],
      [rows[3]],
    ];
    const { outputs } = await drain(runQuery(FILTER, { source: listSource(items), schema }));
    expect(outputs.map((o) => o.row)).toEqual(
      rows.map((r) => ({ url: r.url, double_bytes: r.bytes * 2 })),
    );
    expect(outputs.map((o) => o.key)).toEqual(['1', '2', '#0', '#1']);
    expect(
      outputs.every((o) => o.stream === 'RESULT' && o.kind === 'insert' && o.revision === 0),
    ).toBe(true);
  });

  it('sends bad records to errors and leaves the other rows unaffected', async () => {
    const good = [
      { url: '/a', bytes: 50 },
      { url: '/b', bytes: 60 },
      { url: '/a', bytes: 70 },
    ];
    const bad = [
      { data: encode({ url: '/x', bytes: 'lots' }) },
      { data: new TextEncoder().encode('{not json') },
      { data: new Uint8Array([0xff]) },
      42,
    ];
    const mixed = [good[0], bad[0], bad[1], good[1], [bad[2], good[2]], bad[3]];
    const clean = await drain(runQuery(FILTER, { source: listSource(good), schema }));
    const dirty = await drain(runQuery(FILTER, { source: listSource(mixed), schema }));
    expect(dirty.outputs.map((o) => o.row)).toEqual(clean.outputs.map((o) => o.row));
    expect(dirty.errors.map((e) => e.message)).toEqual([
      'column "bytes" (INTEGER): cannot take "lots"',
      expect.stringMatching(/^record data is not JSON/),
      'record data is not valid UTF-8',
      'a source item must be a record, a batch or a row object, got number',
    ]);
    expect(dirty.errors[0]?.data).toEqual((bad[0] as { data: Uint8Array }).data);
    expect(dirty.stats).toMatchObject({ rowsIn: 3, errors: 4 });
  });

  it('sends rows an expression fails on to errors, with the SQL position, and goes on', async () => {
    const sql = `SELECT STREAM url, CAST(url AS INTEGER) AS n FROM "SOURCE_SQL_STREAM_001"`;
    const { outputs, errors } = await drain(
      runQuery(sql, { source: listSource([{ url: '12' }, { url: 'abc' }, { url: '7' }]), schema }),
    );
    expect(outputs.map((o) => o.row)).toEqual([
      { url: '12', n: 12 },
      { url: '7', n: 7 },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      stage: 'SELECT',
      row: { url: 'abc' },
      position: { line: 1, column: 20 },
    });
  });

  it("mirrors errors and late rows into KDA's error_stream", async () => {
    const run = runQuery(FILTER, { source: listSource([{ url: '/a', bytes: 'x' }]), schema });
    const errorStream = collect(run.stream('error_stream'));
    await drain(run);
    const [row] = (await errorStream).map((o) => o.row);
    expect(row).toMatchObject({
      ERROR_NAME: 'DecodeError',
      MESSAGE: 'column "bytes" (INTEGER): cannot take "x"',
      PUMP_NAME: null,
    });
    expect(JSON.parse(row?.DATA_ROW as string)).toEqual({ url: '/a', bytes: 'x' });
  });

  it("lets a pump read KDA's error_stream", async () => {
    const sql = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), bytes INTEGER);
      CREATE OR REPLACE STREAM "ERRORS" (kind VARCHAR(32), message VARCHAR(256), data VARCHAR(256));
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST" SELECT STREAM url, bytes FROM "SOURCE_SQL_STREAM_001";
      CREATE OR REPLACE PUMP "E" AS INSERT INTO "ERRORS"
        SELECT STREAM ERROR_NAME, MESSAGE, DATA_ROW FROM "error_stream" WHERE ERROR_LEVEL = 'ERROR';`;
    const items = [
      { url: '/a', bytes: 1 },
      { data: encode({ url: '/b', bytes: 'x' }) },
      { url: '/c', bytes: 3 },
    ];
    const run = runQuery(sql, { source: listSource(items), schema });
    const dest = collect(run.stream('DEST'));
    const errors = await collect(run);
    expect((await dest).map((o) => o.row.url)).toEqual(['/a', '/c']);
    expect(errors.map((o) => [o.stream, o.row])).toEqual([
      [
        'ERRORS',
        {
          kind: 'DecodeError',
          message: 'column "bytes" (INTEGER): cannot take "x"',
          data: '{"url":"/b","bytes":"x"}',
        },
      ],
    ]);
  });

  it('refuses a pump writing error_stream', () => {
    expect(() =>
      compileQuery(
        `CREATE OR REPLACE PUMP "E" AS INSERT INTO "error_stream" SELECT STREAM url FROM "SOURCE_SQL_STREAM_001";`,
        { schema },
      ),
    ).toThrow(/writes error_stream, which only the engine writes/);
  });

  it('infers the schema from the first item when none is given', async () => {
    const items = [
      { data: encode({ page: { url: '/a' }, bytes: 20 }) },
      { data: encode({ page: { url: '/b' }, bytes: 5 }) },
    ];
    const sql = `SELECT STREAM page_url FROM "SOURCE_SQL_STREAM_001" WHERE bytes > 10`;
    const { outputs } = await drain(runQuery(sql, { source: listSource(items) }));
    expect(outputs.map((o) => o.row)).toEqual([{ page_url: '/a' }]);
  });

  it('fails the run when the inferred schema lacks a column the SQL names', async () => {
    const run = runQuery(`SELECT STREAM nope FROM "SOURCE_SQL_STREAM_001"`, {
      source: listSource([{ url: '/a' }]),
    });
    await expect(collect(run)).rejects.toThrow(SqlValidationError);
    await expect(run.done).rejects.toThrow(/unknown column "nope"; columns in scope: url/);
  });
});

describe('runQuery: options', () => {
  it('throws SQL errors at once when the schema is known', () => {
    expect(() =>
      runQuery('SELECT STREAM nope FROM "SOURCE_SQL_STREAM_001"', {
        source: listSource([]),
        schema,
      }),
    ).toThrow(SqlValidationError);
  });

  it.each([
    [{ allowedLatenessMs: -1 }, /allowedLatenessMs: must be a finite number of milliseconds >= 0/],
    [{ earlyResultsIntervalMs: 0 }, /earlyResultsIntervalMs/],
    [
      { sinks: { NOPE: { write: async () => {}, close: async () => {} } } },
      /sinks\.NOPE: the query has no output stream "NOPE"; streams: RESULT, error_stream/,
    ],
  ])('refuses bad options %#', (options, message) => {
    expect(() => runQuery(FILTER, { source: listSource([]), schema, ...options })).toThrow(message);
    expect(() => runQuery(FILTER, { source: listSource([]), schema, ...options })).toThrow(
      InvalidOptionError,
    );
  });

  it('compiles without running and describes the output streams', () => {
    const query = compileQuery(COUNT_PER_10S, { schema });
    expect(query).toEqual({
      dialect: 'kda',
      sourceName: 'SOURCE_SQL_STREAM_001',
      mainStream: 'DEST',
      streams: [
        {
          name: 'DEST',
          columns: [
            { name: 'url', type: 'VARCHAR' },
            { name: 'hits', type: 'BIGINT' },
          ],
        },
      ],
      eventTime: false,
    });
  });
});

describe('runQuery: windows, time and late rows', () => {
  it('assigns ROWTIME = max(previous ROWTIME, clock) so a clock stepping back never reorders', async () => {
    const clock = fakeClock();
    const times = [1_000, 5_000, 3_000, 12_000];
    const sql = `SELECT STREAM url, ROWTIME AS t FROM "SOURCE_SQL_STREAM_001"`;
    const items = times.map((at, i) => ({ at, item: { url: `/${i}` } }));
    const { outputs } = await drain(
      runQuery(sql, { source: timedSource(clock, items), clock, schema }),
    );
    expect(outputs.map((o) => (o.row.t as Date).getTime())).toEqual([1_000, 5_000, 5_000, 12_000]);
  });

  it('re-emits a fired window as an update (same key, next revision) for a row within the allowed lateness', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
      SELECT url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`;
    const items = [
      { url: '/a', ts: 1_000 },
      { url: '/a', ts: 15_000 },
      { url: '/a', ts: 2_000 },
      { url: '/a', ts: 40_000 },
      { url: '/a', ts: 3_000 },
    ];
    const { outputs, late } = await drain(
      runQuery(sql, { source: listSource(items), allowedLatenessMs: 20_000 }),
    );
    const first = outputs.filter((o) => o.key === outputs[0]?.key);
    expect(first.map((o) => [o.kind, o.revision, o.row.n])).toEqual([
      ['insert', 0, 1],
      ['update', 1, 2],
    ]);
    expect(late.map((l) => l.time)).toEqual([3_000]);
    expect(late[0]).toMatchObject({ stage: 'SELECT', row: { url: '/a', ts: new Date(3_000) } });
  });

  it('keeps the event-time watermark per shard, so a shard read ahead does not make another late', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
      SELECT url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`;
    const batch = (shardId: string, url: string, from: number, to: number) => ({
      shardId,
      records: Array.from({ length: (to - from) / 1_000 }, (_, i) => ({
        data: encode({ url, ts: from + i * 1_000 }),
        shardId,
      })),
    });
    const items = [
      batch('A', '/a', 0, 5_000),
      batch('B', '/b', 0, 5_000),
      batch('A', '/a', 5_000, 30_000),
      batch('B', '/b', 5_000, 30_000),
    ];
    const { outputs, late } = await drain(runQuery(sql, { source: listSource(items) }));
    expect(late).toEqual([]);
    expect(outputs.map((o) => [o.row.url, o.row.n])).toEqual([
      ['/a', 10],
      ['/b', 10],
      ['/a', 10],
      ['/b', 10],
      ['/a', 10],
      ['/b', 10],
    ]);
  });

  it('stops waiting for a shard that gave no rows for idleTimeoutMs', async () => {
    const clock = fakeClock(0);
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
      SELECT url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`;
    const record = (shardId: string, ts: number) => ({
      data: encode({ url: shardId, ts }),
      shardId,
    });
    const items = [
      { at: 0, item: [record('A', 1_000), record('B', 1_000)] },
      { at: 100, item: [record('A', 15_000)] },
      { at: 5_000, item: [record('A', 16_000)] },
    ];
    const gated = gatedSource(
      items.map((i) => i.item),
      (i) => clock.set(items[i]?.at ?? 0),
    );
    const run = runQuery(sql, { source: gated.source, clock, idleTimeoutMs: 1_000 });
    const iterator = run[Symbol.asyncIterator]();
    // Shard B is silent from t=0; at t=5000 it no longer holds the watermark at 1000.
    const first = await iterator.next();
    expect(first.value?.row).toEqual({ url: 'A', n: 1 });
    expect(run.stats().rowsIn).toBe(4);
    gated.release();
    await run.done;
  });

  it('fires processing-time windows on a timer when no rows arrive', async () => {
    const sql = `SELECT STREAM url, COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001"
      GROUP BY url, STEP(ROWTIME BY INTERVAL '20' MILLISECOND)`;
    const gated = gatedSource([{ url: '/a' }, { url: '/a' }]);
    const run = runQuery(sql, { source: gated.source, schema });
    const iterator = run[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value?.kind).toBe('insert');
    gated.release();
    const rest = [];
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next())
      rest.push(r.value);
    expect([first.value, ...rest].reduce((sum, o) => sum + (o.row.n as number), 0)).toBe(2);
  });

  it('gives early results at an interval, then the final one', async () => {
    const clock = fakeClock(1_000);
    const gated = gatedSource([{ url: '/a' }, { url: '/a' }]);
    const run = runQuery(COUNT_PER_10S, {
      source: gated.source,
      schema,
      clock,
      earlyResultsIntervalMs: 1,
    });
    const iterator = run[Symbol.asyncIterator]();
    const next = iterator.next();
    await ticks(5);
    clock.set(1_005);
    const early = await next;
    expect(early.value).toMatchObject({ kind: 'early', revision: 0, row: { url: '/a', hits: 2 } });
    gated.release();
    const rest = [];
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next())
      rest.push(r.value);
    expect(rest.at(-1)).toMatchObject({ kind: 'insert', key: early.value?.key, row: { hits: 2 } });
    expect(rest.at(-1)?.revision).toBeGreaterThan(0);
  });

  it('moves the event-time watermark with the clock after idleTimeoutMs without rows', async () => {
    const clock = fakeClock(0);
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
      SELECT url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`;
    const gated = gatedSource([{ url: '/a', ts: 1_000 }]);
    const run = runQuery(sql, { source: gated.source, clock, idleTimeoutMs: 1 });
    const iterator = run[Symbol.asyncIterator]();
    const next = iterator.next();
    await ticks(5);
    clock.set(60_000);
    expect((await next).value).toMatchObject({ kind: 'insert', row: { url: '/a', n: 1 } });
    expect(run.stats().watermark).toBeGreaterThanOrEqual(9_999);
    gated.release();
    await run.done;
  });
});

describe('runQuery: outputs, back-pressure, stop and sinks', () => {
  it('pauses reading the source while the main output is not read', async () => {
    const batch = Array.from({ length: 1_000 }, (_, i) => ({ url: `/${i}`, bytes: 100 }));
    const items = Array.from({ length: 30 }, () => batch);
    const gated = gatedSource(items);
    const run = runQuery(FILTER, { source: gated.source, schema });
    const iterator = run[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(50);
    const paused = gated.pulled();
    // The source is read until the unread outputs reach the limit (one output was read).
    expect(paused).toBe(OUTPUT_BUFFER_LIMIT / 1_000 + 1);
    await ticks(50);
    expect(gated.pulled()).toBe(paused);
    for (let i = 0; i < 5_000; i++) await iterator.next();
    await ticks(50);
    expect(gated.pulled()).toBeGreaterThan(paused);
    gated.release();
    let n = 5_001;
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) n++;
    expect(n).toBe(30_000);
  });

  it('stops while it waits for a full output to be read', async () => {
    const batch = Array.from({ length: 1_000 }, (_, i) => ({ url: `/${i}`, bytes: 100 }));
    const gated = gatedSource(Array.from({ length: 30 }, () => batch));
    const run = runQuery(FILTER, { source: gated.source, schema });
    const iterator = run[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(50);
    const paused = gated.pulled();
    expect(paused).toBe(OUTPUT_BUFFER_LIMIT / 1_000 + 1);
    // Waiting for room: stop() must wake that wait, not hang on it.
    await run.stop();
    expect(gated.pulled()).toBe(paused);
    expect((await run.done).rowsIn).toBe(paused * 1_000);
  });

  it('counts outputs nobody iterated as unread and still hands them to sinks', async () => {
    const { sink, written } = recordingSink();
    const run = runQuery(FILTER, {
      source: listSource([
        { url: '/a', bytes: 11 },
        { url: '/b', bytes: 12 },
      ]),
      schema,
      sinks: { RESULT: sink },
    });
    const stats = await run.done;
    expect(stats).toMatchObject({ rowsOut: 2, unread: 2 });
    expect(written.map((o) => o.row.url)).toEqual(['/a', '/b']);
    expect(sink.closed).toBe(true);
  });

  it('gives a named stream of a chained application to stream(name)', async () => {
    const sql = `CREATE OR REPLACE STREAM "BIG" (url VARCHAR(64), bytes INTEGER);
      CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), n BIGINT);
      CREATE OR REPLACE PUMP "P1" AS INSERT INTO "BIG" SELECT STREAM url, bytes FROM "SOURCE_SQL_STREAM_001" WHERE bytes > 10;
      CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST" SELECT STREAM url, COUNT(*) FROM "BIG" GROUP BY url, FLOOR(ROWTIME TO MINUTE);`;
    const run = runQuery(sql, {
      source: listSource([
        { url: '/a', bytes: 11 },
        { url: '/a', bytes: 1 },
        { url: '/a', bytes: 12 },
      ]),
      schema,
    });
    const big = collect(run.stream('big'));
    const dest = await collect(run);
    expect((await big).map((o) => [o.stream, o.row.bytes])).toEqual([
      ['BIG', 11],
      ['BIG', 12],
    ]);
    expect(dest.map((o) => [o.stream, o.row])).toEqual([['DEST', { url: '/a', n: 2 }]]);
    expect(() => run.stream('NOPE')).toThrow(
      /no output stream "NOPE"; streams: BIG, DEST, error_stream/,
    );
  });

  it('stop() stops reading, emits open windows as early, flushes and closes sinks', async () => {
    const clock = fakeClock(1_000);
    const gated = gatedSource([{ url: '/a' }, { url: '/b' }, { url: '/a' }]);
    const { sink, written, events } = recordingSink();
    const run = runQuery(COUNT_PER_10S, {
      source: gated.source,
      schema,
      clock,
      sinks: { DEST: sink },
    });
    const outputs = collect(run);
    await ticks(20);
    expect(written).toEqual([]);
    await run.stop();
    // The window [0 s, 10 s) is still open at 1 s: its counts are partial, not final.
    expect((await outputs).map((o) => [o.kind, o.row])).toEqual([
      ['early', { url: '/a', hits: 2 }],
      ['early', { url: '/b', hits: 1 }],
    ]);
    expect(written).toHaveLength(2);
    expect(events.at(-1)).toBe('close');
    expect((await run.done).openWindows).toBe(1);
  });

  it('stops on the abort signal as stop() does', async () => {
    const controller = new AbortController();
    const gated = gatedSource([{ url: '/a', bytes: 50 }]);
    const run = runQuery(FILTER, { source: gated.source, schema, signal: controller.signal });
    const outputs = collect(run);
    await ticks(10);
    controller.abort();
    expect((await outputs).map((o) => o.row.url)).toEqual(['/a']);
  });

  it('stops the run when the loop over the main output breaks', async () => {
    const gated = gatedSource([
      { url: '/a', bytes: 50 },
      { url: '/b', bytes: 50 },
    ]);
    const run = runQuery(FILTER, { source: gated.source, schema });
    for await (const output of run) {
      expect(output.row.url).toBe('/a');
      break;
    }
    // The source never ends on its own (it waits on a gate): only the break ends the run.
    const stats = await run.done;
    expect(stats.rowsIn).toBeLessThanOrEqual(2);
  });

  it('fails the run with SinkFailedError when a sink rejects', async () => {
    const sink: ResultSink = {
      write: async () => {
        throw new Error('disk full');
      },
      close: vi.fn(async () => {}),
    };
    const run = runQuery(FILTER, {
      source: listSource([{ url: '/a', bytes: 50 }]),
      schema,
      sinks: { RESULT: [sink] },
    });
    await expect(run.done).rejects.toBeInstanceOf(SinkFailedError);
    await expect(run.done).rejects.toThrow(/disk full/);
    expect(sink.close).toHaveBeenCalled();
  });
});

describe('runQuery: at-least-once checkpoints', () => {
  function batch(at: number, urls: string[], log: string[]) {
    return {
      at,
      item: {
        records: urls.map((url, i) => ({ data: encode({ url }), sequenceNumber: `${at}-${i}` })),
        checkpoint: async () => {
          log.push(`checkpoint@${at}`);
        },
      },
    };
  }

  it('checkpoints a batch only once every window its rows fed has fired and was handed on', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const sink: ResultSink = {
      async write(outputs) {
        for (const o of outputs) log.push(`out:${o.key}`);
      },
      async close() {},
    };
    const items = [
      batch(1_000, ['/a'], log),
      batch(5_000, ['/b'], log),
      batch(12_000, ['/a'], log),
      batch(31_000, ['/c'], log),
    ];
    const run = runQuery(COUNT_PER_10S, {
      source: timedSource(clock, items),
      clock,
      schema,
      sinks: { DEST: sink },
    });
    await run.done;
    expect(log).toEqual([
      'out:0/10000/["/a"]',
      'out:0/10000/["/b"]',
      'checkpoint@1000',
      'checkpoint@5000',
      'out:10000/20000/["/a"]',
      'checkpoint@12000',
      'out:30000/40000/["/c"]',
      'checkpoint@31000',
    ]);
  });

  it('checkpoints a batch of a non-windowed query as soon as its outputs were handed on', async () => {
    const log: string[] = [];
    const sink: ResultSink = {
      async write(outputs) {
        for (const o of outputs) log.push(`out:${o.row.url as string}`);
      },
      async close() {},
    };
    const clock = fakeClock();
    const gated = gatedSource([batch(1, ['/a'], log).item, batch(2, ['/b'], log).item]);
    const run = runQuery(`SELECT STREAM url FROM "SOURCE_SQL_STREAM_001"`, {
      source: gated.source,
      clock,
      schema,
      sinks: { RESULT: sink },
    });
    await ticks(20);
    expect(log).toEqual(['out:/a', 'checkpoint@1', 'out:/b', 'checkpoint@2']);
    expect(run.stats().pendingCheckpoints).toBe(0);
    gated.release();
    await run.done;
  });

  it('does not checkpoint batches whose windows are still open when the run fails', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    let calls = 0;
    const sink: ResultSink = {
      async write() {
        calls++;
        throw new Error('down');
      },
      async close() {},
    };
    const items = [batch(1_000, ['/a'], log), batch(12_000, ['/b'], log)];
    const run = runQuery(COUNT_PER_10S, {
      source: timedSource(clock, items),
      clock,
      schema,
      sinks: { DEST: sink },
    });
    await expect(run.done).rejects.toThrow(SinkFailedError);
    expect(calls).toBe(1);
    expect(log).toEqual([]);
  });
});
