import type { Accumulator } from '../../../src/aggregates/aggregate-function.js';
import type { AggregateSlot } from '../../../src/runtime/aggregate-slot.js';

/**
 * Tiny accumulators standing in for the real COUNT/SUM/MIN/MAX in the runtime's tests, so that
 * those test the operators alone. COUNT and SUM have `remove` (sliding windows run them
 * incrementally); MIN and MAX do not (sliding windows recompute them).
 */
export class CountAcc implements Accumulator {
  /** Merges done by any CountAcc: session tests check that bridged sessions are merged. */
  static merges = 0;
  n = 0;
  add(): void {
    this.n++;
  }
  remove(): void {
    this.n--;
  }
  merge(other: Accumulator): void {
    CountAcc.merges++;
    this.n += (other as CountAcc).n;
  }
  result(): unknown {
    return this.n;
  }
}

export class SumAcc implements Accumulator {
  s = 0;
  add(v: unknown): void {
    this.s += v as number;
  }
  remove(v: unknown): void {
    this.s -= v as number;
  }
  merge(other: Accumulator): void {
    this.s += (other as SumAcc).s;
  }
  result(): unknown {
    return this.s;
  }
}

export class ExtremeAcc implements Accumulator {
  m: number | null = null;
  constructor(readonly pick: (a: number, b: number) => number) {}
  add(v: unknown): void {
    this.m = this.m === null ? (v as number) : this.pick(this.m, v as number);
  }
  merge(other: Accumulator): void {
    const o = (other as ExtremeAcc).m;
    if (o !== null) this.add(o);
  }
  result(): unknown {
    return this.m;
  }
}

/** A test event: time, key, value and an id to tell copies apart. */
export interface Ev {
  readonly t: number;
  readonly k: string;
  readonly v: number;
  readonly id: number;
}

/** COUNT(*), SUM(v), MIN(v), MAX(v). */
export const slots: AggregateSlot<Ev>[] = [
  { create: () => new CountAcc(), argOf: () => null },
  { create: () => new SumAcc(), argOf: (e) => e.v },
  { create: () => new ExtremeAcc(Math.min), argOf: (e) => e.v },
  { create: () => new ExtremeAcc(Math.max), argOf: (e) => e.v },
];
