import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/engine/run-query.js';
import { collect, drain, listSource } from './helpers.js';

/**
 * Random event-time streams with bounded disorder through runQuery, against a brute-force batch
 * computation of the same windows written here.
 */

interface Event {
  readonly k: string;
  readonly v: number;
  readonly ts: number;
}

const BASE = 1_700_000_000_000;
const DELAY_MS = 2_000;
const TABLE = `CREATE TABLE events (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND);`;

/** Events in arrival order: true times ascending, each arriving up to `maxDelayMs` later; cut into items. */
function streamOf(maxDelayMs: number) {
  return fc
    .array(
      fc.record({
        // Half of the gaps land on a 500 ms grid, so rows hit window bounds and session gaps exactly.
        gap: fc.oneof(
          fc.integer({ min: 0, max: 5 }).map((x) => x * 500),
          fc.integer({ min: 0, max: 2_500 }),
        ),
        k: fc.constantFrom('a', 'b', 'c'),
        v: fc.integer({ min: -50, max: 50 }),
        lag: fc.integer({ min: 0, max: maxDelayMs }),
        cut: fc.boolean(),
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((specs) => {
      let t = BASE;
      const timed = specs.map((s, i) => {
        t += s.gap;
        return { event: { k: s.k, v: s.v, ts: t }, arrival: t + s.lag, i, cut: s.cut };
      });
      timed.sort((a, b) => a.arrival - b.arrival || a.i - b.i);
      const items: Event[][] = [];
      let current: Event[] = [];
      for (const x of timed) {
        current.push(x.event);
        if (x.cut) {
          items.push(current);
          current = [];
        }
      }
      if (current.length > 0) items.push(current);
      return items;
    });
}

type Window = readonly [start: number, end: number];

function windowsOf(kind: string, ts: number): Window[] {
  switch (kind) {
    case 'TUMBLE': {
      const start = Math.floor(ts / 5_000) * 5_000;
      return [[start, start + 5_000]];
    }
    case 'HOP': {
      const out: Window[] = [];
      const last = Math.floor(ts / 2_000) * 2_000;
      for (let start = last; start > ts - 6_000; start -= 2_000) out.push([start, start + 6_000]);
      return out;
    }
    case 'CUMULATE': {
      const start = Math.floor(ts / 6_000) * 6_000;
      const out: Window[] = [];
      for (let end = start + 2_000; end <= start + 6_000; end += 2_000)
        if (ts < end) out.push([start, end]);
      return out;
    }
    default:
      throw new Error(kind);
  }
}

/** Sessions per key: rows less than the gap apart share one; a session is [first, last + gap). */
function sessionsOf(events: readonly Event[], gapMs: number): Map<Event, Window> {
  const out = new Map<Event, Window>();
  const byKey = new Map<string, Event[]>();
  for (const e of events) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e]);
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts);
    let group: Event[] = [];
    const close = () => {
      const first = group[0] as Event;
      const last = group.at(-1) as Event;
      for (const e of group) out.set(e, [first.ts, last.ts + gapMs]);
      group = [];
    };
    for (const e of sorted) {
      if (group.length > 0 && e.ts - (group.at(-1) as Event).ts >= gapMs) close();
      group.push(e);
    }
    close();
  }
  return out;
}

interface Aggregates {
  c: number;
  s: number;
  mn: number;
  mx: number;
  av: number;
}

function aggregate(values: readonly number[]): Aggregates {
  const s = values.reduce((a, b) => a + b, 0);
  return {
    c: values.length,
    s,
    mn: Math.min(...values),
    mx: Math.max(...values),
    av: s / values.length,
  };
}

function bruteForce(kind: string, events: readonly Event[]): Map<string, Aggregates> {
  const groups = new Map<string, number[]>();
  const sessions = kind === 'SESSION' ? sessionsOf(events, 3_000) : undefined;
  for (const e of events) {
    const windows = sessions === undefined ? windowsOf(kind, e.ts) : [sessions.get(e) as Window];
    for (const [start, end] of windows) {
      const key = `${start}/${end}/${e.k}`;
      groups.set(key, [...(groups.get(key) ?? []), e.v]);
    }
  }
  return new Map([...groups].map(([key, values]) => [key, aggregate(values)]));
}

const TVF: Record<string, string> = {
  TUMBLE: "TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND)",
  HOP: "HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)",
  CUMULATE: "CUMULATE(TABLE events, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)",
  SESSION: "SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '3' SECOND)",
};

/** The per-window, per-key aggregates of `kind` windows over the events. */
function windowSql(kind: string): string {
  return `${TABLE}
    SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS mn, MAX(v) AS mx, AVG(v) AS av
    FROM TABLE(${TVF[kind]}) GROUP BY window_start, window_end, k`;
}

async function runWindows(kind: string, items: readonly Event[][]) {
  return drain(runQuery(windowSql(kind), { source: listSource(items) }));
}

function resultsOf(
  outputs: readonly { row: Readonly<Record<string, unknown>> }[],
): Map<string, Aggregates> {
  return new Map(
    outputs.map((o) => {
      const r = o.row as Record<string, unknown>;
      const key = `${(r.window_start as Date).getTime()}/${(r.window_end as Date).getTime()}/${r.k as string}`;
      return [key, { c: r.c, s: r.s, mn: r.mn, mx: r.mx, av: r.av } as Aggregates];
    }),
  );
}

function expectSame(actual: Map<string, Aggregates>, expected: Map<string, Aggregates>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, want] of expected) {
    const got = actual.get(key) as Aggregates;
    expect({ ...got, av: undefined }).toEqual({ ...want, av: undefined });
    expect(got.av).toBeCloseTo(want.av, 9);
  }
}

describe('window aggregation = brute force on random streams with bounded disorder', () => {
  for (const kind of ['TUMBLE', 'HOP', 'CUMULATE', 'SESSION']) {
    it(`${kind}: COUNT, SUM, MIN, MAX, AVG per window and key; nothing late within the bound`, async () => {
      await fc.assert(
        fc.asyncProperty(streamOf(DELAY_MS), async (items) => {
          const { outputs, late, errors } = await runWindows(kind, items);
          expect(late).toEqual([]);
          expect(errors).toEqual([]);
          expect(outputs.every((o) => o.kind === 'insert' && o.revision === 0)).toBe(true);
          expect(new Set(outputs.map((o) => o.key)).size).toBe(outputs.length);
          expectSame(resultsOf(outputs), bruteForce(kind, items.flat()));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('TUMBLE: rows beyond the bound go to late, exactly those, and the others are counted', async () => {
    await fc.assert(
      fc.asyncProperty(streamOf(4 * DELAY_MS), async (items) => {
        const { outputs, late } = await runWindows('TUMBLE', items);
        const onTime: Event[] = [];
        const tooLate: Event[] = [];
        let watermark = Number.NEGATIVE_INFINITY;
        for (const item of items) {
          for (const e of item) {
            const end = Math.floor(e.ts / 5_000) * 5_000 + 5_000;
            (end - 1 <= watermark ? tooLate : onTime).push(e);
          }
          // Flink SQL's rule: the newest time minus the delay.
          watermark = Math.max(watermark, ...item.map((e) => e.ts - DELAY_MS));
        }
        expect(late.map((l) => (l.row.ts as Date).getTime())).toEqual(tooLate.map((e) => e.ts));
        expect(late.every((l) => l.watermark >= l.time)).toBe(true);
        expectSame(resultsOf(outputs), bruteForce('TUMBLE', onTime));
      }),
      { numRuns: 80 },
    );
  });

  it('TUMBLE: late rows nobody reads are counted (rowsLate, unread) and change no result', async () => {
    await fc.assert(
      // Delays far past the watermark's: most streams have late rows.
      fc.asyncProperty(streamOf(10 * DELAY_MS), async (items) => {
        const read = await runWindows('TUMBLE', items);
        // The property says something only where rows are late.
        fc.pre(read.late.length > 0);
        // Only the main output is read: nobody takes the late rows.
        const run = runQuery(windowSql('TUMBLE'), { source: listSource(items) });
        const outputs = await collect(run);
        const stats = await run.done;
        expect(resultsOf(outputs)).toEqual(resultsOf(read.outputs));
        expect(stats.rowsLate).toBe(read.stats.rowsLate);
        expect(stats.rowsLate).toBe(read.late.length);
        expect(stats.unread).toBe(read.late.length);
      }),
      { numRuns: 40 },
    );
  });

  it('TUMBLE: late rows go to error_stream when only error_stream is read', async () => {
    const items: Event[][] = [
      [{ k: 'a', v: 1, ts: BASE }],
      [{ k: 'a', v: 2, ts: BASE + 20_000 }],
      // The watermark is at BASE + 18 s: the window [BASE, BASE + 5 s) has closed.
      [{ k: 'a', v: 3, ts: BASE + 1_000 }],
    ];
    const run = runQuery(windowSql('TUMBLE'), { source: listSource(items) });
    const errorStream = collect(run.stream('error_stream'));
    const outputs = await collect(run);
    const stats = await run.done;
    const rows = (await errorStream).map((output) => output.row);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ERROR_NAME: 'LateRow', DATA_ROWTIME: new Date(BASE + 1_000) });
    expect(JSON.parse(rows[0]?.DATA_ROW as string)).toMatchObject({ k: 'a', v: 3 });
    expect(resultsOf(outputs).get(`${BASE}/${BASE + 5_000}/a`)).toMatchObject({ c: 1, s: 1 });
    // run.late had no reader: the late row counts as unread there.
    expect(stats).toMatchObject({ rowsLate: 1, unread: 1 });
  });
});

describe('sliding (OVER) windows = brute force on random streams with bounded disorder', () => {
  it('RANGE INTERVAL PRECEDING per key: one output per row, over the rows before it in time order', async () => {
    await fc.assert(
      fc.asyncProperty(streamOf(DELAY_MS), async (items) => {
        const sql = `${TABLE}
          SELECT k, v, ts,
            COUNT(*) OVER w AS c, SUM(v) OVER w AS s, MIN(v) OVER w AS mn, MAX(v) OVER w AS mx, AVG(v) OVER w AS av
          FROM events WINDOW w AS (PARTITION BY k ORDER BY ts RANGE INTERVAL '3' SECOND PRECEDING)`;
        const { outputs, late } = await drain(runQuery(sql, { source: listSource(items) }));
        expect(late).toEqual([]);
        const arrival = items.flat().map((e, i) => ({ ...e, key: `#${i}` }));
        expect(outputs).toHaveLength(arrival.length);
        const order = [...arrival].sort(
          (a, b) => a.ts - b.ts || Number(a.key.slice(1)) - Number(b.key.slice(1)),
        );
        const byKey = new Map(outputs.map((o) => [o.key, o.row as Record<string, unknown>]));
        order.forEach((e, i) => {
          const frame = order.slice(0, i + 1).filter((x) => x.k === e.k && x.ts >= e.ts - 3_000);
          const want = aggregate(frame.map((x) => x.v));
          const got = byKey.get(e.key) as Record<string, unknown>;
          expect({ c: got.c, s: got.s, mn: got.mn, mx: got.mx, v: got.v }).toEqual({
            c: want.c,
            s: want.s,
            mn: want.mn,
            mx: want.mx,
            v: e.v,
          });
          expect(got.av as number).toBeCloseTo(want.av, 9);
        });
      }),
      { numRuns: 60 },
    );
  });
});
