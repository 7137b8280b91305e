import { InvalidOptionError } from '../errors.js';

/**
 * The windows a group-window aggregation cuts time into. All times are epoch milliseconds and
 * every window is half-open, `[start, end)`.
 *
 * - `tumble`: back-to-back windows of `sizeMs`; starts are `offsetMs + k·sizeMs`
 *   (Flink `TUMBLE`, KDA `STEP(ROWTIME BY INTERVAL ...)` / `FLOOR(ROWTIME TO unit)`).
 * - `hop`: windows of `sizeMs` starting every `slideMs` (`offsetMs + k·slideMs`), so each row is in
 *   `sizeMs / slideMs` windows. As in Flink's window TVFs, `sizeMs` must be a whole multiple of
 *   `slideMs` (Flink `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`).
 * - `cumulate`: windows that all start at `k·sizeMs` and end at `start + stepMs`,
 *   `start + 2·stepMs`, ... `start + sizeMs`; `sizeMs` must be a whole multiple of `stepMs`
 *   (Flink `CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)`).
 * - `session`: per group key, rows less than `gapMs` apart share a session; a session
 *   `[first row, last row + gapMs)` closes after `gapMs` without rows (Flink `SESSION`).
 *
 * @example
 * ```ts
 * const everyTenSeconds: WindowKind = { kind: 'tumble', sizeMs: 10_000 };
 * const lastMinuteEveryTenSeconds: WindowKind = { kind: 'hop', sizeMs: 60_000, slideMs: 10_000 };
 * ```
 */
export type WindowKind =
  | { readonly kind: 'tumble'; readonly sizeMs: number; readonly offsetMs?: number }
  | {
      readonly kind: 'hop';
      readonly sizeMs: number;
      readonly slideMs: number;
      readonly offsetMs?: number;
    }
  | { readonly kind: 'cumulate'; readonly stepMs: number; readonly sizeMs: number }
  | { readonly kind: 'session'; readonly gapMs: number };

/**
 * The most windows one row may belong to: `sizeMs / slideMs` for `hop`, `sizeMs / stepMs` for
 * `cumulate`. Each row updates that many (window, group) states and the operator keeps that many
 * windows open, so a 7-day HOP sliding by 1 ms (604,800,000 windows per row) would exhaust
 * memory; {@link validateWindowKind} refuses such windows instead.
 */
export const MAX_WINDOWS_PER_ROW = 10_000;

/**
 * Throws {@link InvalidOptionError} unless the window's lengths are positive whole milliseconds,
 * the hop/cumulate multiples hold and a row falls in at most {@link MAX_WINDOWS_PER_ROW} windows.
 * Returns the window for chaining.
 *
 * @example
 * ```ts
 * validateWindowKind({ kind: 'hop', sizeMs: 60_000, slideMs: 7_000 }); // throws: not a multiple
 * ```
 */
export function validateWindowKind(window: WindowKind): WindowKind {
  switch (window.kind) {
    case 'tumble':
      checkLength('window.sizeMs', window.sizeMs);
      checkOffset(window.offsetMs);
      return window;
    case 'hop':
      checkLength('window.sizeMs', window.sizeMs);
      checkLength('window.slideMs', window.slideMs);
      checkOffset(window.offsetMs);
      if (window.sizeMs % window.slideMs !== 0) {
        throw new InvalidOptionError(
          'window.sizeMs',
          `a HOP window's size must be a whole multiple of its slide (as in Flink), got size ${window.sizeMs} ms and slide ${window.slideMs} ms`,
        );
      }
      checkWindowsPerRow('HOP', 'window.slideMs', 'slide', window.sizeMs, window.slideMs);
      return window;
    case 'cumulate':
      checkLength('window.stepMs', window.stepMs);
      checkLength('window.sizeMs', window.sizeMs);
      if (window.sizeMs % window.stepMs !== 0) {
        throw new InvalidOptionError(
          'window.sizeMs',
          `a CUMULATE window's size must be a whole multiple of its step (as in Flink), got size ${window.sizeMs} ms and step ${window.stepMs} ms`,
        );
      }
      checkWindowsPerRow('CUMULATE', 'window.stepMs', 'step', window.sizeMs, window.stepMs);
      return window;
    case 'session':
      checkLength('window.gapMs', window.gapMs);
      return window;
    default: {
      const unknown: { kind?: unknown } = window;
      throw new InvalidOptionError(
        'window.kind',
        `must be one of tumble, hop, cumulate, session, got ${String(unknown.kind)}`,
      );
    }
  }
}

function checkLength(option: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(
      option,
      `must be a whole number of milliseconds >= 1, got ${String(value)}`,
    );
  }
}

function checkWindowsPerRow(
  fn: string,
  option: string,
  name: string,
  sizeMs: number,
  strideMs: number,
): void {
  const perRow = sizeMs / strideMs;
  if (perRow > MAX_WINDOWS_PER_ROW) {
    throw new InvalidOptionError(
      option,
      `a ${fn} window puts each row in size / ${name} windows, at most ${MAX_WINDOWS_PER_ROW}; got size ${sizeMs} ms / ${name} ${strideMs} ms = ${perRow} windows per row: use a longer ${name} or a shorter size`,
    );
  }
}

function checkOffset(value: number | undefined): void {
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw new InvalidOptionError(
      'window.offsetMs',
      `must be a whole number of milliseconds, got ${String(value)}`,
    );
  }
}
