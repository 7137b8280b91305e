import type { SqlType } from '../types.js';
import type { Accumulator, AggregateFunction } from './aggregate-function.js';
import { checkNumberConstant } from './checks.js';

/** The largest `k` `TOP_K` accepts: the result is an array of k rows per window and group. */
export const TOP_K_MAX_K = 10_000;

/** One row of a `TOP_K` result: a value and how many rows carried it. */
export interface TopKItem {
  readonly item: string | number | boolean;
  readonly count: number;
}

type Item = string | number | boolean;

/** Whether `a` ranks before `b`: more rows first, then the smaller item (`<` order). */
function before(a: Item, aCount: number, b: Item, bCount: number): boolean {
  if (aCount !== bCount) return aCount > bCount;
  return a < b;
}

/**
 * The running state of `TOP_K(x, k)`: an exact count per distinct value in a `Map`. Memory is
 * one entry per distinct non-null value in the window and group — roughly 50–80 bytes plus
 * the value itself (a 10,000-URL window is about 1 MB). `k` is applied only in `result`, so
 * counts stay exact under `merge` and `remove`.
 */
export class TopKAccumulator implements Accumulator {
  readonly #k: number;
  readonly #counts = new Map<Item, number>();

  constructor(k: number) {
    this.#k = k;
  }

  add(value: unknown): void {
    if (value === null) return;
    const counts = this.#counts;
    counts.set(value as Item, (counts.get(value as Item) ?? 0) + 1);
  }

  remove(value: unknown): void {
    if (value === null) return;
    const counts = this.#counts;
    const count = counts.get(value as Item);
    if (count === undefined) return;
    if (count <= 1) counts.delete(value as Item);
    else counts.set(value as Item, count - 1);
  }

  merge(other: Accumulator): void {
    const counts = this.#counts;
    for (const [item, count] of (other as TopKAccumulator).#counts) {
      counts.set(item, (counts.get(item) ?? 0) + count);
    }
  }

  /**
   * The k most frequent values, most frequent first, ties by value ascending; fewer when the
   * window holds fewer distinct values. Selects with a k-sized heap: O(n log k) for n values.
   */
  result(): TopKItem[] {
    const k = this.#k;
    // A min-heap on rank: the root is the worst of the best k so far.
    const items: Item[] = [];
    const counts: number[] = [];
    for (const [item, count] of this.#counts) {
      if (items.length < k) {
        items.push(item);
        counts.push(count);
        siftUp(items, counts, items.length - 1);
      } else if (before(item, count, items[0] as Item, counts[0] as number)) {
        items[0] = item;
        counts[0] = count;
        siftDown(items, counts, 0);
      }
    }
    const result = items.map((item, i) => ({ item, count: counts[i] as number }));
    result.sort((a, b) => (before(a.item, a.count, b.item, b.count) ? -1 : 1));
    return result;
  }
}

function swap(items: Item[], counts: number[], i: number, j: number): void {
  const item = items[i] as Item;
  items[i] = items[j] as Item;
  items[j] = item;
  const count = counts[i] as number;
  counts[i] = counts[j] as number;
  counts[j] = count;
}

/** Whether heap slot `i` ranks after `j`, i.e. belongs nearer the root. */
function worse(items: Item[], counts: number[], i: number, j: number): boolean {
  return before(items[j] as Item, counts[j] as number, items[i] as Item, counts[i] as number);
}

function siftUp(items: Item[], counts: number[], start: number): void {
  let i = start;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(items, counts, i, parent)) return;
    swap(items, counts, i, parent);
    i = parent;
  }
}

function siftDown(items: Item[], counts: number[], start: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let worst = i;
    if (left < items.length && worse(items, counts, left, worst)) worst = left;
    if (right < items.length && worse(items, counts, right, worst)) worst = right;
    if (worst === i) return;
    swap(items, counts, i, worst);
    i = worst;
  }
}

const ITEM_TYPES: readonly SqlType[] = [
  'VARCHAR',
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'BOOLEAN',
  'TIMESTAMP',
];

/**
 * `TOP_K(x, k)` → an array (type ANY) of `{ item, count }`: the k most frequent non-null
 * values of `x` in the window and group, by count descending then value ascending, exact.
 * `k` is a constant integer from 1 to {@link TOP_K_MAX_K}. It backs KDA's
 * `TOP_K_ITEMS_TUMBLING(CURSOR(...), 'col', k, seconds)`: the engine turns the array into rows
 * `ITEM`, `ITEM_COUNT`. Supports `remove`. Memory: see {@link TopKAccumulator}.
 *
 * @example
 * ```ts
 * const acc = TOP_K.create([2], false);
 * for (const url of ['/a', '/b', '/a', '/c']) acc.add(url);
 * acc.result(); // [{ item: '/a', count: 2 }, { item: '/b', count: 1 }]
 * ```
 */
export const TOP_K: AggregateFunction = {
  name: 'TOP_K',
  signature: 'TOP_K(value, k)',
  constantArgs: 1,
  allowsDistinct: false,
  allowsStar: false,
  resultType: (argType) => {
    if (argType === null) return { error: 'TOP_K needs an argument, not *' };
    if (!ITEM_TYPES.includes(argType)) {
      return {
        error: `TOP_K needs a VARCHAR, numeric, BOOLEAN or TIMESTAMP argument, got ${argType}`,
      };
    }
    return 'ANY';
  },
  checkConstants: (constants) =>
    checkNumberConstant('TOP_K', 'k', constants, { min: 1, max: TOP_K_MAX_K, integer: true }),
  create: (constants) => new TopKAccumulator(constants[0] as number),
};
