import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/engine/run-query.js';
import type { SourceSchema } from '../../src/schema/source-schema.js';
import { toFlinkSql } from '../../src/sql/to-flink-sql.js';
import { drain, encode, fakeClock, type Timed, timedSource } from './helpers.js';

/**
 * The KDA developer guide's example applications run unchanged in the KDA dialect and give the
 * same results as their Flink-style translations on the same records, and both agree with a
 * brute-force computation here. ROWTIME is controlled with a fake clock: each record is taken at
 * its `at` time (and carries it as approximateArrivalTimestamp).
 */

interface Visit {
  readonly url: string;
  readonly ticker: string;
  readonly price: number;
  readonly bytes: number;
}

const URLS = ['/home', '/cart', '/about', '/pay'];
const TICKERS = ['AMZN', 'TBV', 'QXZ'];

/** Deterministic pseudo-random visits: arrival times over ~3 minutes. */
function makeVisits(
  n: number,
  seed: number,
): Timed<{
  data: Uint8Array;
  approximateArrivalTimestamp: Date;
  partitionKey: string;
  sequenceNumber: string;
}>[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const items = [];
  let at = 1_767_225_600_000;
  for (let i = 0; i < n; i++) {
    at += Math.floor(random() * 900);
    const visit: Visit = {
      url: URLS[Math.floor(random() * URLS.length)] as string,
      ticker: TICKERS[Math.floor(random() * TICKERS.length)] as string,
      price: Math.round(random() * 10_000) / 100,
      bytes: Math.floor(random() * 300),
    };
    items.push({
      at,
      item: {
        data: encode(visit),
        approximateArrivalTimestamp: new Date(at),
        partitionKey: visit.url,
        sequenceNumber: String(1000 + i),
      },
      visit,
    });
  }
  return items;
}

const VISITS = makeVisits(400, 7);
const decoded = VISITS.map((v) => ({
  at: v.at,
  ...(JSON.parse(new TextDecoder().decode(v.item.data)) as Visit),
}));

const kdaSchema: SourceSchema = {
  columns: {
    url: { type: 'VARCHAR(64)' },
    ticker: { type: 'VARCHAR(8)' },
    price: { type: 'DOUBLE' },
    bytes: { type: 'INTEGER' },
  },
};

/** The KDA applications, as written for KDA. */
const COUNTS_PER_10S = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (url VARCHAR(64), url_count INTEGER);
       CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
       SELECT STREAM url, COUNT(*) AS url_count
       FROM "SOURCE_SQL_STREAM_001"
       GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`;

const COUNTS_PER_MINUTE = `CREATE OR REPLACE STREAM "DEST" (minute_start TIMESTAMP, ticker VARCHAR(8), trades BIGINT, volume DOUBLE);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
       SELECT STREAM FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE), ticker, COUNT(*), SUM(price)
       FROM "SOURCE_SQL_STREAM_001"
       GROUP BY ticker, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);`;

const SLIDING_AVERAGES = `CREATE OR REPLACE STREAM "DEST" (ticker VARCHAR(8), price DOUBLE, avg_price DOUBLE, max_price DOUBLE);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
       SELECT STREAM ticker, price, AVG(price) OVER W1, MAX(price) OVER W1
       FROM "SOURCE_SQL_STREAM_001"
       WINDOW W1 AS (PARTITION BY ticker RANGE INTERVAL '10' SECOND PRECEDING);`;

const TOP_K_ITEMS = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), hits BIGINT);
       CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
       SELECT STREAM ITEM, ITEM_COUNT FROM TABLE(TOP_K_ITEMS_TUMBLING(
         CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'url', 2, 30));`;

const CHAINED_PUMPS = `CREATE OR REPLACE STREAM "BIG_VISITS" (url VARCHAR(64), bytes INTEGER);
       CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), total INTEGER, visits INTEGER);
       CREATE OR REPLACE PUMP "FILTER_PUMP" AS INSERT INTO "BIG_VISITS"
         SELECT STREAM url, bytes FROM "SOURCE_SQL_STREAM_001" WHERE bytes > 100;
       CREATE OR REPLACE PUMP "AGG_PUMP" AS INSERT INTO "DEST"
         SELECT STREAM url, SUM(bytes), COUNT(*) FROM "BIG_VISITS"
         GROUP BY url, STEP("BIG_VISITS".ROWTIME BY INTERVAL '20' SECOND);`;

const FLINK_TABLE = `CREATE TABLE visits (url STRING, ticker STRING, price DOUBLE, bytes INT, pt AS PROCTIME());`;

async function run(sql: string, schema?: SourceSchema) {
  const clock = fakeClock();
  return drain(
    runQuery(sql, {
      source: timedSource(clock, VISITS),
      clock,
      ...(schema === undefined ? {} : { schema }),
    }),
  );
}

function byKey(
  outputs: readonly { key: string; row: Readonly<Record<string, unknown>> }[],
  column: string,
) {
  return new Map(outputs.map((o) => [o.key, o.row[column]]));
}

/** Brute force: counts per (window start, group). */
function countBy(
  sizeMs: number,
  group: (v: (typeof decoded)[number]) => string,
  value: (v: (typeof decoded)[number]) => number = () => 1,
) {
  const out = new Map<string, number>();
  for (const v of decoded) {
    const start = Math.floor(v.at / sizeMs) * sizeMs;
    const key = `${start}/${start + sizeMs}/${JSON.stringify([group(v)])}`;
    out.set(key, (out.get(key) ?? 0) + value(v));
  }
  return out;
}

describe('KDA example applications and their Flink translations', () => {
  it('counts per key per 10 seconds: GROUP BY ..., STEP(ROWTIME BY INTERVAL) = TUMBLE over PROCTIME', async () => {
    const kda = await run(COUNTS_PER_10S, kdaSchema);
    const flink = await run(
      `${FLINK_TABLE}
       SELECT url, COUNT(*) AS url_count
       FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(pt), INTERVAL '10' SECOND))
       GROUP BY window_start, window_end, url`,
    );
    const expected = countBy(10_000, (v) => v.url);
    expect(byKey(kda.outputs, 'url_count')).toEqual(expected);
    expect(byKey(flink.outputs, 'url_count')).toEqual(expected);
    expect(
      kda.outputs.every((o) => o.stream === 'DESTINATION_SQL_STREAM' && o.kind === 'insert'),
    ).toBe(true);
    expect(kda.late).toEqual([]);
    expect(kda.stats).toMatchObject({
      rowsIn: VISITS.length,
      rowsOut: expected.size,
      openWindows: 0,
    });
  });

  it('counts per minute: FLOOR(ROWTIME TO MINUTE) = a one-minute TUMBLE', async () => {
    const kda = await run(COUNTS_PER_MINUTE, kdaSchema);
    const flink = await run(
      `${FLINK_TABLE}
       SELECT window_start AS minute_start, ticker, COUNT(*) AS trades, SUM(price) AS volume
       FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(pt), INTERVAL '1' MINUTE))
       GROUP BY window_start, window_end, ticker`,
    );
    const rows = (outputs: typeof kda.outputs) =>
      outputs
        .map((o) => ({
          ...o.row,
          minute_start: (o.row.minute_start as Date).getTime(),
          ticker: o.row.ticker as string,
          volume: Math.round((o.row.volume as number) * 100),
        }))
        .sort((a, b) => a.minute_start - b.minute_start || a.ticker.localeCompare(b.ticker));
    expect(rows(kda.outputs)).toEqual(rows(flink.outputs));
    const trades = countBy(60_000, (v) => v.ticker);
    expect(byKey(kda.outputs, 'trades')).toEqual(trades);
    const volume = countBy(
      60_000,
      (v) => v.ticker,
      (v) => v.price,
    );
    for (const [key, sum] of byKey(kda.outputs, 'volume'))
      expect(sum).toBeCloseTo(volume.get(key) as number, 6);
  });

  it('sliding averages: WINDOW W AS (PARTITION BY ... RANGE INTERVAL ... PRECEDING) = OVER (... ORDER BY proctime RANGE ...)', async () => {
    const kda = await run(SLIDING_AVERAGES, kdaSchema);
    const flink = await run(
      `${FLINK_TABLE}
       SELECT ticker, price,
         AVG(price) OVER (PARTITION BY ticker ORDER BY pt RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS avg_price,
         MAX(price) OVER (PARTITION BY ticker ORDER BY pt RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS max_price
       FROM visits`,
    );
    expect(kda.outputs).toHaveLength(VISITS.length);
    expect(flink.outputs.map((o) => [o.key, o.row])).toEqual(
      kda.outputs.map((o) => [o.key, o.row]),
    );
    decoded.forEach((v, i) => {
      const frame = decoded
        .slice(0, i + 1)
        .filter((w) => w.ticker === v.ticker && w.at >= v.at - 10_000);
      const row = kda.outputs[i]?.row as Record<string, number>;
      expect(kda.outputs[i]?.key).toBe(String(1000 + i));
      expect(row.avg_price).toBeCloseTo(frame.reduce((s, w) => s + w.price, 0) / frame.length, 9);
      expect(row.max_price).toBe(Math.max(...frame.map((w) => w.price)));
    });
  });

  it('TOP_K_ITEMS_TUMBLING = the k largest per-window counts of a TUMBLE GROUP BY', async () => {
    const kda = await run(TOP_K_ITEMS, kdaSchema);
    const flink = await run(
      `${FLINK_TABLE}
       SELECT window_start, url, COUNT(*) AS hits
       FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(pt), INTERVAL '30' SECOND))
       GROUP BY window_start, window_end, url`,
    );
    const perWindow = new Map<number, { url: string; hits: number }[]>();
    for (const o of flink.outputs) {
      const start = (o.row.window_start as Date).getTime();
      const list = perWindow.get(start) ?? [];
      list.push({ url: o.row.url as string, hits: o.row.hits as number });
      perWindow.set(start, list);
    }
    const expected = [...perWindow.entries()]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([, list]) =>
        list.sort((a, b) => b.hits - a.hits || (a.url < b.url ? -1 : 1)).slice(0, 2),
      );
    expect(kda.outputs.map((o) => o.row)).toEqual(expected);
    expect(new Set(kda.outputs.map((o) => o.key)).size).toBe(kda.outputs.length);
  });

  it('two chained pumps through an in-application stream = INSERT INTO a table read by a second INSERT', async () => {
    const kda = await run(CHAINED_PUMPS, kdaSchema);
    const flink = await run(
      `${FLINK_TABLE}
       CREATE TABLE big_visits (url STRING, bytes INT, pt TIMESTAMP(3));
       INSERT INTO big_visits SELECT url, bytes, pt FROM visits WHERE bytes > 100;
       INSERT INTO totals SELECT url, SUM(bytes) AS total, COUNT(*) AS visits
         FROM TABLE(TUMBLE(TABLE big_visits, DESCRIPTOR(pt), INTERVAL '20' SECOND))
         GROUP BY window_start, window_end, url;`,
    );
    const big = (v: (typeof decoded)[number]) => v.bytes > 100;
    const expected = new Map<string, number>();
    for (const v of decoded.filter(big)) {
      const start = Math.floor(v.at / 20_000) * 20_000;
      const key = `${start}/${start + 20_000}/${JSON.stringify([v.url])}`;
      expected.set(key, (expected.get(key) ?? 0) + v.bytes);
    }
    expect(byKey(kda.outputs, 'total')).toEqual(expected);
    expect(byKey(flink.outputs, 'total')).toEqual(expected);
    expect(kda.outputs.every((o) => o.stream === 'DEST')).toBe(true);
    expect(flink.outputs.every((o) => o.stream === 'totals')).toBe(true);
  });
});

describe('toFlinkSql translations of the KDA applications', () => {
  it.each([
    ['counts per 10 seconds', COUNTS_PER_10S],
    ['counts per minute', COUNTS_PER_MINUTE],
    ['sliding averages', SLIDING_AVERAGES],
    ['chained pumps', CHAINED_PUMPS],
  ])(
    '%s: the translation runs unchanged (given the same schema) with the same results',
    async (_name, kdaSql) => {
      const kda = await run(kdaSql, kdaSchema);
      const flink = await run(toFlinkSql(kdaSql), kdaSchema);
      expect(kda.outputs.length).toBeGreaterThan(0);
      expect(flink.outputs.map((o) => [o.stream, o.key, o.row])).toEqual(
        kda.outputs.map((o) => [o.stream, o.key, o.row]),
      );
    },
  );

  it('TOP_K_ITEMS_TUMBLING: the window Top-N translation (ROW_NUMBER) gives the same rows', async () => {
    const kda = await run(TOP_K_ITEMS, kdaSchema);
    const flink = await run(toFlinkSql(TOP_K_ITEMS), kdaSchema);
    expect(kda.outputs.length).toBeGreaterThan(0);
    expect(flink.outputs.map((o) => o.row)).toEqual(kda.outputs.map((o) => o.row));
  });
});
