import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPROX_PERCENTILE } from '../../src/aggregates/approx-percentile.js';
import {
  QUANTILE_RELATIVE_ACCURACY,
  QuantileSketch,
} from '../../src/aggregates/quantile-sketch.js';

const ALPHA = QUANTILE_RELATIVE_ACCURACY;

/** The exact value the sketch approximates: rank ⌊q·(n−1)⌋ of the sorted values. */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

function expectWithinBound(estimate: number | null, exact: number): void {
  expect(estimate).not.toBeNull();
  if (!Number.isFinite(exact)) {
    expect(estimate).toBe(exact);
    return;
  }
  if (Math.abs(exact) < 2 ** -1022) {
    // Documented: subnormal magnitudes count as zero (their relative error cannot be bounded).
    expect(estimate).toBe(0);
    return;
  }
  // A hair over α for values that land on a bucket boundary through rounding of log().
  expect(Math.abs((estimate as number) - exact)).toBeLessThanOrEqual(
    ALPHA * (1 + 1e-9) * Math.abs(exact),
  );
}

/**
 * Values over 17 orders of magnitude (within the e^41 span the sketch keeps without
 * collapsing), both signs, zeros and repeats.
 */
const magnitude = fc.oneof(
  fc.double({ min: 1e-5, max: 1e12, noNaN: true }),
  fc.double({ min: 1e-5, max: 1e-3, noNaN: true }),
);
const value = fc.oneof(
  magnitude,
  magnitude.map((m) => -m),
  fc.integer({ min: -50, max: 50 }),
  fc.constant(0),
);

describe('QuantileSketch', () => {
  it('is within its relative-error bound of the exact percentile, whatever the split and merge', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (values, qs, cut) => {
          const at = cut % (values.length + 1);
          const left = new QuantileSketch();
          const right = new QuantileSketch();
          values.forEach((v, i) => {
            (i < at ? left : right).add(v);
          });
          left.merge(right);
          expect(left.count).toBe(values.length);
          for (const q of [0, 1, 0.5, ...qs]) {
            expectWithinBound(left.quantile(q), exactQuantile(values, q));
          }
        },
      ),
    );
  });

  it('orders infinities at the ends and ignores NaN', () => {
    const sketch = new QuantileSketch();
    for (const v of [Number.NEGATIVE_INFINITY, -3, 0, 7, Number.POSITIVE_INFINITY, Number.NaN]) {
      sketch.add(v);
    }
    expect(sketch.count).toBe(5);
    expect(sketch.quantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(sketch.quantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(sketch.quantile(0.5)).toBe(0);
    expectWithinBound(sketch.quantile(0.25), -3);
    expectWithinBound(sketch.quantile(0.75), 7);
  });

  it('keeps the bound above the smallest magnitudes when they span more buckets than it keeps', () => {
    // 201 values from 1.5e-300 to 1.5e-100 force the lowest buckets to collapse; the 2,000
    // values from 1 to 1e6 stay in their own buckets.
    const values: number[] = [];
    for (let e = -300; e <= -100; e++) values.push(1.5 * 10 ** e);
    for (let i = 0; i < 2_000; i++) values.push(1 + ((i * 7919) % 2_003) ** 1.8);
    const sketch = new QuantileSketch();
    for (const v of values) sketch.add(v);
    for (const q of [0.1, 0.5, 0.9, 0.99, 1]) {
      expectWithinBound(sketch.quantile(q), exactQuantile(values, q));
    }
  });

  it('counts subnormal magnitudes as zero, where no relative bound is possible', () => {
    const sketch = new QuantileSketch();
    for (const v of [5e-324, -1e-310, 2 ** -1022]) sketch.add(v);
    expect(sketch.quantile(0)).toBe(0);
    expect(sketch.quantile(0.5)).toBe(0);
    expectWithinBound(sketch.quantile(1), 2 ** -1022);
  });

  it('is empty until a value arrives', () => {
    expect(new QuantileSketch().quantile(0.5)).toBeNull();
  });
});

describe('APPROX_PERCENTILE', () => {
  it('returns NULL for no rows and skips NULLs', () => {
    const acc = APPROX_PERCENTILE.create([0.99], false);
    acc.add(null);
    expect(acc.result()).toBeNull();
    for (const ms of [10, null, 20, 30, 40]) acc.add(ms);
    expectWithinBound(acc.result() as number, exactQuantile([10, 20, 30, 40], 0.99));
  });

  it('estimates the median of 100,000 latencies within 1 %', () => {
    const acc = APPROX_PERCENTILE.create([0.5], false);
    const values: number[] = [];
    for (let i = 1; i <= 100_000; i++) values.push((i * 7919) % 100_003);
    for (const v of values) acc.add(v);
    expectWithinBound(acc.result() as number, exactQuantile(values, 0.5));
  });
});
