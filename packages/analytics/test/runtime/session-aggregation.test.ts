import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import type { LateRow } from '../../src/runtime/late-row.js';
import { SessionAggregation } from '../../src/runtime/session-aggregation.js';
import { WindowAggregation } from '../../src/runtime/window-aggregation.js';
import type { WindowResult } from '../../src/runtime/window-result.js';
import { CountAcc, type Ev, slots } from './support/test-accumulators.js';

function harness(gapMs: number, allowedLatenessMs = 0) {
  const results: WindowResult[] = [];
  const late: LateRow<Ev>[] = [];
  const agg = new WindowAggregation<Ev>({
    window: { kind: 'session', gapMs },
    timeOf: (e) => e.t,
    keyOf: (e) => e.k,
    keyValuesOf: (e) => [e.k],
    aggregates: slots,
    allowedLatenessMs,
    emit: (rs) => results.push(...rs),
    late: (rs) => late.push(...rs),
  });
  return { agg, results, late };
}

type Harness = ReturnType<typeof harness>;

function run(h: Harness, batches: Ev[][], boundMs: number): void {
  let maxSeen = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    h.agg.process(batch);
    for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
    h.agg.advanceWatermark(maxSeen - boundMs);
  }
  h.agg.finish();
}

/** Sessions by brute force: per key, sort by time and cut where rows are `gap` or more apart. */
function bruteForceSessions(rows: readonly Ev[], gap: number): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const k of new Set(rows.map((r) => r.k))) {
    const sorted = rows.filter((r) => r.k === k).sort((a, b) => a.t - b.t);
    let session: Ev[] = [];
    const close = () => {
      const vs = session.map((r) => r.v);
      const start = (session[0] as Ev).t;
      const end = (session[session.length - 1] as Ev).t + gap;
      out.set(`${start}/${end}/${k}`, [
        session.length,
        vs.reduce((a, b) => a + b, 0),
        Math.min(...vs),
        Math.max(...vs),
      ]);
    };
    for (const r of sorted) {
      const previous = session[session.length - 1];
      if (previous !== undefined && r.t - previous.t >= gap) {
        close();
        session = [];
      }
      session.push(r);
    }
    close();
  }
  return out;
}

/** Latest emission per (session, key), minus sessions a later merge swallowed. */
function currentSessions(results: readonly WindowResult[]): Map<string, unknown[]> {
  const latest = new Map<string, WindowResult>();
  for (const r of results)
    latest.set(`${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`, r);
  const all = [...latest.values()];
  const kept = all.filter(
    (r) =>
      !all.some(
        (o) =>
          o !== r &&
          o.keyValues[0] === r.keyValues[0] &&
          o.windowStart <= r.windowStart &&
          r.windowEnd <= o.windowEnd,
      ),
  );
  return new Map(
    kept.map((r) => [`${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`, [...r.values]]),
  );
}

/**
 * What a sink holds that upserts by (bounds, key), keeps the highest revision and deletes the
 * key on `retract`; checks each key's revisions only go up.
 */
function upsertedSessions(results: readonly WindowResult[]): Map<string, unknown[]> {
  const held = new Map<string, unknown[]>();
  const revisions = new Map<string, number>();
  for (const r of results) {
    const id = `${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`;
    expect(r.revision).toBeGreaterThan(revisions.get(id) ?? -1);
    revisions.set(id, r.revision);
    if (r.kind === 'retract') {
      expect(held.get(id)).toEqual([...r.values]);
      held.delete(id);
    } else {
      held.set(id, [...r.values]);
    }
  }
  return held;
}

function streamArb(boundMs: number, maxDelayMs: number): fc.Arbitrary<Ev[][]> {
  const row = fc.record({
    t: fc.integer({ min: 0, max: 300 }),
    k: fc.constantFrom('a', 'b', 'c'),
    v: fc.integer({ min: -50, max: 50 }),
    delay: fc.oneof(
      fc.integer({ min: 0, max: boundMs - 1 }),
      fc.integer({ min: 0, max: Math.max(maxDelayMs, boundMs - 1) }),
    ),
  });
  return fc
    .tuple(fc.array(row, { minLength: 1, maxLength: 120 }), fc.array(fc.nat(), { maxLength: 20 }))
    .map(([rows, cuts]) => {
      const events = rows
        .map((r, id) => ({ t: r.t, k: r.k, v: r.v, id, arrival: r.t + r.delay }))
        .sort((a, b) => a.arrival - b.arrival || a.id - b.id)
        .map(({ t, k, v, id }): Ev => ({ t, k, v, id }));
      const points = [...new Set(cuts.map((c) => c % events.length))].sort((a, b) => a - b);
      const batches: Ev[][] = [];
      let from = 0;
      for (const p of [...points, events.length]) {
        batches.push(events.slice(from, p));
        from = p;
      }
      return batches;
    });
}

const gapArb = fc.integer({ min: 1, max: 30 });
const boundArb = fc.integer({ min: 1, max: 30 });

describe('session windows against brute force', () => {
  it('gives the brute-force sessions when disorder stays within the bound', () => {
    fc.assert(
      fc.property(
        gapArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, 0))),
        (gap, [bound, batches]) => {
          const h = harness(gap);
          run(h, batches, bound);
          expect(h.late).toEqual([]);
          expect(h.results.every((r) => r.kind === 'final' && r.revision === 0)).toBe(true);
          const got = new Map(
            h.results.map((r) => [
              `${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`,
              [...r.values],
            ]),
          );
          expect(got).toEqual(bruteForceSessions(batches.flat(), gap));
          expect(h.results.length).toBe(got.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends exactly the rows whose own session window closed to `late`, and loses no row', () => {
    fc.assert(
      fc.property(
        gapArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, 4 * b))),
        (gap, [bound, batches]) => {
          const h = harness(gap);
          run(h, batches, bound);
          const expectedLate: number[] = [];
          let maxSeen = Number.NEGATIVE_INFINITY;
          for (const batch of batches) {
            for (const e of batch) if (e.t + gap - 1 <= maxSeen - bound) expectedLate.push(e.id);
            for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
          }
          expect(h.late.map((l) => l.row.id).sort((a, b) => a - b)).toEqual(
            expectedLate.sort((a, b) => a - b),
          );
          const counted = h.results.reduce((n, r) => n + (r.values[0] as number), 0);
          expect(counted + h.late.length).toBe(batches.flat().length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves an upserting sink that deletes on retract holding exactly the brute-force sessions, early results or not', () => {
    fc.assert(
      fc.property(
        gapArb,
        // undefined: lateness covering the disorder.
        fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, 4 * b))),
        fc.boolean(),
        (gap, someLateness, [bound, batches], early) => {
          const lateness = someLateness ?? 4 * bound + gap;
          const h = harness(gap, lateness);
          let maxSeen = Number.NEGATIVE_INFINITY;
          for (const batch of batches) {
            h.agg.process(batch);
            if (early) h.agg.emitEarly();
            for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
            h.agg.advanceWatermark(maxSeen - bound);
          }
          h.agg.finish();
          const lateIds = new Set(h.late.map((l) => l.row.id));
          const used = batches.flat().filter((e) => !lateIds.has(e.id));
          const held = upsertedSessions(h.results);
          // With lateness covering the disorder, exactly the brute-force sessions.
          if (lateness >= 4 * bound + gap) expect(held).toEqual(bruteForceSessions(used, gap));
          // Whatever the lateness, every row not late is in exactly one held session.
          const counted = [...held.values()].reduce((n, v) => n + (v[0] as number), 0);
          expect(counted).toBe(used.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with lateness covering the disorder, merges late rows into fired sessions like brute force', () => {
    fc.assert(
      fc.property(
        gapArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, 4 * b))),
        (gap, [bound, batches]) => {
          const h = harness(gap, 4 * bound + gap);
          run(h, batches, bound);
          expect(h.late).toEqual([]);
          expect(currentSessions(h.results)).toEqual(bruteForceSessions(batches.flat(), gap));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function ev(t: number, k = 'a', v = 1): Ev {
  return { t, k, v, id: 0 };
}

describe('session windows', () => {
  it('merges two sessions bridged by an out-of-order row with Accumulator.merge', () => {
    const h = harness(10);
    h.agg.process([ev(0, 'a', 1), ev(15, 'a', 2)]);
    expect(h.agg.openWindows).toBe(2);
    const before = CountAcc.merges;
    h.agg.process([ev(8, 'a', 4)]);
    expect(CountAcc.merges).toBeGreaterThan(before);
    expect(h.agg.openWindows).toBe(1);
    h.agg.finish();
    expect(h.results.map((r) => [r.windowStart, r.windowEnd, r.values])).toEqual([
      [0, 25, [3, 7, 1, 4]],
    ]);
  });

  it('starts a new session for a row exactly gapMs after the last one', () => {
    const h = harness(10);
    h.agg.process([ev(0), ev(10)]);
    h.agg.finish();
    expect(h.results.map((r) => [r.windowStart, r.windowEnd])).toEqual([
      [0, 10],
      [10, 20],
    ]);
  });

  it('retracts fired sessions merged by a row within the lateness, then emits the merged one as final with a higher revision', () => {
    const h = harness(10, 100);
    h.agg.process([ev(15, 'a', 2)]);
    h.agg.emitEarly();
    h.agg.process([ev(0, 'a', 1)]);
    h.agg.advanceWatermark(30);
    expect(h.results.map((r) => [r.kind, r.revision, r.windowStart, r.windowEnd])).toEqual([
      ['early', 0, 15, 25],
      ['final', 0, 0, 10],
      ['final', 1, 15, 25],
    ]);
    h.results.length = 0;
    h.agg.process([ev(8, 'a', 4)]);
    // Both parts are withdrawn with their last values, above their revisions (0 and 1); the
    // merged session is the first result under its bounds.
    expect(
      h.results.map((r) => [r.kind, r.revision, r.windowStart, r.windowEnd, r.values[1]]),
    ).toEqual([
      ['retract', 2, 0, 10, 1],
      ['retract', 3, 15, 25, 2],
      ['final', 4, 0, 25, 7],
    ]);
    h.agg.advanceWatermark(25 - 1 + 100);
    expect(h.agg.openWindows).toBe(0);
  });

  it('emits early results for open sessions that changed', () => {
    const h = harness(10);
    h.agg.process([ev(0, 'a'), ev(1, 'b')]);
    h.agg.emitEarly();
    h.agg.emitEarly();
    h.agg.process([ev(5, 'a')]);
    h.agg.emitEarly();
    h.agg.finish();
    expect(
      h.results.map((r) => [r.kind, r.revision, r.keyValues[0], r.windowEnd, r.values[0]]),
    ).toEqual([
      ['early', 0, 'a', 10, 1],
      ['early', 0, 'b', 11, 1],
      ['retract', 1, 'a', 10, 1],
      ['early', 2, 'a', 15, 2],
      ['final', 1, 'b', 11, 1],
      ['final', 3, 'a', 15, 2],
    ]);
  });

  it('retracts the old bounds of a fired session before emitting the bounds a row within the lateness gave it', () => {
    // The reviewer's case: gap 10, lateness 100; t=0, watermark 9, t=5, watermark 14.
    const h = harness(10, 100);
    h.agg.process([ev(0, 'a', 1)]);
    h.agg.advanceWatermark(9);
    h.agg.process([ev(5, 'a', 2)]);
    h.agg.advanceWatermark(14);
    expect(
      h.results.map((r) => [r.kind, r.revision, r.windowStart, r.windowEnd, r.values[0]]),
    ).toEqual([
      ['final', 0, 0, 10, 1],
      ['retract', 1, 0, 10, 1],
      ['final', 2, 0, 15, 2],
    ]);
    expect(upsertedSessions(h.results).size).toBe(1);
  });

  it('retracts a fired session extended by a row behind the watermark in the same process call', () => {
    const h = harness(10, 100);
    h.agg.process([ev(0, 'a', 1)]);
    h.agg.advanceWatermark(12);
    h.results.length = 0;
    h.agg.process([ev(1, 'a', 1), ev(2, 'a', 1)]); // [0, 12): end - 1 = 11 is behind 12
    expect(h.results.map((r) => [r.kind, r.revision, r.windowStart, r.windowEnd])).toEqual([
      ['retract', 1, 0, 10],
      ['final', 2, 0, 12],
    ]);
    h.agg.process([ev(1, 'a', 1)]); // same bounds: a plain update, nothing withdrawn
    expect(h.results.slice(2).map((r) => [r.kind, r.revision, r.values[0]])).toEqual([
      ['update', 3, 4],
    ]);
  });

  it('keeps state bounded while streaming and releases it at finish()', () => {
    const h = harness(5, 10);
    let maxSeen = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < 1_000; b++) {
      const batch = [ev(b * 3, 'a'), ev(b * 3 + 1, 'b'), ev(b * 7, `k${b}`)];
      h.agg.process(batch);
      for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
      h.agg.advanceWatermark(maxSeen - 20);
      expect(h.agg.openWindows).toBeLessThan(20);
      expect(h.agg.openGroups).toBe(h.agg.openWindows);
    }
    expect(h.agg.oldestOpenWindowStart).toBeGreaterThan(maxSeen - 20 - 10 - 5);
    h.agg.finish();
    expect(h.agg.openWindows).toBe(0);
    expect(h.agg.oldestOpenWindowStart).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses other window kinds when used directly', () => {
    expect(
      () =>
        new SessionAggregation<Ev>({
          window: { kind: 'tumble', sizeMs: 10 },
          timeOf: (e) => e.t,
          keyOf: (e) => e.k,
          keyValuesOf: (e) => [e.k],
          aggregates: slots,
          emit: () => {},
          late: () => {},
        }),
    ).toThrow(InvalidOptionError);
  });
});
