import type { AggregateSlot } from './aggregate-slot.js';
import { latenessOf } from './group-state.js';
import { type ColumnFactory, columnFactory, type GroupColumn, GroupTable } from './group-table.js';
import { addLateRow, type LateRow, notFiniteTimeReason } from './late-row.js';
import { SessionAggregation } from './session-aggregation.js';
import { createWindowAssigner, type WindowAssigner } from './window-assigner.js';
import { validateWindowKind } from './window-kind.js';
import type { WindowAggregationOptions, WindowResult } from './window-result.js';

/** Row times up to this size skip the window assignment within a span: exact arithmetic. */
const MAX_SPAN_TIME = 2 ** 50;

/** `x mod n` in [0, n), also for negative `x`. */
function floorMod(x: number, n: number): number {
  const r = x % n;
  return r < 0 ? r + n : r;
}

/** One open window of fixed bounds and its groups. */
interface WindowState {
  readonly start: number;
  readonly end: number;
  readonly groups: GroupTable;
  /** Whether the watermark has passed the window (its final results went out). */
  fired: boolean;
}

/**
 * A continuous GROUP BY over event-time (or processing-time) windows: tumble, hop, cumulate and
 * session (sessions are handled by {@link SessionAggregation}, behind the same API).
 *
 * Rules, as in Flink:
 * - A window `[start, end)` **fires** when the watermark reaches its last millisecond:
 *   `watermark >= end - 1`. Each of its groups is emitted once with `kind: 'final'`.
 * - The window's state is kept for `allowedLatenessMs` more and **released** when
 *   `watermark >= end - 1 + allowedLatenessMs`. Rows arriving for it meanwhile update it; at the
 *   end of that `process` call each changed group is re-emitted with `kind: 'update'` and the next
 *   `revision` (sinks upsert by window, key and revision) — or with `kind: 'final'` when the group
 *   first appears in the window then, so that every (window, group) has exactly one `final`.
 * - A row is **late** when every window it belongs to has been released (or would have been, had
 *   it existed): `end - 1 + allowedLatenessMs <= watermark` for all of them. Late rows go to
 *   `late`, never dropped silently. A row whose time is not a finite number is late too.
 * - A hop or cumulate row some (not all) of whose windows are released counts in the others
 *   only: it is not late, and the released windows' results stay without it.
 *   `partiallyLateRows` counts such rows.
 * - Rows are judged against the watermark of the last `advanceWatermark` call; the engine calls
 *   `process(batch)` and then `advanceWatermark(...)` (see `BoundedOutOfOrdernessWatermark`; for
 *   processing time the engine passes the wall clock on a timer).
 *
 * Memory: open windows × groups per window × one accumulator per aggregate slot. Open windows are
 * those whose end is within `maxOutOfOrderness + allowedLatenessMs` of the newest row, plus the
 * windows containing it: about `(size + bound + lateness) / slide` for hop, `(bound + lateness) /
 * size + 1` for tumble. Nothing grows with elapsed time; `openWindows`/`openGroups` report it.
 *
 * @example
 * ```ts
 * const agg = new WindowAggregation<Visit>({
 *   window: { kind: 'tumble', sizeMs: 10_000 },
 *   timeOf: (v) => v.ts, keyOf: (v) => v.url, keyValuesOf: (v) => [v.url],
 *   aggregates: [{ create: () => count.create([], false), argOf: () => null }],
 *   emit: (results) => sink.push(...results), late: (rows) => errors.push(...rows),
 * });
 * agg.process(batch);
 * agg.advanceWatermark(watermark.current);
 * ```
 */
export class WindowAggregation<Row> {
  readonly #session: SessionAggregation<Row> | undefined;
  readonly #assigner: WindowAssigner | undefined;
  readonly #timeOf: (row: Row) => number;
  readonly #keyOf: (row: Row) => string | number;
  readonly #keyValuesOf: (row: Row) => readonly unknown[];
  readonly #slots: readonly AggregateSlot<Row>[];
  readonly #columns: readonly ColumnFactory[];
  /** Groups of the last window released: new windows start with room for as many. */
  #lastWindowGroups = 0;
  readonly #latenessMs: number;
  readonly #emit: (results: readonly WindowResult[]) => void;
  readonly #late: (rows: readonly LateRow<Row>[]) => void;
  /** Open windows by end: ends are unique for every fixed-size window kind. */
  readonly #windows = new Map<number, WindowState>();
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  readonly #args: unknown[];
  #watermark = Number.NEGATIVE_INFINITY;
  /** Lower bound of the watermark at which some window fires or is released. */
  #nextScanAt = Number.POSITIVE_INFINITY;
  #openGroups = 0;
  #partiallyLateRows = 0;
  /** The windows of the previous row, `undefined` where released: see `process`. */
  readonly #cache: (WindowState | undefined)[];
  /**
   * Whole-number row times in one span `[phase + k·period, phase + (k + 1)·period)` all get the
   * same windows (spans of the window's slide: tumble size, hop slide, cumulate step); `period`
   * 0 when the window's numbers are not whole.
   */
  readonly #period: number;
  readonly #phase: number;
  /** The row times of a `process` call given none (grown as needed). */
  #times = new Float64Array(0);

  /** @throws InvalidOptionError when the window or `allowedLatenessMs` is out of range. */
  constructor(options: WindowAggregationOptions<Row>) {
    const window = validateWindowKind(options.window);
    this.#latenessMs = latenessOf(options.allowedLatenessMs);
    this.#timeOf = options.timeOf;
    this.#keyOf = options.keyOf;
    this.#keyValuesOf = options.keyValuesOf;
    this.#slots = options.aggregates;
    this.#emit = options.emit;
    this.#late = options.late;
    this.#args = new Array<unknown>(options.aggregates.length).fill(null);
    if (window.kind === 'session') {
      this.#session = new SessionAggregation(options);
      this.#assigner = undefined;
      this.#columns = [];
      this.#starts = new Float64Array(0);
      this.#ends = this.#starts;
      this.#cache = [];
      this.#period = 0;
      this.#phase = 0;
    } else {
      this.#session = undefined;
      this.#assigner = createWindowAssigner(window);
      this.#columns = options.aggregates.map((slot) => columnFactory(slot));
      this.#starts = new Float64Array(this.#assigner.maxWindowsPerRow);
      this.#ends = new Float64Array(this.#assigner.maxWindowsPerRow);
      this.#cache = new Array<WindowState | undefined>(this.#assigner.maxWindowsPerRow);
      const period =
        window.kind === 'tumble'
          ? window.sizeMs
          : window.kind === 'hop'
            ? window.slideMs
            : window.stepMs;
      const phase = window.kind === 'cumulate' ? 0 : (window.offsetMs ?? 0);
      const whole = Number.isSafeInteger(period) && Number.isSafeInteger(phase);
      this.#period = whole ? period : 0;
      this.#phase = whole ? phase : 0;
    }
  }

  /**
   * Adds a batch of rows (the hot path: no per-row allocation once a group exists); at the end,
   * hands the late rows to `late` and emits an `update` per fired (window, group) the batch
   * changed. An exception from a callback propagates; rows before the failing one stay added.
   *
   * `times`, when given, holds `timeOf` of each row where it is a number (NaN elsewhere): read
   * from a typed array, times are never boxed, which a call returning a double may have to do.
   */
  process(rows: readonly Row[], times?: Float64Array): void {
    const assigner = this.#assigner;
    if (assigner === undefined) {
      (this.#session as SessionAggregation<Row>).process(rows);
      return;
    }
    const timeOf = this.#timeOf;
    let rowTimes = times;
    if (rowTimes === undefined) {
      if (this.#times.length < rows.length) this.#times = new Float64Array(rows.length);
      rowTimes = this.#times;
      for (let r = 0; r < rows.length; r++) {
        const time = timeOf(rows[r] as Row);
        rowTimes[r] = typeof time === 'number' ? time : Number.NaN;
      }
    }
    const watermark = this.#watermark;
    const starts = this.#starts;
    const ends = this.#ends;
    const cache = this.#cache;
    const args = this.#args;
    const slots = this.#slots;
    // The watermark may have released windows since the last call: start with an empty cache.
    let cachedFirstEnd = Number.NaN;
    // The span of whole-number times the last assigned windows hold for (see #period): rows in
    // it skip the window assignment.
    const period = this.#period;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    let count = 0;
    let lateRows: LateRow<Row>[] | undefined;
    let lateReason: string | undefined;
    let updates: (WindowState | number)[] | undefined;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Row;
      const time = rowTimes[r] as number;
      // Otherwise the row has the same windows as the previous one.
      if (!(time >= low && time < high && Math.floor(time) === time)) {
        if (!Number.isFinite(time)) {
          const given = timeOf(row);
          lateRows = addLateRow(lateRows, row, given, watermark, notFiniteTimeReason(given));
          continue;
        }
        count = assigner.assign(time, starts, ends);
        // Rows of a batch mostly share their windows (same first window end, same set): look the
        // windows up once per run of such rows rather than once per row and window.
        if (ends[0] !== cachedFirstEnd) {
          cachedFirstEnd = ends[0] as number;
          for (let i = 0; i < count; i++)
            cache[i] = this.#windowFor(starts[i] as number, ends[i] as number);
        }
        if (period > 0 && Math.floor(time) === time && Math.abs(time) <= MAX_SPAN_TIME) {
          low = time - floorMod(time - this.#phase, period);
          high = low + period;
        } else {
          low = Number.POSITIVE_INFINITY;
          high = Number.NEGATIVE_INFINITY;
        }
      }
      let key: string | number | undefined;
      let missed = false;
      for (let i = 0; i < count; i++) {
        const window = cache[i];
        // Released (or never-opened and already past) windows cannot take the row.
        if (window === undefined) {
          missed = true;
          continue;
        }
        if (key === undefined) {
          key = this.#keyOf(row);
          for (let a = 0; a < slots.length; a++)
            args[a] = (slots[a] as AggregateSlot<Row>).argOf(row);
        }
        const groups = window.groups;
        let group = groups.index.get(key);
        if (group === undefined) {
          group = groups.open(key, this.#keyValuesOf(row));
          this.#openGroups++;
        }
        const columns = groups.columns;
        if (columns.length === 1) (columns[0] as GroupColumn).add(group, args[0]);
        else
          for (let a = 0; a < columns.length; a++) (columns[a] as GroupColumn).add(group, args[a]);
        const dirty = groups.dirty;
        if (dirty[group] === 0) {
          dirty[group] = 1;
          // Groups of fired windows are clean outside `process`: this is the group's first change.
          if (window.fired) {
            updates ??= [];
            updates.push(window, group);
          }
        }
      }
      if (key === undefined) {
        // The same for every late row of this call (the watermark moves between calls only).
        lateReason ??= `every window of the row has closed: the watermark ${watermark} is at or past each window's end - 1 + allowedLatenessMs (${this.#latenessMs})`;
        lateRows = addLateRow(lateRows, row, time, watermark, lateReason);
      } else if (missed) {
        this.#partiallyLateRows++;
      }
    }
    if (lateRows !== undefined) this.#late(lateRows);
    if (updates !== undefined) {
      const results: WindowResult[] = [];
      for (let i = 0; i < updates.length; i += 2) {
        const window = updates[i] as WindowState;
        const group = updates[i + 1] as number;
        // A group that first appears after its window fired has had no `final` yet (revision 0:
        // early emissions happen only before the window fires, and firing emits every group).
        const kind = window.groups.revisions[group] === 0 ? 'final' : 'update';
        results.push(emitGroup(window, group, kind));
      }
      this.#emit(results);
    }
  }

  /**
   * Moves event time forward: fires every window with `end - 1 <= watermarkMs` (Flink's rule,
   * `watermark >= window.maxTimestamp()`), then releases every fired window with
   * `end - 1 + allowedLatenessMs <= watermarkMs`. A watermark at or below the current one (or
   * NaN) changes nothing: watermarks never go back.
   */
  advanceWatermark(watermarkMs: number): void {
    if (this.#session !== undefined) {
      this.#session.advanceWatermark(watermarkMs);
      return;
    }
    if (!(watermarkMs > this.#watermark)) return;
    this.#watermark = watermarkMs;
    if (watermarkMs < this.#nextScanAt) return;
    this.#fireAndRelease(watermarkMs, false);
  }

  /**
   * Emits the current values of every not-yet-fired (window, group) that changed since its last
   * emission, with `kind: 'early'` (dashboards call this on an interval). Each raises the
   * group's revision.
   */
  emitEarly(): void {
    if (this.#session !== undefined) {
      this.#session.emitEarly();
      return;
    }
    const results: WindowResult[] = [];
    for (const window of this.#sortedWindows()) {
      if (window.fired) continue;
      const groups = window.groups;
      for (let group = 0; group < groups.size; group++) {
        if (groups.dirty[group] !== 0) results.push(emitGroup(window, group, 'early'));
      }
    }
    if (results.length > 0) this.#emit(results);
  }

  /**
   * End of input: fires every window still open (`kind: 'final'`), releases all state and moves
   * the watermark to `+Infinity`, so rows given afterwards are late.
   */
  finish(): void {
    if (this.#session !== undefined) {
      this.#session.finish();
      return;
    }
    this.#watermark = Number.POSITIVE_INFINITY;
    this.#fireAndRelease(Number.POSITIVE_INFINITY, true);
  }

  /** How many windows hold state (including fired ones kept for allowed lateness). */
  get openWindows(): number {
    return this.#session !== undefined ? this.#session.openWindows : this.#windows.size;
  }

  /** How many (window, group) states are held: the number of accumulator sets. */
  get openGroups(): number {
    return this.#session !== undefined ? this.#session.openGroups : this.#openGroups;
  }

  /**
   * How many rows were added to some of their windows but missed others that were already
   * released (hop and cumulate only): their released windows' results do not include them. Such
   * rows are not in `late`; the count is for stats. Sessions and tumbling windows never miss.
   */
  get partiallyLateRows(): number {
    return this.#session !== undefined ? 0 : this.#partiallyLateRows;
  }

  /**
   * The smallest start of any window holding state (including fired ones kept for allowed
   * lateness), `+Infinity` when none. Every row of an input batch whose latest row time is below
   * this has been fully accounted for in emitted results, so the batch can be checkpointed.
   */
  get oldestOpenWindowStart(): number {
    if (this.#session !== undefined) return this.#session.oldestOpenWindowStart;
    let oldest = Number.POSITIVE_INFINITY;
    for (const window of this.#windows.values()) if (window.start < oldest) oldest = window.start;
    return oldest;
  }

  /** The current watermark (`-Infinity` before the first `advanceWatermark`). */
  get watermark(): number {
    return this.#session !== undefined ? this.#session.watermark : this.#watermark;
  }

  /** The state of window `[start, end)`, opened if needed; `undefined` once it is released. */
  #windowFor(start: number, end: number): WindowState | undefined {
    const watermark = this.#watermark;
    const lateness = this.#latenessMs;
    if (end - 1 + lateness <= watermark) return undefined;
    let window = this.#windows.get(end);
    if (window === undefined) {
      const fired = end - 1 <= watermark;
      window = { start, end, groups: new GroupTable(this.#columns, this.#lastWindowGroups), fired };
      this.#windows.set(end, window);
      const scanAt = fired ? end - 1 + lateness : end - 1;
      if (scanAt < this.#nextScanAt) this.#nextScanAt = scanAt;
    }
    return window;
  }

  #sortedWindows(): WindowState[] {
    // Ends are unique, so ordering by end is total.
    return [...this.#windows.values()].sort((a, b) => a.end - b.end);
  }

  #fireAndRelease(watermark: number, all: boolean): void {
    const lateness = this.#latenessMs;
    const results: WindowResult[] = [];
    let nextScanAt = Number.POSITIVE_INFINITY;
    for (const window of this.#sortedWindows()) {
      const end = window.end;
      if (!window.fired && (all || end - 1 <= watermark)) {
        window.fired = true;
        const size = window.groups.size;
        for (let group = 0; group < size; group++) {
          results.push(emitGroup(window, group, 'final'));
        }
      }
      if (window.fired && (all || end - 1 + lateness <= watermark)) {
        this.#windows.delete(end);
        this.#openGroups -= window.groups.size;
        this.#lastWindowGroups = window.groups.size;
      } else {
        const scanAt = window.fired ? end - 1 + lateness : end - 1;
        if (scanAt < nextScanAt) nextScanAt = scanAt;
      }
    }
    this.#nextScanAt = nextScanAt;
    if (results.length > 0) this.#emit(results);
  }
}

/** Emits group `group` of `window`: builds its result, bumps its revision and clears its dirty flag. */
function emitGroup(window: WindowState, group: number, kind: WindowResult['kind']): WindowResult {
  const groups = window.groups;
  const revision = groups.revisions[group] as number;
  groups.revisions[group] = revision + 1;
  groups.dirty[group] = 0;
  return {
    windowStart: window.start,
    windowEnd: window.end,
    keyValues: groups.keyValues[group] as readonly unknown[],
    values: groups.values(group),
    kind,
    revision,
  };
}
