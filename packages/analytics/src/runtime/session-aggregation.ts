import type { Accumulator } from '../aggregates/aggregate-function.js';
import { InvalidOptionError } from '../errors.js';
import type { AggregateSlot } from './aggregate-slot.js';
import {
  addArgs,
  createGroupState,
  emitGroup,
  type GroupState,
  latenessOf,
} from './group-state.js';
import { addLateRow, type LateRow, notFiniteTimeReason } from './late-row.js';
import { validateWindowKind } from './window-kind.js';
import type { WindowAggregationOptions, WindowResult } from './window-result.js';

/** What a session last emitted under some bounds: enough to withdraw it once they change. */
interface Shown {
  readonly start: number;
  readonly end: number;
  /** A copy of the emitted values (the emitted array belongs to the callee). */
  readonly values: readonly unknown[];
  /** Whether it was `final`/`update` (not `early`): a further emission is then an `update`. */
  readonly final: boolean;
}

/** One session of one key: `[start, end)` with `end = last row time + gap`. */
interface Session extends GroupState {
  start: number;
  end: number;
  /** False once merged into another session (a pending update for it is then skipped). */
  alive: boolean;
  /** The session's last emission, `undefined` before its first. */
  shown: Shown | undefined;
  /** Emissions of sessions merged into this one: withdrawn by its next emission. */
  merged: Shown[] | undefined;
}

/**
 * Session windows (Flink `SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)`), with the same
 * API and rules as {@link WindowAggregation} (which uses this class for `kind: 'session'`).
 *
 * Per group key, each row opens the window `[t, t + gapMs)`; windows that overlap (rows less
 * than `gapMs` apart) merge into one session, folding their accumulators with
 * `Accumulator.merge`; an out-of-order row can so bridge two sessions. Rows exactly `gapMs`
 * apart start a new session: that keeps a session that fired at `watermark = end - 1` final for
 * every row not behind the watermark (Flink's `TimeWindow.intersects` also merges touching
 * windows, so there a row at exactly `end` splits or joins depending on timing).
 * A session fires when `watermark >= end - 1` and is released when
 * `watermark >= end - 1 + allowedLatenessMs`. A row is late when its own window `[t, t + gapMs)`
 * is past that point; such a row goes to `late` even if it would have touched a session still
 * held (as in Flink, which drops it before merging).
 *
 * A session's bounds move when rows extend it or merge it with others. When that happens to a
 * session already emitted (`final`, `update` or `early`), its next emission is preceded by a
 * `kind: 'retract'` result for each withdrawn (bounds, key) — its own old bounds and those of
 * every emitted session merged into it — carrying the values last emitted for them, as Flink SQL
 * retracts an updated session row. So a sink that upserts by (window, key) and deletes on
 * `retract` holds exactly one row per session. Revisions keep counting across bounds, so each
 * retraction and the emission after it rank above everything emitted for the session before.
 * The first non-early emission under given bounds is `final`, later ones `update`.
 *
 * `openWindows` and `openGroups` both count sessions (one group each). Memory: sessions per key
 * are those within `gap + bound + lateness` of the newest row, so about keys × (accumulators +
 * a copy of the last emitted values).
 *
 * @example
 * ```ts
 * const visits = new WindowAggregation<Click>({
 *   window: { kind: 'session', gapMs: 30 * 60_000 },
 *   timeOf: (c) => c.ts, keyOf: (c) => c.user, keyValuesOf: (c) => [c.user],
 *   aggregates: [{ create: () => count.create([], false), argOf: () => null }],
 *   emit: (results) => sink.push(...results), late: (rows) => errors.push(...rows),
 * });
 * ```
 */
export class SessionAggregation<Row> {
  readonly #gapMs: number;
  readonly #timeOf: (row: Row) => number;
  readonly #keyOf: (row: Row) => string | number;
  readonly #keyValuesOf: (row: Row) => readonly unknown[];
  readonly #slots: readonly AggregateSlot<Row>[];
  readonly #latenessMs: number;
  readonly #emit: (results: readonly WindowResult[]) => void;
  readonly #late: (rows: readonly LateRow<Row>[]) => void;
  /** Sessions per key, sorted by start, pairwise not overlapping. */
  readonly #sessions = new Map<string | number, Session[]>();
  readonly #args: unknown[];
  #count = 0;
  #watermark = Number.NEGATIVE_INFINITY;
  /** Lower bound of the watermark at which some session fires or is released. */
  #nextScanAt = Number.POSITIVE_INFINITY;

  /** @throws InvalidOptionError unless `window.kind` is `session` with a valid gap. */
  constructor(options: WindowAggregationOptions<Row>) {
    const window = validateWindowKind(options.window);
    if (window.kind !== 'session') {
      throw new InvalidOptionError(
        'window.kind',
        `SessionAggregation takes only session windows, got ${window.kind}`,
      );
    }
    this.#gapMs = window.gapMs;
    this.#latenessMs = latenessOf(options.allowedLatenessMs);
    this.#timeOf = options.timeOf;
    this.#keyOf = options.keyOf;
    this.#keyValuesOf = options.keyValuesOf;
    this.#slots = options.aggregates;
    this.#emit = options.emit;
    this.#late = options.late;
    this.#args = new Array<unknown>(options.aggregates.length).fill(null);
  }

  /** See {@link WindowAggregation.process}. */
  process(rows: readonly Row[]): void {
    const watermark = this.#watermark;
    const gap = this.#gapMs;
    const lateness = this.#latenessMs;
    const args = this.#args;
    const slots = this.#slots;
    let lateRows: LateRow<Row>[] | undefined;
    let updates: Session[] | undefined;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Row;
      const time = this.#timeOf(row);
      if (!Number.isFinite(time)) {
        lateRows = addLateRow(lateRows, row, time, watermark, notFiniteTimeReason(time));
        continue;
      }
      const end = time + gap;
      if (end - 1 + lateness <= watermark) {
        lateRows = addLateRow(
          lateRows,
          row,
          time,
          watermark,
          `the row's session window [${time}, ${end}) has closed: the watermark ${watermark} is at or past its end - 1 + allowedLatenessMs (${lateness})`,
        );
        continue;
      }
      const key = this.#keyOf(row);
      for (let a = 0; a < slots.length; a++) args[a] = (slots[a] as AggregateSlot<Row>).argOf(row);
      let list = this.#sessions.get(key);
      if (list === undefined) {
        list = [];
        this.#sessions.set(key, list);
      }
      const session = this.#place(list, row, time, end);
      addArgs(session, args);
      const scanAt = session.end - 1 > watermark ? session.end - 1 : session.end - 1 + lateness;
      if (scanAt < this.#nextScanAt) this.#nextScanAt = scanAt;
      if (!session.dirty) {
        session.dirty = true;
        if (session.end - 1 <= watermark) {
          updates ??= [];
          updates.push(session);
        }
      }
    }
    if (lateRows !== undefined) this.#late(lateRows);
    if (updates !== undefined) {
      const results: WindowResult[] = [];
      for (const session of updates) {
        // A later row of the batch may have merged it away or pushed its end past the watermark.
        if (session.alive && session.dirty && session.end - 1 <= watermark) {
          this.#emitSession(session, false, results);
        }
      }
      if (results.length > 0) this.#emit(results);
    }
  }

  /** Finds or makes the session of a row's window `[time, end)`, merging what it bridges. */
  #place(list: Session[], row: Row, time: number, end: number): Session {
    // Usually the row extends the key's newest session: check it first.
    let first = list.length - 1;
    while (first >= 0 && (list[first] as Session).end > time) first--;
    first++; // list[first..] end after `time`.
    let last = first;
    while (last < list.length && (list[last] as Session).start < end) last++;
    // list[first, last) intersect the new window.
    if (first === last) {
      const session: Session = {
        ...createGroupState(this.#keyValuesOf(row), this.#slots),
        start: time,
        end,
        alive: true,
        shown: undefined,
        merged: undefined,
      };
      list.splice(first, 0, session);
      this.#count++;
      return session;
    }
    const target = list[first] as Session;
    if (time < target.start) target.start = time;
    if (end > target.end) target.end = end;
    for (let i = first + 1; i < last; i++) {
      const other = list[i] as Session;
      for (let a = 0; a < target.accs.length; a++) {
        (target.accs[a] as Accumulator).merge(other.accs[a] as Accumulator);
      }
      if (other.end > target.end) target.end = other.end;
      if (other.revision > target.revision) target.revision = other.revision;
      if (other.shown !== undefined || other.merged !== undefined) {
        target.merged ??= [];
        if (other.merged !== undefined) target.merged.push(...other.merged);
        if (other.shown !== undefined) target.merged.push(other.shown);
      }
      other.alive = false;
    }
    if (last - first > 1) {
      list.splice(first + 1, last - first - 1);
      this.#count -= last - first - 1;
    }
    return target;
  }

  /** See {@link WindowAggregation.advanceWatermark}. */
  advanceWatermark(watermarkMs: number): void {
    if (!(watermarkMs > this.#watermark)) return;
    const previous = this.#watermark;
    this.#watermark = watermarkMs;
    if (watermarkMs < this.#nextScanAt) return;
    this.#fireAndRelease(previous, watermarkMs, false);
  }

  /** See {@link WindowAggregation.emitEarly}. */
  emitEarly(): void {
    const results: WindowResult[] = [];
    for (const session of this.#sortedSessions()) {
      if (session.dirty && session.end - 1 > this.#watermark) {
        this.#emitSession(session, true, results);
      }
    }
    if (results.length > 0) this.#emit(results);
  }

  /** See {@link WindowAggregation.finish}. */
  finish(): void {
    const previous = this.#watermark;
    this.#watermark = Number.POSITIVE_INFINITY;
    this.#fireAndRelease(previous, Number.POSITIVE_INFINITY, true);
  }

  /** How many sessions hold state. */
  get openWindows(): number {
    return this.#count;
  }

  /** How many sessions hold state (each is one group). */
  get openGroups(): number {
    return this.#count;
  }

  /** See {@link WindowAggregation.oldestOpenWindowStart}. */
  get oldestOpenWindowStart(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const list of this.#sessions.values()) {
      const session = list[0];
      if (session !== undefined && session.start < oldest) oldest = session.start;
    }
    return oldest;
  }

  /** The current watermark. */
  get watermark(): number {
    return this.#watermark;
  }

  /**
   * Emits a session (`early`, or else `final`/`update`), each withdrawn (bounds, key) first: see
   * the class comment.
   */
  #emitSession(session: Session, early: boolean, results: WindowResult[]): void {
    const shown = session.shown;
    const moved =
      shown !== undefined && (shown.start !== session.start || shown.end !== session.end);
    if (moved) results.push(retraction(session, shown));
    if (session.merged !== undefined) {
      for (const part of session.merged) results.push(retraction(session, part));
      session.merged = undefined;
    }
    const kind = early ? 'early' : shown?.final === true && !moved ? 'update' : 'final';
    const result = emitGroup(session.start, session.end, session, kind);
    results.push(result);
    session.shown = {
      start: session.start,
      end: session.end,
      values: result.values.slice(),
      final: !early,
    };
  }

  #sortedSessions(): Session[] {
    const all: Session[] = [];
    for (const list of this.#sessions.values()) for (const session of list) all.push(session);
    // Stable: equal bounds keep key first-appearance order.
    return all.sort((a, b) => a.end - b.end || a.start - b.start);
  }

  #fireAndRelease(previous: number, watermark: number, all: boolean): void {
    const lateness = this.#latenessMs;
    const results: WindowResult[] = [];
    let nextScanAt = Number.POSITIVE_INFINITY;
    for (const session of this.#sortedSessions()) {
      const last = session.end - 1;
      // Sessions already past the previous watermark were emitted by `process`.
      if (last > previous && (all || last <= watermark)) {
        this.#emitSession(session, false, results);
      }
      if (all || last + lateness <= watermark) {
        session.alive = false;
        this.#count--;
      } else {
        const scanAt = last > watermark ? last : last + lateness;
        if (scanAt < nextScanAt) nextScanAt = scanAt;
      }
    }
    for (const [key, list] of this.#sessions) {
      const kept = list.filter((session) => session.alive);
      if (kept.length === 0) this.#sessions.delete(key);
      else if (kept.length !== list.length) this.#sessions.set(key, kept);
    }
    this.#nextScanAt = nextScanAt;
    if (results.length > 0) this.#emit(results);
  }
}

/** The retraction of what a session emitted under old bounds; takes the session's next revision. */
function retraction(session: Session, shown: Shown): WindowResult {
  const revision = session.revision;
  session.revision = revision + 1;
  return {
    windowStart: shown.start,
    windowEnd: shown.end,
    keyValues: session.keyValues,
    values: shown.values,
    kind: 'retract',
    revision,
  };
}
