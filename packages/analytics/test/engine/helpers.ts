import type { QueryOutput } from '../../src/engine/query-output.js';
import type { QueryRun } from '../../src/engine/query-types.js';

/** A clock tests move by hand. */
export interface FakeClock {
  now(): number;
  set(ms: number): void;
}

export function fakeClock(start = 0): FakeClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
  };
}

/** One source item taken at `at` (the fake clock is set to it just before the engine takes it). */
export interface Timed<T> {
  readonly at: number;
  readonly item: T;
}

/** A source that sets the clock to each item's time before yielding it, so ROWTIME = `at`. */
export async function* timedSource<T>(
  clock: FakeClock,
  items: readonly Timed<T>[],
): AsyncGenerator<T> {
  for (const { at, item } of items) {
    clock.set(at);
    yield item;
  }
}

export async function* listSource<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** Everything an iterable gives. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Main outputs, late rows and errors of a run, read together. */
export async function drain(run: QueryRun) {
  const late = collect(run.late);
  const errors = collect(run.errors);
  const outputs = await collect(run);
  return { outputs, late: await late, errors: await errors, stats: await run.done };
}

/** key → row of the last emission of each key (what an upserting sink would hold). */
export function upserted(
  outputs: readonly QueryOutput[],
): Map<string, Readonly<Record<string, unknown>>> {
  const byKey = new Map<string, Readonly<Record<string, unknown>>>();
  for (const output of outputs) byKey.set(output.key, output.row);
  return byKey;
}

export const encode = (value: unknown): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(value));
