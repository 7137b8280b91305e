import type { Accumulator } from '../aggregates/aggregate-function.js';
import { InvalidOptionError } from '../errors.js';
import type { AggregateSlot } from './aggregate-slot.js';
import type { WindowResult } from './window-result.js';

/**
 * The state of one group in one session window: its GROUP BY values, one accumulator per
 * aggregate slot, and what has been emitted. (Fixed-size windows keep their groups in a
 * `GroupTable` instead.)
 */
export interface GroupState {
  readonly keyValues: readonly unknown[];
  readonly accs: Accumulator[];
  /** The revision the next emission gets (= how many emissions so far). */
  revision: number;
  /** Whether rows changed the group since its last emission. */
  dirty: boolean;
}

/** A new group with fresh accumulators. */
export function createGroupState<Row>(
  keyValues: readonly unknown[],
  slots: readonly AggregateSlot<Row>[],
): GroupState {
  const accs: Accumulator[] = new Array<Accumulator>(slots.length);
  for (let i = 0; i < slots.length; i++) accs[i] = (slots[i] as AggregateSlot<Row>).create();
  return { keyValues, accs, revision: 0, dirty: false };
}

/** Adds one row's evaluated arguments to every accumulator of a group. */
export function addArgs(group: GroupState, args: readonly unknown[]): void {
  const accs = group.accs;
  for (let i = 0; i < accs.length; i++) (accs[i] as Accumulator).add(args[i]);
}

/** Emits a group: builds its result, bumps its revision and clears its dirty flag. */
export function emitGroup(
  windowStart: number,
  windowEnd: number,
  group: GroupState,
  kind: WindowResult['kind'],
): WindowResult {
  const accs = group.accs;
  const values = new Array<unknown>(accs.length);
  for (let i = 0; i < accs.length; i++) values[i] = (accs[i] as Accumulator).result();
  const revision = group.revision;
  group.revision = revision + 1;
  group.dirty = false;
  return { windowStart, windowEnd, keyValues: group.keyValues, values, kind, revision };
}

/** Checks `allowedLatenessMs` and returns it (0 when absent). */
export function latenessOf(allowedLatenessMs: number | undefined): number {
  const value = allowedLatenessMs ?? 0;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new InvalidOptionError(
      'allowedLatenessMs',
      `must be a finite number of milliseconds >= 0, got ${String(value)}`,
    );
  }
  return value;
}
