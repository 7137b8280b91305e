import { describe, expect, it } from 'vitest';
import { addLateRow, type LateRow } from '../../src/runtime/late-row.js';
import { SlidingAggregation } from '../../src/runtime/sliding-aggregation.js';
import { WindowAggregation } from '../../src/runtime/window-aggregation.js';
import type { WindowKind } from '../../src/runtime/window-kind.js';

interface Ev {
  readonly t: number;
}

function windowLate(window: WindowKind): LateRow<Ev>[] {
  const late: LateRow<Ev>[] = [];
  const agg = new WindowAggregation<Ev>({
    window,
    timeOf: (e) => e.t,
    keyOf: () => '',
    keyValuesOf: () => [],
    aggregates: [],
    emit: () => {},
    late: (rows) => late.push(...rows),
  });
  agg.advanceWatermark(5);
  agg.process([{ t: Number.NaN }]);
  return late;
}

describe('late rows', () => {
  it('creates the list on the first late row and appends to it after', () => {
    const first = addLateRow<Ev>(undefined, { t: 1 }, 1, 5, 'too late');
    const same = addLateRow(first, { t: 2 }, 2, 5, 'too late');
    expect(same).toBe(first);
    expect(first).toEqual([
      { row: { t: 1 }, time: 1, watermark: 5, reason: 'too late' },
      { row: { t: 2 }, time: 2, watermark: 5, reason: 'too late' },
    ]);
  });

  it('gives the same record for a row without a finite time in the window, session and sliding operators', () => {
    const sliding: LateRow<Ev>[] = [];
    const agg = new SlidingAggregation<Ev>({
      frame: { rows: 1 },
      ordered: false,
      timeOf: (e) => e.t,
      keyOf: () => '',
      aggregates: [],
      emit: () => {},
      late: (rows) => sliding.push(...rows),
    });
    agg.advanceWatermark(5);
    agg.process([{ t: Number.NaN }]);
    const expected = [
      {
        row: { t: Number.NaN },
        time: Number.NaN,
        watermark: 5,
        reason: "the row's time is not a finite number (NaN)",
      },
    ];
    expect(windowLate({ kind: 'tumble', sizeMs: 10 })).toEqual(expected);
    expect(windowLate({ kind: 'session', gapMs: 10 })).toEqual(expected);
    expect(sliding).toEqual(expected);
  });
});
