import { describe, it } from 'vitest';
import { runQuery } from '../src/engine/run-query.js';
import { collect, listSource } from './engine/helpers.js';

describe('review c', () => {
  it('HAVING on an update that no longer passes', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
SELECT window_start, url, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, url HAVING COUNT(*) < 2`;
    const run = runQuery(sql, {
      source: listSource([{ url: '/a', ts: 1000 }, { url: '/b', ts: 12000 }, { url: '/a', ts: 2000 }]),
      allowedLatenessMs: 60_000,
    });
    const late = collect(run.late);
    const outs = await collect(run);
    console.log('HAVING-upd', outs.map((o) => [o.kind, o.revision, o.key, JSON.stringify(o.row)]), (await late).length);
  });
});
