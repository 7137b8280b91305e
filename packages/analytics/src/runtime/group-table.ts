import type { Accumulator } from '../aggregates/aggregate-function.js';
import { AvgAccumulator } from '../aggregates/avg.js';
import { CountRowsAccumulator, CountValuesAccumulator } from '../aggregates/count.js';
import type { AggregateSlot } from './aggregate-slot.js';

/**
 * The state of one aggregate slot for every group of one window, indexed by the group's number
 * in its {@link GroupTable}. Plain counters and sums (`COUNT(*)`, `COUNT(x)`, `AVG(x)`) keep
 * numbers in typed arrays, one entry per group, instead of an accumulator object per group:
 * no object to reach per row, no allocation per group. Results are the same as the
 * accumulators' (`AVG` repeats {@link CompensatedSum}'s arithmetic step by step).
 */
export interface GroupColumn {
  /** Room for groups `0 .. capacity - 1` (keeping the existing ones). */
  grow(capacity: number): void;
  /** Sets up group `group` (the next number). */
  open(group: number): void;
  add(group: number, value: unknown): void;
  result(group: number): unknown;
}

function grown(array: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(array);
  return next;
}

/** `COUNT(*)`: one counter per group. */
export class CountRowsColumn implements GroupColumn {
  counts: Float64Array = new Float64Array(0);

  grow(capacity: number): void {
    this.counts = grown(this.counts, capacity);
  }

  open(_group: number): void {}

  add(group: number, _value: unknown): void {
    (this.counts[group] as number)++;
  }

  result(group: number): number {
    return this.counts[group] as number;
  }
}

/** `COUNT(x)`: one counter per group, of the non-null values. */
class CountValuesColumn implements GroupColumn {
  counts: Float64Array = new Float64Array(0);

  grow(capacity: number): void {
    this.counts = grown(this.counts, capacity);
  }

  open(_group: number): void {}

  add(group: number, value: unknown): void {
    if (value !== null) (this.counts[group] as number)++;
  }

  result(group: number): number {
    return this.counts[group] as number;
  }
}

/** Counts of non-finite values in one group's `AVG` (rare: kept apart, by group). */
interface NonFinite {
  nan: number;
  positiveInfinity: number;
  negativeInfinity: number;
}

/** `AVG(x)`: a Neumaier-compensated sum and a count per group, as {@link AvgAccumulator}. */
class AvgColumn implements GroupColumn {
  sums: Float64Array = new Float64Array(0);
  compensations: Float64Array = new Float64Array(0);
  counts: Float64Array = new Float64Array(0);
  nonFinite: Map<number, NonFinite> | undefined;

  grow(capacity: number): void {
    this.sums = grown(this.sums, capacity);
    this.compensations = grown(this.compensations, capacity);
    this.counts = grown(this.counts, capacity);
  }

  open(_group: number): void {}

  add(group: number, value: unknown): void {
    if (value === null) return;
    const x = value as number;
    if (x - x === 0) {
      const sum = this.sums[group] as number;
      const t = sum + x;
      if (Math.abs(sum) >= Math.abs(x)) (this.compensations[group] as number) += sum - t + x;
      else (this.compensations[group] as number) += x - t + sum;
      this.sums[group] = t;
    } else {
      this.nonFinite ??= new Map();
      let counts = this.nonFinite.get(group);
      if (counts === undefined) {
        counts = { nan: 0, positiveInfinity: 0, negativeInfinity: 0 };
        this.nonFinite.set(group, counts);
      }
      if (Number.isNaN(x)) counts.nan++;
      else if (x > 0) counts.positiveInfinity++;
      else counts.negativeInfinity++;
    }
    (this.counts[group] as number)++;
  }

  result(group: number): number | null {
    const count = this.counts[group] as number;
    if (count === 0) return null;
    const special = this.nonFinite?.get(group);
    let sum: number;
    if (special !== undefined && special.nan > 0) sum = Number.NaN;
    else if (
      special !== undefined &&
      special.positiveInfinity > 0 &&
      special.negativeInfinity > 0
    ) {
      sum = Number.NaN;
    } else if (special !== undefined && special.positiveInfinity > 0) {
      sum = Number.POSITIVE_INFINITY;
    } else if (special !== undefined && special.negativeInfinity > 0) {
      sum = Number.NEGATIVE_INFINITY;
    } else sum = (this.sums[group] as number) + (this.compensations[group] as number);
    return sum / count;
  }
}

/** Any other aggregate: one accumulator object per group. */
class AccumulatorColumn implements GroupColumn {
  readonly accs: Accumulator[] = [];

  constructor(readonly create: () => Accumulator) {}

  grow(_capacity: number): void {}

  open(group: number): void {
    this.accs[group] = this.create();
  }

  add(group: number, value: unknown): void {
    (this.accs[group] as Accumulator).add(value);
  }

  result(group: number): unknown {
    return (this.accs[group] as Accumulator).result();
  }
}

/** Makes the columns of a new window; see {@link columnFactory}. */
export type ColumnFactory = () => GroupColumn;

/**
 * How slot `slot` keeps its state in a window: typed arrays for the accumulators that are plain
 * counters or sums (told by the class of a sample accumulator, made once here), objects otherwise.
 */
export function columnFactory<Row>(slot: AggregateSlot<Row>): ColumnFactory {
  const sample = slot.create();
  // Exact classes only: a subclass may add state or change `add`.
  const kind = Object.getPrototypeOf(sample);
  if (kind === CountRowsAccumulator.prototype) return () => new CountRowsColumn();
  if (kind === CountValuesAccumulator.prototype) return () => new CountValuesColumn();
  if (kind === AvgAccumulator.prototype) return () => new AvgColumn();
  const create = () => slot.create();
  return () => new AccumulatorColumn(create);
}

/**
 * The groups of one window: a `Map` from group key to group number, and per group its GROUP BY
 * values, revision (= emissions so far) and whether rows changed it since its last emission;
 * one {@link GroupColumn} per aggregate slot. Groups are numbered in order of appearance.
 */
export class GroupTable {
  readonly index = new Map<string | number, number>();
  readonly keyValues: (readonly unknown[])[] = [];
  readonly revisions: number[] = [];
  dirty: Uint8Array = new Uint8Array(0);
  readonly columns: GroupColumn[];
  size = 0;
  #capacity = 0;

  constructor(factories: readonly ColumnFactory[], capacityHint: number) {
    this.columns = factories.map((f) => f());
    this.#grow(Math.max(16, capacityHint));
  }

  /** Adds a group (the caller checked that `key` is new); returns its number. */
  open(key: string | number, keyValues: readonly unknown[]): number {
    const group = this.size;
    if (group === this.#capacity) this.#grow(this.#capacity * 2);
    this.index.set(key, group);
    this.keyValues.push(keyValues);
    this.revisions.push(0);
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) (columns[i] as GroupColumn).open(group);
    this.size = group + 1;
    return group;
  }

  /** The values of every slot for group `group`, in slot order. */
  values(group: number): unknown[] {
    const columns = this.columns;
    const values = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) values[i] = (columns[i] as GroupColumn).result(group);
    return values;
  }

  #grow(capacity: number): void {
    const dirty = new Uint8Array(capacity);
    dirty.set(this.dirty);
    this.dirty = dirty;
    for (const column of this.columns) column.grow(capacity);
    this.#capacity = capacity;
  }
}
