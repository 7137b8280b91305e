import type { WindowKind } from './window-kind.js';

/**
 * Maps a row time to the fixed-size windows it belongs to (tumble, hop, cumulate), without
 * allocating: windows are written into caller-owned arrays. Sessions depend on other rows and
 * have their own operator.
 */
export interface WindowAssigner {
  /**
   * The most windows one row can belong to: the length `starts`/`ends` must have. At most
   * `MAX_WINDOWS_PER_ROW` for a window that passed `validateWindowKind`.
   */
  readonly maxWindowsPerRow: number;
  /**
   * Writes the windows containing `timeMs` into `starts[i]`/`ends[i]`, ordered by ascending end,
   * and returns how many there are.
   */
  assign(timeMs: number, starts: Float64Array, ends: Float64Array): number;
}

/** `x mod n` in [0, n), also for negative `x` (times before 1970). */
function floorMod(x: number, n: number): number {
  const r = x % n;
  return r < 0 ? r + n : r;
}

/**
 * The assigner for a validated tumble, hop or cumulate window; Flink's start rule:
 * `start = t - floorMod(t - offset, length)`.
 */
export function createWindowAssigner(
  window: Exclude<WindowKind, { kind: 'session' }>,
): WindowAssigner {
  switch (window.kind) {
    case 'tumble': {
      const size = window.sizeMs;
      const offset = window.offsetMs ?? 0;
      return {
        maxWindowsPerRow: 1,
        assign(t, starts, ends) {
          const start = t - floorMod(t - offset, size);
          starts[0] = start;
          ends[0] = start + size;
          return 1;
        },
      };
    }
    case 'hop': {
      const size = window.sizeMs;
      const slide = window.slideMs;
      const offset = window.offsetMs ?? 0;
      const count = size / slide;
      return {
        maxWindowsPerRow: count,
        assign(t, starts, ends) {
          // The latest window containing t starts at lastStart; earlier ones every slide before.
          const lastStart = t - floorMod(t - offset, slide);
          const firstStart = lastStart - (count - 1) * slide;
          for (let i = 0; i < count; i++) {
            const start = firstStart + i * slide;
            starts[i] = start;
            ends[i] = start + size;
          }
          return count;
        },
      };
    }
    case 'cumulate': {
      const size = window.sizeMs;
      const step = window.stepMs;
      return {
        maxWindowsPerRow: size / step,
        assign(t, starts, ends) {
          const start = t - floorMod(t, size);
          // The first window containing t ends at the step boundary after t.
          let end = t - floorMod(t, step) + step;
          const last = start + size;
          let n = 0;
          for (; end <= last; end += step) {
            starts[n] = start;
            ends[n] = end;
            n++;
          }
          return n;
        },
      };
    }
  }
}
