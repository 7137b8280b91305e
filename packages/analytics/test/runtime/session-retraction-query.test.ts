import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/engine/run-query.js';
import { drain, listSource } from '../engine/helpers.js';

describe('session retractions through runQuery', () => {
  it('passes a session retraction on as kind retract, with the old key and row, before the new bounds', async () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
      SELECT url, window_start, window_end, COUNT(*) AS n
      FROM TABLE(SESSION(TABLE v PARTITION BY url, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end, url`;
    const items = [
      { url: '/a', ts: 0 },
      { url: '/b', ts: 9_999 }, // watermark 9999: /a's [0, 10000) fires
      { url: '/a', ts: 5_000 }, // within the lateness: /a becomes [0, 15000)
      { url: '/b', ts: 40_000 }, // fires /a's [0, 15000)
    ];
    const { outputs, late } = await drain(
      runQuery(sql, { source: listSource(items), allowedLatenessMs: 100_000 }),
    );
    expect(late).toEqual([]);
    const a = outputs.filter((o) => o.row.url === '/a');
    expect(
      a.map((o) => [o.kind, o.revision, (o.row.window_end as Date).getTime(), o.row.n]),
    ).toEqual([
      ['insert', 0, 10_000, 1],
      ['retract', 1, 10_000, 1],
      ['insert', 2, 15_000, 2],
    ]);
    expect(a[1]?.key).toBe(a[0]?.key);
    expect(a[2]?.key).not.toBe(a[0]?.key);
    // An upserting sink that deletes retracted keys holds one row per session.
    const held = new Map<string, unknown>();
    for (const o of outputs) {
      if (o.kind === 'retract') held.delete(o.key);
      else held.set(o.key, o.row);
    }
    expect([...held.values()].filter((row) => (row as { url: string }).url === '/a')).toEqual([
      a[2]?.row,
    ]);
  });
});
