import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import type { LateRow } from '../../src/runtime/late-row.js';
import { WindowAggregation } from '../../src/runtime/window-aggregation.js';
import type { WindowKind } from '../../src/runtime/window-kind.js';
import type { WindowResult } from '../../src/runtime/window-result.js';
import { type Ev, slots } from './support/test-accumulators.js';

function aggregateOf(rows: readonly Ev[]): unknown[] {
  const vs = rows.map((r) => r.v);
  return [rows.length, vs.reduce((a, b) => a + b, 0), Math.min(...vs), Math.max(...vs)];
}

interface Harness {
  agg: WindowAggregation<Ev>;
  results: WindowResult[];
  late: LateRow<Ev>[];
}

function harness(window: WindowKind, allowedLatenessMs = 0): Harness {
  const results: WindowResult[] = [];
  const late: LateRow<Ev>[] = [];
  const agg = new WindowAggregation<Ev>({
    window,
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

/** All fixed windows overlapping [lo, hi], enumerated naively (not via the assigner's formula). */
function windowsAround(window: WindowKind, lo: number, hi: number): [number, number][] {
  const out: [number, number][] = [];
  if (window.kind === 'tumble' || window.kind === 'hop') {
    const slide = window.kind === 'hop' ? window.slideMs : window.sizeMs;
    const offset = window.offsetMs ?? 0;
    for (let s = offset + Math.floor((lo - window.sizeMs - offset) / slide) * slide; s <= hi; ) {
      out.push([s, s + window.sizeMs]);
      s += slide;
    }
  } else if (window.kind === 'cumulate') {
    for (let s = Math.floor(lo / window.sizeMs) * window.sizeMs; s <= hi; s += window.sizeMs) {
      for (let e = s + window.stepMs; e <= s + window.sizeMs; e += window.stepMs) out.push([s, e]);
    }
  }
  return out;
}

/**
 * The brute-force answer: each row joins every window containing it whose end - 1 + lateness is
 * above the watermark its batch was processed under (max time of earlier batches - bound).
 */
function bruteForce(window: WindowKind, batches: Ev[][], boundMs: number, latenessMs: number) {
  const all = batches.flat();
  const lo = Math.min(...all.map((e) => e.t));
  const hi = Math.max(...all.map((e) => e.t));
  const windows = windowsAround(window, lo, hi);
  const groups = new Map<string, { start: number; end: number; k: string; rows: Ev[] }>();
  const late: number[] = [];
  let maxSeen = Number.NEGATIVE_INFINITY;
  let inclusions = 0;
  for (const batch of batches) {
    const wm = maxSeen - boundMs;
    for (const e of batch) {
      let used = false;
      for (const [start, end] of windows) {
        if (start <= e.t && e.t < end && end - 1 + latenessMs > wm) {
          used = true;
          inclusions++;
          const id = `${start}/${end}/${e.k}`;
          let g = groups.get(id);
          if (!g) {
            g = { start, end, k: e.k, rows: [] };
            groups.set(id, g);
          }
          g.rows.push(e);
        }
      }
      if (!used) late.push(e.id);
    }
    for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
  }
  const expected = new Map<string, unknown[]>();
  for (const [id, g] of groups) expected.set(id, aggregateOf(g.rows));
  return { expected, late, inclusions };
}

function run(h: Harness, batches: Ev[][], boundMs: number): void {
  let maxSeen = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    h.agg.process(batch);
    for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
    h.agg.advanceWatermark(maxSeen - boundMs);
  }
  h.agg.finish();
}

/** The latest emission per (window, key), checking revisions count up from 0 in order. */
function latestByWindowKey(results: readonly WindowResult[]): Map<string, unknown[]> {
  const latest = new Map<string, WindowResult>();
  for (const r of results) {
    const id = `${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`;
    const before = latest.get(id);
    expect(r.revision).toBe(before === undefined ? 0 : before.revision + 1);
    latest.set(id, r);
  }
  return new Map([...latest].map(([id, r]) => [id, [...r.values]]));
}

const windowKindArb: fc.Arbitrary<WindowKind> = fc.oneof(
  fc
    .record({
      sizeMs: fc.integer({ min: 1, max: 60 }),
      offsetMs: fc.integer({ min: -20, max: 20 }),
    })
    .map(({ sizeMs, offsetMs }): WindowKind => ({ kind: 'tumble', sizeMs, offsetMs })),
  fc
    .record({ slideMs: fc.integer({ min: 1, max: 15 }), n: fc.integer({ min: 1, max: 5 }) })
    .map(({ slideMs, n }): WindowKind => ({ kind: 'hop', sizeMs: slideMs * n, slideMs })),
  fc
    .record({ stepMs: fc.integer({ min: 1, max: 15 }), n: fc.integer({ min: 1, max: 5 }) })
    .map(({ stepMs, n }): WindowKind => ({ kind: 'cumulate', stepMs, sizeMs: stepMs * n })),
);

/**
 * A stream in arrival order, cut into batches. Each row's arrival position is its time plus a
 * delay below `boundMs`, so no row is `boundMs` or more behind an earlier one; `wildRows` rows
 * get delays up to 4 × bound (beyond it).
 */
function streamArb(boundMs: number, wild: boolean): fc.Arbitrary<Ev[][]> {
  const row = fc.record({
    t: fc.integer({ min: 0, max: 400 }),
    k: fc.constantFrom('a', 'b', 'c'),
    v: fc.integer({ min: -50, max: 50 }),
    delay: wild
      ? fc.oneof(fc.integer({ min: 0, max: boundMs - 1 }), fc.integer({ min: 0, max: 4 * boundMs }))
      : fc.integer({ min: 0, max: boundMs - 1 }),
  });
  return fc
    .tuple(fc.array(row, { minLength: 1, maxLength: 150 }), fc.array(fc.nat(), { maxLength: 20 }))
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

const boundArb = fc.integer({ min: 1, max: 40 });

describe('WindowAggregation (tumble, hop, cumulate) against brute force', () => {
  it('gives the brute-force result for every window and key when disorder stays within the bound', () => {
    fc.assert(
      fc.property(
        windowKindArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, false))),
        (window, [bound, batches]) => {
          const h = harness(window);
          run(h, batches, bound);
          const { expected, late } = bruteForce(window, batches, bound, 0);
          expect(late).toEqual([]);
          expect(h.late).toEqual([]);
          expect(h.results.every((r) => r.kind === 'final')).toBe(true);
          expect(latestByWindowKey(h.results)).toEqual(expected);
          expect(h.results.length).toBe(expected.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends exactly the brute-force late rows to `late` beyond the bound, and loses no row', () => {
    fc.assert(
      fc.property(
        windowKindArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, true))),
        (window, [bound, batches]) => {
          const h = harness(window);
          run(h, batches, bound);
          const { expected, late, inclusions } = bruteForce(window, batches, bound, 0);
          expect(h.late.map((l) => l.row.id).sort((a, b) => a - b)).toEqual(
            late.sort((a, b) => a - b),
          );
          expect(latestByWindowKey(h.results)).toEqual(expected);
          const counted = h.results.reduce((n, r) => n + (r.values[0] as number), 0);
          expect(counted).toBe(inclusions);
          if (window.kind === 'tumble') {
            // One window per row: final counts + late rows = every row.
            expect(counted + h.late.length).toBe(batches.flat().length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with allowed lateness, the last revision of each (window, key) equals brute force', () => {
    fc.assert(
      fc.property(
        windowKindArb,
        fc.integer({ min: 1, max: 60 }),
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, true))),
        (window, lateness, [bound, batches]) => {
          const h = harness(window, lateness);
          run(h, batches, bound);
          const { expected, late } = bruteForce(window, batches, bound, lateness);
          expect(h.late.map((l) => l.row.id).sort((a, b) => a - b)).toEqual(
            late.sort((a, b) => a - b),
          );
          expect(latestByWindowKey(h.results)).toEqual(expected);
          for (const r of h.results) {
            if (r.kind === 'final') expect(r.revision).toBe(0);
            else expect(r.kind).toBe('update');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function ev(t: number, k = 'a', v = 1, id = 0): Ev {
  return { t, k, v, id };
}

describe('WindowAggregation firing, lateness and early results', () => {
  it('fires a window when the watermark reaches end - 1, not before', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 });
    h.agg.process([ev(0), ev(9)]);
    h.agg.advanceWatermark(8);
    expect(h.results).toEqual([]);
    h.agg.advanceWatermark(9);
    expect(h.results).toEqual([
      {
        windowStart: 0,
        windowEnd: 10,
        keyValues: ['a'],
        values: [2, 2, 1, 1],
        kind: 'final',
        revision: 0,
      },
    ]);
  });

  it('re-emits a fired window as an update with the next revision for a row within the lateness', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 }, 5);
    h.agg.process([ev(3, 'a', 4)]);
    h.agg.advanceWatermark(9);
    h.agg.process([ev(5, 'a', 6), ev(7, 'a', 1), ev(8, 'b', 2)]);
    expect(h.results.map((r) => [r.kind, r.revision, r.keyValues[0], r.values[1]])).toEqual([
      ['final', 0, 'a', 4],
      ['update', 1, 'a', 11],
      ['final', 0, 'b', 2],
    ]);
    h.agg.advanceWatermark(14); // 10 - 1 + 5: lateness over, state released
    expect(h.agg.openWindows).toBe(0);
    h.agg.process([ev(6)]);
    expect(h.late.map((l) => [l.time, l.watermark])).toEqual([[6, 14]]);
  });

  it('emits early results only for groups that changed since their last emission', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 });
    h.agg.process([ev(1, 'a', 2), ev(2, 'b', 3), ev(12, 'a', 5)]);
    h.agg.emitEarly();
    expect(
      h.results.map((r) => [r.kind, r.revision, r.windowStart, r.keyValues[0], r.values[0]]),
    ).toEqual([
      ['early', 0, 0, 'a', 1],
      ['early', 0, 0, 'b', 1],
      ['early', 0, 10, 'a', 1],
    ]);
    h.results.length = 0;
    h.agg.emitEarly();
    expect(h.results).toEqual([]);
    h.agg.process([ev(4, 'b', 1)]);
    h.agg.emitEarly();
    expect(h.results.map((r) => [r.kind, r.revision, r.keyValues[0], r.values[0]])).toEqual([
      ['early', 1, 'b', 2],
    ]);
    h.results.length = 0;
    h.agg.advanceWatermark(9);
    // The final goes out for every group, changed or not, after its early revisions.
    expect(h.results.map((r) => [r.kind, r.revision, r.keyValues[0], r.values[0]])).toEqual([
      ['final', 1, 'a', 1],
      ['final', 2, 'b', 2],
    ]);
  });

  it('emits a group first seen after its window fired as final revision 0, and its next change as an update', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 }, 20);
    h.agg.process([ev(1, 'a')]);
    h.agg.advanceWatermark(12); // [0, 10) fired with group a only
    h.agg.process([ev(2, 'b')]);
    h.agg.process([ev(3, 'b')]);
    expect(h.results.map((r) => [r.kind, r.revision, r.keyValues[0], r.values[0]])).toEqual([
      ['final', 0, 'a', 1],
      ['final', 0, 'b', 1],
      ['update', 1, 'b', 2],
    ]);
  });

  it('emits exactly one final per (window, key), before any update of it, whatever the lateness', () => {
    fc.assert(
      fc.property(
        windowKindArb,
        boundArb.chain((b) => fc.tuple(fc.constant(b), streamArb(b, true))),
        fc.integer({ min: 0, max: 60 }),
        (window, [bound, batches], lateness) => {
          const h = harness(window, lateness);
          run(h, batches, bound);
          const seen = new Map<string, WindowResult['kind'][]>();
          for (const r of h.results) {
            const id = `${r.windowStart}/${r.windowEnd}/${String(r.keyValues[0])}`;
            seen.set(id, [...(seen.get(id) ?? []), r.kind]);
          }
          for (const kinds of seen.values()) {
            const nonEarly = kinds.filter((k) => k !== 'early');
            expect(nonEarly[0]).toBe('final');
            expect(nonEarly.filter((k) => k === 'final')).toHaveLength(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts a hop row in its open windows even when some of its windows are released', () => {
    const h = harness({ kind: 'hop', sizeMs: 20, slideMs: 10 });
    h.agg.advanceWatermark(19); // [0, 20) has fired; [10, 30) has not
    h.agg.process([ev(15)]);
    expect(h.late).toEqual([]);
    h.agg.finish();
    expect(h.results.map((r) => [r.windowStart, r.windowEnd, r.values[0]])).toEqual([[10, 30, 1]]);
  });

  it('counts in partiallyLateRows the hop and cumulate rows that missed released windows', () => {
    const hop = harness({ kind: 'hop', sizeMs: 30, slideMs: 10 });
    hop.agg.advanceWatermark(29); // [0, 30) released; [10, 40) and [20, 50) open
    hop.agg.process([ev(25), ev(35), ev(31)]); // 25 misses [0, 30); 35 and 31 miss none
    hop.agg.process([ev(Number.NaN), ev(1)]); // late rows are not partial
    expect(hop.agg.partiallyLateRows).toBe(1);
    expect(hop.late.map((l) => l.time)).toEqual([Number.NaN, 1]);

    const cumulate = harness({ kind: 'cumulate', sizeMs: 30, stepMs: 10 });
    cumulate.agg.advanceWatermark(19); // [0, 10) and [0, 20) released; [0, 30) open
    cumulate.agg.process([ev(5), ev(15), ev(25)]);
    expect(cumulate.agg.partiallyLateRows).toBe(2);

    const tumble = harness({ kind: 'tumble', sizeMs: 10 });
    tumble.agg.advanceWatermark(19);
    tumble.agg.process([ev(5), ev(25)]);
    expect(tumble.agg.partiallyLateRows).toBe(0);
  });

  it('sends rows without a finite time to `late` with a reason', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 });
    h.agg.process([ev(Number.NaN)]);
    expect(h.late).toHaveLength(1);
    expect(h.late[0]?.reason).toMatch(/not a finite number/);
  });

  it('puts rows given after finish() in `late`', () => {
    const h = harness({ kind: 'tumble', sizeMs: 10 });
    h.agg.finish();
    h.agg.process([ev(1)]);
    expect(h.late).toHaveLength(1);
    expect(h.agg.openWindows).toBe(0);
  });
});

describe('WindowAggregation state', () => {
  it('stays bounded while streaming and is released by finish()', () => {
    const size = 10;
    const bound = 25;
    const lateness = 15;
    const h = harness({ kind: 'tumble', sizeMs: size }, lateness);
    let maxSeen = Number.NEGATIVE_INFINITY;
    let id = 0;
    for (let b = 0; b < 2_000; b++) {
      const batch: Ev[] = [];
      for (let i = 0; i < 10; i++) {
        const t = b * 5 + ((i * 7) % bound);
        batch.push(ev(t, `k${i % 4}`, i, id++));
      }
      h.agg.process(batch);
      for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
      h.agg.advanceWatermark(maxSeen - bound);
      // Windows from (watermark - lateness) up to the newest row.
      const limit = Math.ceil((bound + lateness + 1) / size) + 1;
      expect(h.agg.openWindows).toBeLessThanOrEqual(limit);
      expect(h.agg.openGroups).toBeLessThanOrEqual(limit * 4);
      expect(h.agg.oldestOpenWindowStart).toBeGreaterThan(maxSeen - bound - lateness - size);
    }
    h.agg.finish();
    expect(h.agg.openWindows).toBe(0);
    expect(h.agg.openGroups).toBe(0);
    expect(h.agg.oldestOpenWindowStart).toBe(Number.POSITIVE_INFINITY);
    expect(h.late).toEqual([]);
  });

  it('reports the start of the oldest window holding state', () => {
    const h = harness({ kind: 'hop', sizeMs: 30, slideMs: 10 });
    expect(h.agg.oldestOpenWindowStart).toBe(Number.POSITIVE_INFINITY);
    h.agg.process([ev(25)]);
    expect(h.agg.oldestOpenWindowStart).toBe(0);
    expect(h.agg.openWindows).toBe(3);
    h.agg.advanceWatermark(29);
    expect(h.agg.oldestOpenWindowStart).toBe(10);
  });
});

describe('WindowAggregation options', () => {
  it.each([
    [{ kind: 'hop', sizeMs: 25, slideMs: 10 }, /whole multiple of its slide/],
    [{ kind: 'cumulate', sizeMs: 25, stepMs: 10 }, /whole multiple of its step/],
    [{ kind: 'tumble', sizeMs: 0 }, /window.sizeMs/],
    [{ kind: 'session', gapMs: -1 }, /window.gapMs/],
    [{ kind: 'tumble', sizeMs: 1.5 }, /whole number/],
  ] as [WindowKind, RegExp][])('refuses %j', (window, message) => {
    expect(() => harness(window)).toThrow(InvalidOptionError);
    expect(() => harness(window)).toThrow(message);
  });

  it('refuses a negative allowed lateness', () => {
    expect(() => harness({ kind: 'tumble', sizeMs: 10 }, -1)).toThrow(/allowedLatenessMs/);
  });
});
