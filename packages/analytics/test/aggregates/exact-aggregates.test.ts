import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Accumulator, AggregateFunction } from '../../src/aggregates/aggregate-function.js';
import { AVG } from '../../src/aggregates/avg.js';
import { COUNT, COUNT_STAR } from '../../src/aggregates/count.js';
import { FIRST_VALUE, LAST_VALUE } from '../../src/aggregates/first-last-value.js';
import { MAX, MIN } from '../../src/aggregates/min-max.js';
import { PERCENTILE_CONT } from '../../src/aggregates/percentile-cont.js';
import { SUM } from '../../src/aggregates/sum.js';
import { STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP } from '../../src/aggregates/variance.js';

/** Splits `values` at `cuts`, feeds one accumulator per chunk, merges them in order. */
function aggregateInChunks(
  fn: AggregateFunction,
  values: readonly unknown[],
  cuts: readonly number[],
  options: { constants?: unknown[]; distinct?: boolean; mergeBackwards?: boolean } = {},
): unknown {
  const points = [...new Set(cuts.map((cut) => cut % (values.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points, values.length];
  const chunks: Accumulator[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const acc = fn.create(options.constants ?? [], options.distinct ?? false);
    for (const value of values.slice(bounds[i], bounds[i + 1])) acc.add(value);
    chunks.push(acc);
  }
  if (options.mergeBackwards === true) {
    const last = chunks[chunks.length - 1] as Accumulator;
    for (let i = chunks.length - 2; i >= 0; i--) last.merge(chunks[i] as Accumulator);
    return last.result();
  }
  const first = chunks[0] as Accumulator;
  for (const acc of chunks.slice(1)) first.merge(acc);
  return first.result();
}

const SCALE = 2 ** 20;
/** Doubles that are multiples of 2^-20, so their exact sum is computable with BigInt. */
const exactDouble = fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((n) => n / SCALE);
const withNulls = <T>(arb: fc.Arbitrary<T>) =>
  fc.array(fc.option(arb, { nil: null, freq: 4 }), { maxLength: 150 });
const cutsArb = fc.array(fc.nat(), { maxLength: 5 });

function nonNull<T>(values: readonly (T | null)[]): T[] {
  return values.filter((value): value is T => value !== null);
}

/** The exact sum of multiples of 2^-20, rounded once to a double. */
function exactSum(values: readonly number[]): number {
  let total = 0n;
  for (const value of values) total += BigInt(value * SCALE);
  return Number(total) / SCALE;
}

function expectClose(actual: unknown, expected: number | null, relative = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    relative * Math.abs(expected) + 1e-12,
  );
}

describe('COUNT', () => {
  it('COUNT(*) counts every row, NULL included; COUNT(x) the non-null ones; COUNT(DISTINCT x) the distinct ones', () => {
    fc.assert(
      fc.property(withNulls(fc.integer({ min: -5, max: 5 })), cutsArb, (values, cuts) => {
        expect(aggregateInChunks(COUNT_STAR, values, cuts)).toBe(values.length);
        expect(aggregateInChunks(COUNT, values, cuts)).toBe(nonNull(values).length);
        expect(aggregateInChunks(COUNT, values, cuts, { distinct: true })).toBe(
          new Set(nonNull(values)).size,
        );
      }),
    );
  });

  it('is 0, not NULL, over no rows', () => {
    expect(COUNT.create([], false).result()).toBe(0);
    expect(COUNT_STAR.create([], false).result()).toBe(0);
  });

  it('COUNT(DISTINCT x) tells JSON values apart by content', () => {
    const acc = COUNT.create([], true);
    acc.add({ a: 1 });
    acc.add({ a: 1 });
    acc.add({ a: 2 });
    expect(acc.result()).toBe(2);
  });
});

describe('SUM and AVG', () => {
  it('equal the exact sum and mean of the non-null values, whatever the split (doubles within 1e-9)', () => {
    fc.assert(
      fc.property(withNulls(exactDouble), cutsArb, (values, cuts) => {
        const present = nonNull(values);
        const sum = present.length === 0 ? null : exactSum(present);
        expectClose(aggregateInChunks(SUM, values, cuts), sum);
        expectClose(
          aggregateInChunks(AVG, values, cuts),
          sum === null ? null : sum / present.length,
        );
      }),
    );
  });

  it('keep a sum that cancels exactly (naive summation would lose the small terms)', () => {
    const values = [1e16, 1, -1e16, 1, 1e16, -1e16];
    const acc = SUM.create([], false);
    for (const value of values) acc.add(value);
    expect(acc.result()).toBe(2);
  });

  it('sum integers exactly', () => {
    fc.assert(
      fc.property(
        withNulls(fc.integer({ min: -(2 ** 31), max: 2 ** 31 })),
        cutsArb,
        (values, cuts) => {
          const present = nonNull(values);
          expect(aggregateInChunks(SUM, values, cuts)).toBe(
            present.length === 0 ? null : Number(present.reduce((a, b) => a + BigInt(b), 0n)),
          );
        },
      ),
    );
  });

  it('with DISTINCT, sum and average each distinct value once', () => {
    fc.assert(
      fc.property(withNulls(fc.integer({ min: -20, max: 20 })), cutsArb, (values, cuts) => {
        const distinct = [...new Set(nonNull(values))];
        const sum = distinct.length === 0 ? null : distinct.reduce((a, b) => a + b, 0);
        expect(aggregateInChunks(SUM, values, cuts, { distinct: true })).toBe(sum);
        expectClose(
          aggregateInChunks(AVG, values, cuts, { distinct: true }),
          sum === null ? null : sum / distinct.length,
        );
      }),
    );
  });

  it('handle infinities and NaN as IEEE arithmetic does, and give the finite sum back when they are removed', () => {
    const acc = SUM.create([], false);
    acc.add(1.5);
    acc.add(Number.POSITIVE_INFINITY);
    expect(acc.result()).toBe(Number.POSITIVE_INFINITY);
    acc.add(Number.NEGATIVE_INFINITY);
    expect(acc.result()).toBeNaN();
    acc.remove?.(Number.POSITIVE_INFINITY);
    expect(acc.result()).toBe(Number.NEGATIVE_INFINITY);
    acc.remove?.(Number.NEGATIVE_INFINITY);
    acc.add(Number.NaN);
    expect(acc.result()).toBeNaN();
    acc.remove?.(Number.NaN);
    expect(acc.result()).toBe(1.5);
  });
});

describe('remove (sliding windows)', () => {
  const removable: [string, AggregateFunction, boolean][] = [
    ['COUNT(*)', COUNT_STAR, false],
    ['COUNT(x)', COUNT, false],
    ['COUNT(DISTINCT x)', COUNT, true],
    ['SUM(x)', SUM, false],
    ['SUM(DISTINCT x)', SUM, true],
    ['AVG(x)', AVG, false],
    ['AVG(DISTINCT x)', AVG, true],
  ];

  it.each(removable)(
    '%s: adding rows and removing them again equals never adding them',
    (_name, fn, distinct) => {
      fc.assert(
        fc.property(
          withNulls(exactDouble.map((x) => Math.round(x / 1e6))),
          withNulls(exactDouble),
          fc.integer(),
          (kept, evicted, seed) => {
            const acc = fn.create([], distinct);
            expect(acc.remove).toBeTypeOf('function');
            // Evicted rows interleave with kept ones, then leave in a different order.
            let k = 0;
            let e = 0;
            while (k < kept.length || e < evicted.length) {
              const takeKept =
                e >= evicted.length || (k < kept.length && ((k + e) * seed) % 3 === 0);
              acc.add(takeKept ? kept[k++] : evicted[e++]);
            }
            const order = evicted.map((value, i) => ({ value, key: (i * 7919 + seed) % 101 }));
            order.sort((a, b) => a.key - b.key);
            for (const { value } of order) acc.remove?.(value);

            const fresh = fn.create([], distinct);
            for (const value of kept) fresh.add(value);
            const expected = fresh.result();
            if (typeof expected === 'number') expectClose(acc.result(), expected);
            else expect(acc.result()).toBe(expected);
          },
        ),
      );
    },
  );
});

describe('MIN and MAX', () => {
  it.each([
    ['numbers', fc.double({ noNaN: true, noDefaultInfinity: true })],
    ['timestamps', fc.integer({ min: 0, max: 4_102_444_800_000 })],
    ['strings', fc.string({ maxLength: 4 })],
  ] as [string, fc.Arbitrary<number | string>][])(
    'find the least and greatest of %s',
    (_kind, arb) => {
      fc.assert(
        fc.property(withNulls(arb), cutsArb, (values, cuts) => {
          const present = nonNull(values);
          const sorted = [...present].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(aggregateInChunks(MIN, values, cuts)).toBe(sorted.length ? sorted[0] : null);
          expect(aggregateInChunks(MAX, values, cuts)).toBe(sorted.length ? sorted.at(-1) : null);
        }),
      );
    },
  );

  it('rank NaN above every number, as PostgreSQL does', () => {
    for (const values of [
      [Number.NaN, 3, 1],
      [3, Number.NaN, 1],
      [3, 1, Number.NaN],
    ]) {
      expect(aggregateInChunks(MIN, values, [])).toBe(1);
      expect(aggregateInChunks(MAX, values, [])).toBeNaN();
    }
    expect(aggregateInChunks(MIN, [Number.NaN], [])).toBeNaN();
  });
});

describe('variance and standard deviation', () => {
  it('equal the two-pass textbook values, whatever the split', () => {
    fc.assert(
      fc.property(withNulls(exactDouble), cutsArb, (values, cuts) => {
        const present = nonNull(values);
        const n = present.length;
        const mean = exactSum(present) / n;
        const squares = present.reduce((sum, x) => sum + (x - mean) ** 2, 0);
        const expected = {
          pop: n >= 1 ? squares / n : null,
          samp: n >= 2 ? squares / (n - 1) : null,
        };
        // Both sides round differently; compare at the scale of the data's spread.
        const tolerance = 1e-9;
        const check = (actual: unknown, wanted: number | null) => {
          if (wanted === null) return expect(actual).toBeNull();
          expect(Math.abs((actual as number) - wanted)).toBeLessThanOrEqual(
            tolerance * (wanted + mean * mean + 1),
          );
        };
        check(aggregateInChunks(VAR_POP, values, cuts), expected.pop);
        check(aggregateInChunks(VAR_SAMP, values, cuts), expected.samp);
        check(
          aggregateInChunks(STDDEV_POP, values, cuts),
          expected.pop === null ? null : Math.sqrt(expected.pop),
        );
        check(
          aggregateInChunks(STDDEV_SAMP, values, cuts),
          expected.samp === null ? null : Math.sqrt(expected.samp),
        );
      }),
    );
  });
});

describe('FIRST_VALUE and LAST_VALUE', () => {
  it('return the first and last non-null value by arrival, whichever way chunks merge', () => {
    fc.assert(
      fc.property(
        withNulls(fc.string({ maxLength: 3 })),
        cutsArb,
        fc.boolean(),
        (values, cuts, backwards) => {
          const present = nonNull(values);
          const options = { mergeBackwards: backwards };
          expect(aggregateInChunks(FIRST_VALUE, values, cuts, options)).toBe(present[0] ?? null);
          expect(aggregateInChunks(LAST_VALUE, values, cuts, options)).toBe(present.at(-1) ?? null);
        },
      ),
    );
  });
});

describe('PERCENTILE_CONT', () => {
  it('interpolates between the two nearest ranks of the sorted values', () => {
    fc.assert(
      fc.property(
        withNulls(fc.integer({ min: -1000, max: 1000 })),
        cutsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, cuts, p) => {
          const sorted = nonNull(values).sort((a, b) => a - b);
          let expected: number | null = null;
          if (sorted.length > 0) {
            const rank = p * (sorted.length - 1);
            const low = sorted[Math.floor(rank)] as number;
            const high = sorted[Math.ceil(rank)] as number;
            expected = low + (high - low) * (rank - Math.floor(rank));
          }
          expectClose(
            aggregateInChunks(PERCENTILE_CONT, values, cuts, { constants: [p] }),
            expected,
          );
        },
      ),
    );
  });

  it('does not change its state when asked for a result', () => {
    const acc = PERCENTILE_CONT.create([0.5], false);
    for (const value of [5, 1, 3]) acc.add(value);
    expect(acc.result()).toBe(3);
    acc.add(0);
    expect(acc.result()).toBe(2);
  });
});
