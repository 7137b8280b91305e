import { describe, expect, it } from 'vitest';
import { APPROX_COUNT_DISTINCT } from '../../src/aggregates/approx-count-distinct.js';
import {
  HLL_REGISTERS,
  HLL_SPARSE_LIMIT,
  HLL_STANDARD_ERROR,
  HyperLogLog,
} from '../../src/aggregates/hyperloglog.js';

/** A seeded PRNG (mulberry32), so every run sees the same inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct values of a realistic shape (user ids, URLs or numbers), each repeated. */
function distinctValues(count: number, seed: number): unknown[] {
  const next = random(seed);
  const values: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const value =
      kind === 0 ? `user-${seed}-${i}` : kind === 1 ? `/products/${i}?ref=${seed}` : i + seed / 7;
    values.push(value);
    if (next() < 0.3) values.push(value);
  }
  return values;
}

function sketchOf(values: readonly unknown[]): HyperLogLog {
  const sketch = new HyperLogLog();
  for (const value of values) sketch.add(value);
  return sketch;
}

describe('HyperLogLog', () => {
  it.each([
    [0, 1],
    [1, 2],
    [10, 3],
    [1_000, 4],
    [100_000, 5],
    [100_000, 6],
  ])('estimates %i distinct values within 3 standard errors (seed %i)', (count, seed) => {
    const estimate = sketchOf(distinctValues(count, seed)).estimate();
    expect(Math.abs(estimate - count)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * count);
  });

  it('counts exactly while sparse, and switches to 16 KiB of registers past the limit', () => {
    const sketch = new HyperLogLog();
    for (let i = 0; i < HLL_SPARSE_LIMIT; i++) {
      sketch.add(`id-${i}`);
      sketch.add(`id-${i}`);
    }
    expect(sketch.dense).toBe(false);
    expect(sketch.estimate()).toBe(HLL_SPARSE_LIMIT);
    expect(sketch.byteSize).toBeLessThanOrEqual(HLL_REGISTERS);
    sketch.add('one more');
    expect(sketch.dense).toBe(true);
    expect(sketch.byteSize).toBe(HLL_REGISTERS);
    // Linear-counting range: much closer than the large-range standard error.
    expect(Math.abs(sketch.estimate() - (HLL_SPARSE_LIMIT + 1))).toBeLessThan(
      3 * 0.006 * HLL_SPARSE_LIMIT,
    );
  });

  it('keeps small groups small: 10 values take a few hundred bytes, not 16 KiB', () => {
    expect(sketchOf(distinctValues(10, 9)).byteSize).toBeLessThanOrEqual(256);
  });

  it.each([
    ['sparse + sparse', 300, 400],
    ['sparse + sparse past the limit', 800, 900],
    ['sparse + dense', 500, 50_000],
    ['dense + sparse', 50_000, 500],
    ['dense + dense', 40_000, 60_000],
  ])('merges %s into exactly the sketch of the union', (_case, leftCount, rightCount) => {
    // The two inputs overlap in a third of the smaller one.
    const left = distinctValues(leftCount, 11);
    const overlap = Math.floor(Math.min(leftCount, rightCount) / 3);
    const right = [...distinctValues(rightCount, 12), ...left.slice(0, overlap)];
    const merged = sketchOf(left);
    merged.merge(sketchOf(right));
    const union = sketchOf([...left, ...right]);
    expect(merged.estimate()).toBe(union.estimate());
    const truth = new Set([...left, ...right]).size;
    expect(Math.abs(merged.estimate() - truth)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * truth);
  });

  it('hashes equal numbers alike: 0 and -0 are one value', () => {
    const sketch = sketchOf([0, -0, Number.NaN, Number.NaN]);
    expect(sketch.estimate()).toBe(2);
  });
});

describe('APPROX_COUNT_DISTINCT', () => {
  it('ignores NULLs and rounds the estimate to a BIGINT', () => {
    const acc = APPROX_COUNT_DISTINCT.create([], false);
    for (const value of ['a', null, 'b', 'a', null]) acc.add(value);
    expect(acc.result()).toBe(2);
    const big = APPROX_COUNT_DISTINCT.create([], false);
    for (const value of distinctValues(5_000, 21)) big.add(value);
    expect(Number.isInteger(big.result())).toBe(true);
  });

  it('merges accumulators of split input to the same count as one accumulator', () => {
    const values = distinctValues(20_000, 31);
    const whole = APPROX_COUNT_DISTINCT.create([], false);
    for (const value of values) whole.add(value);
    const parts = [0, 1, 2].map(() => APPROX_COUNT_DISTINCT.create([], false));
    values.forEach((value, i) => {
      parts[i % 3]?.add(value);
    });
    parts[0]?.merge(parts[1] as never);
    parts[0]?.merge(parts[2] as never);
    expect(parts[0]?.result()).toBe(whole.result());
  });
});
