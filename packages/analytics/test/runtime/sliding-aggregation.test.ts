import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import type { LateRow } from '../../src/runtime/late-row.js';
import {
  SlidingAggregation,
  type SlidingFrame,
  type SlidingOutput,
} from '../../src/runtime/sliding-aggregation.js';
import { type Ev, slots } from './support/test-accumulators.js';

function harness(frame: SlidingFrame, ordered: boolean, allowedLatenessMs = 0) {
  const outputs: SlidingOutput<Ev>[] = [];
  const late: LateRow<Ev>[] = [];
  const agg = new SlidingAggregation<Ev>({
    frame,
    ordered,
    allowedLatenessMs,
    timeOf: (e) => e.t,
    keyOf: (e) => e.k,
    aggregates: slots,
    emit: (os) => outputs.push(...os),
    late: (rs) => late.push(...rs),
  });
  return { agg, outputs, late };
}

/**
 * The brute-force OVER window: rows in time order (ties in arrival order); each row's frame is
 * the rows of its partition up to and including it with time >= t - range, or its last n + 1.
 */
function bruteForce(rows: readonly Ev[], frame: SlidingFrame): [number, unknown[]][] {
  const sorted = rows
    .map((r, arrival) => ({ r, arrival }))
    .sort((a, b) => a.r.t - b.r.t || a.arrival - b.arrival)
    .map(({ r }) => r);
  return sorted.map((r, i) => {
    let inFrame = sorted.slice(0, i + 1).filter((o) => o.k === r.k);
    if ('rangeMs' in frame) inFrame = inFrame.filter((o) => o.t >= r.t - frame.rangeMs);
    else inFrame = inFrame.slice(-(frame.rows + 1));
    const vs = inFrame.map((o) => o.v);
    return [r.id, [vs.length, vs.reduce((a, b) => a + b, 0), Math.min(...vs), Math.max(...vs)]];
  });
}

const frameArb: fc.Arbitrary<SlidingFrame> = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((rangeMs) => ({ rangeMs })),
  fc.integer({ min: 0, max: 6 }).map((rows) => ({ rows })),
);

const rowArb = fc.record({
  t: fc.integer({ min: 0, max: 200 }),
  k: fc.constantFrom('a', 'b', 'c'),
  v: fc.integer({ min: -50, max: 50 }),
});

function cut(events: Ev[], cuts: number[]): Ev[][] {
  const points = [...new Set(cuts.map((c) => c % Math.max(events.length, 1)))].sort(
    (a, b) => a - b,
  );
  const batches: Ev[][] = [];
  let from = 0;
  for (const p of [...points, events.length]) {
    batches.push(events.slice(from, p));
    from = p;
  }
  return batches;
}

/** A stream in arrival order: time plus a delay (below the bound, or up to 4x it when wild). */
function streamArb(boundMs: number, wild: boolean): fc.Arbitrary<Ev[][]> {
  const delay = wild
    ? fc.oneof(fc.integer({ min: 0, max: boundMs - 1 }), fc.integer({ min: 0, max: 4 * boundMs }))
    : fc.integer({ min: 0, max: boundMs - 1 });
  return fc
    .tuple(
      fc.array(fc.tuple(rowArb, delay), { minLength: 1, maxLength: 100 }),
      fc.array(fc.nat(), { maxLength: 15 }),
    )
    .map(([rows, cuts]) =>
      cut(
        rows
          .map(([r, d], id) => ({ ...r, id, arrival: r.t + d }))
          .sort((a, b) => a.arrival - b.arrival || a.id - b.id)
          .map(({ t, k, v, id }): Ev => ({ t, k, v, id })),
        cuts,
      ),
    );
}

function outputsOf(outputs: readonly SlidingOutput<Ev>[]): [number, unknown[]][] {
  return outputs.map((o) => [o.row.id, [...o.values]]);
}

describe('SlidingAggregation against brute force', () => {
  it('ordered: one output per row, in order, equal to brute force (ROWS and RANGE)', () => {
    fc.assert(
      fc.property(
        frameArb,
        fc.array(rowArb, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        (frame, rows, cuts) => {
          const events = rows
            .map((r, id): Ev => ({ ...r, id }))
            .sort((a, b) => a.t - b.t || a.id - b.id);
          const h = harness(frame, true);
          let given = 0;
          for (const batch of cut(events, cuts)) {
            h.agg.process(batch);
            given += batch.length;
            // Ordered outputs need no watermark: each batch is output at once.
            expect(h.outputs.length).toBe(given);
          }
          h.agg.finish();
          expect(h.late).toEqual([]);
          expect(outputsOf(h.outputs)).toEqual(bruteForce(events, frame));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('unordered within the bound: buffered until the watermark, then equal to brute force', () => {
    fc.assert(
      fc.property(
        frameArb,
        fc.integer({ min: 1, max: 30 }).chain((b) => fc.tuple(fc.constant(b), streamArb(b, false))),
        (frame, [bound, batches]) => {
          const h = harness(frame, false);
          let maxSeen = Number.NEGATIVE_INFINITY;
          for (const batch of batches) {
            h.agg.process(batch);
            for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
            h.agg.advanceWatermark(maxSeen - bound);
            // Nothing is output before the watermark passes it.
            for (const o of h.outputs) expect(o.row.t).toBeLessThanOrEqual(maxSeen - bound);
          }
          h.agg.finish();
          expect(h.late).toEqual([]);
          expect(outputsOf(h.outputs)).toEqual(bruteForce(batches.flat(), frame));
          expect(h.agg.bufferedRows).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('unordered beyond the bound: exactly the rows behind watermark - lateness are late', () => {
    fc.assert(
      fc.property(
        frameArb,
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 30 }).chain((b) => fc.tuple(fc.constant(b), streamArb(b, true))),
        (frame, lateness, [bound, batches]) => {
          const h = harness(frame, false, lateness);
          const lateIds = new Set<number>();
          let maxSeen = Number.NEGATIVE_INFINITY;
          for (const batch of batches) {
            for (const e of batch) if (e.t <= maxSeen - bound - lateness) lateIds.add(e.id);
            h.agg.process(batch);
            for (const e of batch) maxSeen = Math.max(maxSeen, e.t);
            h.agg.advanceWatermark(maxSeen - bound);
          }
          h.agg.finish();
          expect(new Set(h.late.map((l) => l.row.id))).toEqual(lateIds);
          const onTime = batches.flat().filter((e) => !lateIds.has(e.id));
          expect(outputsOf(h.outputs)).toEqual(bruteForce(onTime, frame));
          expect(h.outputs.length + h.late.length).toBe(batches.flat().length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function ev(t: number, k = 'a', v = 1, id = 0): Ev {
  return { t, k, v, id };
}

describe('SlidingAggregation frames', () => {
  it('includes the row at exactly t - range and excludes the one before it', () => {
    const h = harness({ rangeMs: 1000 }, true);
    h.agg.process([ev(0, 'a', 1), ev(1, 'a', 2), ev(1000, 'a', 4), ev(1001, 'a', 8)]);
    expect(h.outputs.map((o) => o.values[1])).toEqual([1, 3, 7, 14]);
  });

  it('ROWS n PRECEDING holds the current row and n before it', () => {
    const h = harness({ rows: 2 }, true);
    h.agg.process([ev(0, 'a', 1), ev(1, 'a', 2), ev(2, 'b', 100), ev(3, 'a', 4), ev(4, 'a', 8)]);
    expect(h.outputs.map((o) => o.values[1])).toEqual([1, 3, 100, 7, 14]);
  });

  it('does not include later-arriving rows with the same time in a row frame', () => {
    const h = harness({ rangeMs: 10 }, true);
    h.agg.process([ev(5, 'a', 1), ev(5, 'a', 2)]);
    expect(h.outputs.map((o) => o.values[0])).toEqual([1, 2]);
  });

  it('sends a row older than its predecessor in an ordered stream to `late`', () => {
    const h = harness({ rangeMs: 10 }, true);
    h.agg.process([ev(5), ev(4), ev(Number.NaN)]);
    expect(h.outputs).toHaveLength(1);
    expect(h.late.map((l) => l.reason)).toEqual([
      expect.stringMatching(/declared ordered/),
      expect.stringMatching(/not a finite number/),
    ]);
  });

  it('releases partitions whose rows no future frame can reach, and everything at finish()', () => {
    const h = harness({ rangeMs: 100 }, true);
    for (let i = 0; i < 1_000; i++) h.agg.process([ev(i * 10, `k${i}`)]);
    // Only keys seen within about two ranges are kept.
    expect(h.agg.openPartitions).toBeLessThanOrEqual(21);
    h.agg.finish();
    expect(h.agg.openPartitions).toBe(0);
    h.agg.process([ev(1_000_000)]);
    expect(h.late.map((l) => l.reason)).toEqual([expect.stringMatching(/finish\(\)/)]);
  });

  it('keeps a ROWS partition, n + 1 rows of it, for every key until finish(), as documented', () => {
    const h = harness({ rows: 2 }, true);
    for (let i = 0; i < 1_000; i++) h.agg.process([ev(i * 10, `k${i}`, i)]);
    h.agg.process([ev(20_000, 'k0', 5), ev(20_001, 'k0', 7), ev(20_002, 'k0', 9)]);
    // Every key is still held: a row of k0 long after still sees the rows before it.
    expect(h.agg.openPartitions).toBe(1_000);
    h.agg.process([ev(1_000_000, 'k0', 1)]);
    expect(h.outputs.at(-1)?.values).toEqual([3, 17, 1, 9]);
    h.agg.finish();
    expect(h.agg.openPartitions).toBe(0);
  });

  it('refuses negative frames', () => {
    expect(() => harness({ rangeMs: -1 }, true)).toThrow(InvalidOptionError);
    expect(() => harness({ rows: 1.5 }, true)).toThrow(/frame.rows/);
  });
});
