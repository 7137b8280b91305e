import { describe, expect, it } from 'vitest';
import type { QueryOutput } from '../src/engine/query-output.js';
import { runQuery } from '../src/engine/run-query.js';
import type { SourceSchema } from '../src/schema/source-schema.js';
import { collect, encode, fakeClock, listSource, timedSource } from './engine/helpers.js';

const schema: SourceSchema = { columns: { url: { type: 'VARCHAR(64)' } } };
const COUNT = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), hits BIGINT);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`;
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('review', () => {
  it('A: break out of the main iterator checkpoints batches whose windows nobody saw', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const b = (at: number, url: string) => ({
      at,
      item: {
        records: [{ data: encode({ url }), sequenceNumber: `${at}` }],
        checkpoint: async () => void log.push(`checkpoint@${at}`),
      },
    });
    async function* src() {
      yield* timedSource(clock, [b(1000, '/a'), b(12000, '/b'), b(13000, '/c')]);
      await new Promise(() => {}); // a consumer: more to come
    }
    const run = runQuery(COUNT, { source: src(), clock, schema });
    const seen: QueryOutput[] = [];
    for await (const o of run) {
      seen.push(o);
      break;
    }
    await run.done;
    console.log('A seen', seen.map((o) => o.key), 'log', log);
  });

  it('A2: stop() mid-window emits a partial window as final insert and checkpoints it', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const out: string[] = [];
    const b = (at: number, url: string) => ({
      at,
      item: {
        records: [{ data: encode({ url }), sequenceNumber: `${at}` }],
        checkpoint: async () => void log.push(`checkpoint@${at}`),
      },
    });
    async function* src() {
      yield* timedSource(clock, [b(1000, '/a'), b(2000, '/a')]);
      await new Promise(() => {});
    }
    const run = runQuery(COUNT, {
      source: src(),
      clock,
      schema,
      sinks: { DEST: { async write(o) { for (const x of o) out.push(`${x.kind} ${x.key} ${JSON.stringify(x.row)}`); }, async close() {} } },
    });
    await ticks(20);
    await run.stop();
    console.log('A2 out', out, 'log', log);
  });

  it('B: TIMESTAMP text "1e400" becomes Infinity and poisons the watermark', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
SELECT window_start, url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, url`;
    const run = runQuery(sql, {
      source: listSource([
        { url: '/a', ts: 1000 },
        { url: '/evil', ts: '1e400' },
        { url: '/a', ts: 2000 },
        { url: '/a', ts: 3000 },
      ]),
    });
    const late = collect(run.late);
    const errors = collect(run.errors);
    const outs = await collect(run);
    console.log('B outs', outs.map((o) => o.row), 'late', (await late).map((l) => [l.row, l.reason]), 'errors', (await errors).length);
  });

  it('C: column named constructor / toString reads Object.prototype', async () => {
    const run = runQuery(`SELECT STREAM "constructor", "toString" IS NULL AS tnull FROM "SOURCE_SQL_STREAM_001"`, {
      source: listSource([{ data: encode({ a: 1 }) }]),
      schema: { columns: { constructor: { type: 'VARCHAR(64)' }, toString: { type: 'VARCHAR(64)' } } },
    });
    const errors = collect(run.errors);
    const outs = await collect(run);
    console.log('C outs', outs.map((o) => o.row), 'errors', (await errors).map((e) => e.message));
  });

  it('D: __proto__ key in record JSON with inferred schema', async () => {
    const run = runQuery(`SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"`, {
      source: listSource([{ data: encode({ url: '/a', ['__proto__']: { polluted: 1 } }) }, { data: Buffer.from('{"url":"/b","__proto__":{"x":1}}') }]),
    });
    const errors = collect(run.errors);
    try {
      const outs = await collect(run);
      console.log('D outs', outs.map((o) => [o.row, Object.getPrototypeOf(o.row)]), 'errors', (await errors).map((e) => e.message));
    } catch (e) {
      console.log('D threw', e);
    }
    console.log('D polluted?', ({} as Record<string, unknown>).polluted, ({} as Record<string, unknown>).x);
  });
});
