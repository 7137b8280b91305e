import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/index.js';
import { drain, listSource } from './helpers.js';

const SQL = `
  CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
  SELECT window_start, COUNT(*) AS n
  FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end`;

describe('hostile records', () => {
  it.each([
    ['"1e400" (Infinity)', '1e400'],
    ['9e15 (past the range of a Date)', 9e15],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('a record whose event time is %s goes to errors and moves no watermark', async (_, bad) => {
    const rows = [
      [{ id: 1, ts: 1_000 }],
      [{ id: 2, ts: bad }],
      [{ id: 3, ts: 2_000 }],
      [{ id: 4, ts: 3_000 }],
    ];
    const { outputs, late, errors } = await drain(runQuery(SQL, { source: listSource(rows) }));
    expect(late).toEqual([]);
    expect(errors.map((e) => e.row?.id ?? e.message)).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/ts/);
    expect(outputs.map((o) => Number(o.row.n))).toEqual([3]);
  });
});
