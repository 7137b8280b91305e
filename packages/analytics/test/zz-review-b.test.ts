import { describe, it } from 'vitest';
import { runQuery } from '../src/engine/run-query.js';
import type { SourceSchema } from '../src/schema/source-schema.js';
import { collect, encode, fakeClock, timedSource, listSource } from './engine/helpers.js';

const schema: SourceSchema = { columns: { url: { type: 'VARCHAR(64)' } } };
const CHAIN = `CREATE OR REPLACE STREAM "S1" (url VARCHAR(64), hits BIGINT);
CREATE OR REPLACE PUMP "P1" AS INSERT INTO "S1"
SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
CREATE OR REPLACE STREAM "S2" (url VARCHAR(64), total BIGINT);
CREATE OR REPLACE PUMP "P2" AS INSERT INTO "S2"
SELECT STREAM url, SUM(hits) FROM "S1"
GROUP BY url, STEP("S1".ROWTIME BY INTERVAL '60' SECOND);`;

describe('review b', () => {
  it('chained KDA pumps', async () => {
    const clock = fakeClock();
    const rec = (at: number, url: string) => ({ at, item: { data: encode({ url }), sequenceNumber: `${at}` } });
    const run = runQuery(CHAIN, {
      source: timedSource(clock, [rec(1000, 'a'), rec(15000, 'a'), rec(55000, 'a'), rec(61000, 'a'), rec(130000, 'b')]),
      clock,
      schema,
    });
    const s1 = collect(run.stream('S1'));
    const late = collect(run.late);
    const outs = await collect(run);
    console.log('S2', outs.map((o) => [o.kind, o.key, JSON.stringify(o.row)]));
    console.log('S1', (await s1).map((o) => [o.kind, o.key, JSON.stringify(o.row)]));
    console.log('late', (await late).map((l) => [l.stage, l.reason]));
  });

  it('event-time flink chained? HAVING with early results', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
SELECT window_start, window_end, url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, url HAVING COUNT(*) > 1`;
    const clock = fakeClock(0);
    const rows = [
      { at: 0, item: { url: '/a', ts: 1000 } },
      { at: 2000, item: { url: '/a', ts: 2000 } },
      { at: 4000, item: { url: '/a', ts: 3000 } },
      { at: 6000, item: { url: '/b', ts: 12000 } },
    ];
    const run = runQuery(sql, { source: timedSource(clock, rows), clock, earlyResultsIntervalMs: 1000 });
    const outs = await collect(run);
    console.log('HAVING', outs.map((o) => [o.kind, o.revision, o.key, JSON.stringify(o.row)]));
  });

  it('bigint / big numbers / -0 / strings in INTEGER', async () => {
    const run = runQuery(`SELECT STREAM n, d, b FROM "SOURCE_SQL_STREAM_001"`, {
      source: listSource([
        { data: Buffer.from('{"n":"  12 ","d":"1e400","b":"TRUE"}') },
        { data: Buffer.from('{"n":1.5,"d":"0x10","b":1}') },
        { data: Buffer.from('{"n":12345678901234567890,"d":-1e400,"b":true}') },
        { data: Buffer.from('{"n":true,"d":"","b":"true"}') },
      ]),
      schema: { columns: { n: { type: 'INTEGER' }, d: { type: 'DOUBLE' }, b: { type: 'BOOLEAN' } } },
    });
    const errors = collect(run.errors);
    const outs = await collect(run);
    console.log('coerce', outs.map((o) => JSON.stringify(o.row)), (await errors).map((e) => e.message));
  });
});
