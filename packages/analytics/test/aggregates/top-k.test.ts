import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Accumulator } from '../../src/aggregates/aggregate-function.js';
import { TOP_K, type TopKItem } from '../../src/aggregates/top-k.js';

/** Brute force: count everything, sort by count descending then item ascending, keep k. */
function bruteTopK(values: readonly (string | number | null)[], k: number): TopKItem[] {
  const counts = new Map<string | number, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([item, count]) => ({ item, count }))
    .sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    .slice(0, k);
}

// A small alphabet, so ties in count are common.
const items = fc.oneof(
  fc.constantFrom('/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h'),
  fc.constantFrom('/home', '/cart', '/search?q=x'),
);

describe('TOP_K', () => {
  it('gives the k most frequent values, ties by value ascending, whatever the split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(items, { nil: null, freq: 5 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (values, k, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (values.length + 1)))].sort(
            (a, b) => a - b,
          );
          const bounds = [0, ...points, values.length];
          const parts: Accumulator[] = [];
          for (let i = 0; i + 1 < bounds.length; i++) {
            const acc = TOP_K.create([k], false);
            for (const v of values.slice(bounds[i], bounds[i + 1])) acc.add(v);
            parts.push(acc);
          }
          const merged = parts[0] as Accumulator;
          for (const part of parts.slice(1)) merged.merge(part);
          expect(merged.result()).toEqual(bruteTopK(values, k));
        },
      ),
    );
  });

  it('orders numbers numerically on ties, and takes rows back out with remove', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 150 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 50 }),
        fc.integer({ min: 1, max: 8 }),
        (kept, evicted, k) => {
          const acc = TOP_K.create([k], false);
          for (const v of [...evicted, ...kept]) acc.add(v);
          for (const v of evicted) acc.remove?.(v);
          expect(acc.result()).toEqual(bruteTopK(kept, k));
        },
      ),
    );
  });

  it('breaks a full tie by value: 10 before 9 would be string order, not numeric', () => {
    const acc = TOP_K.create([2], false);
    for (const v of [10, 9, 100]) acc.add(v);
    expect(acc.result()).toEqual([
      { item: 9, count: 1 },
      { item: 10, count: 1 },
    ]);
  });

  it('returns an empty array for no rows and fewer than k items when there are fewer values', () => {
    const acc = TOP_K.create([3], false);
    expect(acc.result()).toEqual([]);
    acc.add('x');
    acc.add(null);
    expect(acc.result()).toEqual([{ item: 'x', count: 1 }]);
  });

  it('selects 10 of 100,000 distinct values quickly and exactly', () => {
    const acc = TOP_K.create([10], false);
    const values: string[] = [];
    for (let i = 0; i < 300_000; i++) values.push(`/p/${(i * i) % 100_003}`);
    for (const v of values) acc.add(v);
    expect(acc.result()).toEqual(bruteTopK(values, 10));
  });
});
