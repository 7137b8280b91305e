import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWindowAssigner } from '../../src/runtime/window-assigner.js';

function windowsOf(assigner: ReturnType<typeof createWindowAssigner>, t: number): number[][] {
  const starts = new Float64Array(assigner.maxWindowsPerRow);
  const ends = new Float64Array(assigner.maxWindowsPerRow);
  const n = assigner.assign(t, starts, ends);
  return Array.from({ length: n }, (_, i) => [starts[i] as number, ends[i] as number]);
}

describe('createWindowAssigner', () => {
  it('puts a tumble row in the one window [offset + k*size, +size) holding it, also before 1970', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (t, size, offset) => {
          const [[start, end] = []] = windowsOf(
            createWindowAssigner({ kind: 'tumble', sizeMs: size, offsetMs: offset }),
            t,
          );
          expect(end).toBe((start as number) + size);
          expect(start).toBeLessThanOrEqual(t);
          expect(t).toBeLessThan(end as number);
          expect(((((start as number) - offset) % size) + size) % size).toBe(0);
        },
      ),
    );
  });

  it('puts a hop row in size/slide windows, ordered by end, each holding it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 8 }),
        (t, slide, n) => {
          const windows = windowsOf(
            createWindowAssigner({ kind: 'hop', sizeMs: slide * n, slideMs: slide }),
            t,
          );
          expect(windows).toHaveLength(n);
          for (const [start, end] of windows) {
            expect(end).toBe((start as number) + slide * n);
            expect(start).toBeLessThanOrEqual(t);
            expect(t).toBeLessThan(end as number);
          }
          const ends = windows.map((w) => w[1] as number);
          expect(ends).toEqual([...ends].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('puts a cumulate row in every step window of its period that ends after it', () => {
    const assigner = createWindowAssigner({ kind: 'cumulate', stepMs: 10, sizeMs: 40 });
    expect(windowsOf(assigner, 45)).toEqual([
      [40, 50],
      [40, 60],
      [40, 70],
      [40, 80],
    ]);
    expect(windowsOf(assigner, 79)).toEqual([[40, 80]]);
    expect(windowsOf(assigner, 80)).toHaveLength(4);
  });
});
