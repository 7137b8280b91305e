import type { StoredRecord } from '@kinesis-kit/records';
import { DEFAULTS } from './defaults.js';
import { VisitorDemoError } from './errors.js';
import type { VisitRow } from './queries.js';

/** Options of {@link VisitCounter}; defaults in `defaults.ts`. */
export interface VisitCounterOptions {
  /** Length of a counting window, by the visit's own timestamp. @default 10000 */
  readonly windowMs?: number;
  /**
   * A visit whose timestamp is more than this behind its arrival (or more than a window ahead)
   * gets no window; the window counts keep windows this long. @default 600000
   */
  readonly windowRetentionMs?: number;
  /**
   * How long, in the stream's arrival time, a visitId is remembered after its checkpoint is
   * stored. @default 60000 (twice the producer's recordTtlMs)
   */
  readonly dedupeHorizonMs?: number;
  /** Most visitIds remembered; past it the oldest checkpointed ones are forgotten early. @default 2000000 */
  readonly maxRememberedVisitIds?: number;
  /** URLs tracked; visits of further new URLs only add to `overflow`. @default 100000 */
  readonly maxTrackedUrls?: number;
  /** Seconds of per-second counts kept in memory for the chart (not persisted). @default 180 */
  readonly chartSeconds?: number;
  /**
   * The wall clock: when the counter was restored (or asked to hold), and when the resends were
   * settled. Tests give a fake one. @default Date.now
   */
  readonly now?: () => number;
}

/** What the counter has seen, in numbers. */
export interface CounterStats {
  /** Distinct visits counted (each visitId once). */
  readonly counted: number;
  /** Records recognised by their visitId as a visit already counted, and not counted again. */
  readonly duplicates: number;
  /** Records that are not a visit (not JSON, no visitId or url): skipped. */
  readonly undecodable: number;
  /**
   * Visits counted in the totals but in no window: a timestamp far from the arrival, or in a
   * window from before a restart that was not kept (see `windowsFromMs`).
   */
  readonly outOfWindow: number;
  /** Visits of URLs beyond `maxTrackedUrls`: counted, but under no URL. */
  readonly overflow: number;
  /** VisitIds forgotten before the horizon because of `maxRememberedVisitIds`. */
  readonly forgottenEarly: number;
  /** VisitIds remembered now. */
  readonly rememberedVisitIds: number;
  /** URLs with a total. */
  readonly urls: number;
}

/** A URL and how many visitors came from it. */
export interface UrlCount {
  readonly url: string;
  readonly visitors: number;
}

/** A commit in progress: the state to write and the generation it covers. */
export interface PendingCommit {
  readonly body: CounterStateBody;
  readonly generation: number;
}

/** A record's place in its shard: sequence number, and sub-sequence number inside an aggregate. */
export interface ShardPosition {
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number | undefined;
}

/**
 * The persisted state (see `restore`). Maps are arrays of pairs: URLs are untrusted keys. Per
 * shard: its id, its arrival watermark, its remembered visitIds by arrival time, and the position
 * of the last record counted (absent in states of older versions of the demo). `recent`: the
 * visits of the last windows (URL as an index into `totals`, timestamp), fed to the window query
 * again at a restart (absent in older states, which had `windows` instead).
 */
export interface CounterStateBody {
  readonly totals: [string, number][];
  readonly recent?: { readonly fromMs: number; readonly visits: [number, number][] };
  readonly shards: [string, number, [number, string[]][], (ShardPosition | null)?][];
  readonly latestArrivalMs: number;
  readonly stats: {
    counted: number;
    duplicates: number;
    undecodable: number;
    outOfWindow: number;
    overflow: number;
    forgottenEarly: number;
  };
}

/** VisitIds that arrived together on a shard, and the commit generation that added them. */
interface Group {
  readonly arrivalMs: number;
  readonly generation: number;
  /**
   * From before this process started (restored from the state, or arrived before the restart, or
   * of a batch the ledger had in doubt): its copies may come back much later than the horizon —
   * re-delivered after the checkpoint, or sent again by the simulator. Kept until released.
   */
  readonly early: boolean;
  readonly ids: string[];
}

interface ShardMemory {
  watermarkMs: number;
  groups: Group[];
  head: number;
  /** The position of the last record counted (or skipped) on the shard. */
  position: ShardPosition | null;
}

const decoder = new TextDecoder();

/**
 * Counts visits per URL and per window, exactly under at-least-once delivery: each visit is
 * counted once by its `visitId`. The visitIds are remembered per shard (a visit's copies share
 * its partition key, so its shard) and forgotten only once both hold: a stored checkpoint covers
 * them (so a restart never re-delivers them), and the shard's arrival time has moved
 * `dedupeHorizonMs` past them (so no retried write of them can still arrive). After a restart,
 * the visitIds from before it are held longer (see `holdUntilSettled`): in-doubt visits are sent
 * again, and the state's records re-delivered, any time after the crash.
 *
 * The state is committed in two steps by its owner: `beginCommit()` takes a snapshot (and
 * starts a new generation), the owner writes it durably and checkpoints the batches it covers,
 * then `commitDurable(generation)` lets the covered visitIds be forgotten.
 */
export class VisitCounter {
  readonly #windowMs: number;
  readonly #windowRetentionMs: number;
  readonly #dedupeHorizonMs: number;
  readonly #maxRemembered: number;
  readonly #maxTrackedUrls: number;
  readonly #chartSeconds: number;
  readonly #totals = new Map<string, number>();
  /**
   * Every visit given a window with a timestamp from `#recentFromMs` on: what a restart feeds the
   * window query again, so that those windows stay exact.
   */
  #recent: VisitRow[] = [];
  #recentFromMs = Number.NEGATIVE_INFINITY;
  /** The first window this process counts whole: visits of earlier windows are given none. */
  #windowsFromMs = Number.NEGATIVE_INFINITY;
  readonly #seconds = new Map<number, Map<string, number>>();
  readonly #seen = new Set<string>();
  readonly #shards = new Map<string, ShardMemory>();
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;
  #generation = 1;
  #durableGeneration = -1;
  #latestArrivalMs = 0;
  /** When this process started holding: records that arrived before are early. */
  #restartMs = Number.NEGATIVE_INFINITY;
  /** When the resends were settled (wall clock); undefined while they are not. */
  #settledAtMs: number | undefined = Number.NEGATIVE_INFINITY;
  /** Shards of the restored state not read again up to the state's position yet. */
  readonly #pending = new Map<string, ShardPosition | null>();
  /** VisitIds of batches the ledger has in doubt, sent again after the restart. */
  readonly #held = new Set<string>();
  #stats = {
    counted: 0,
    duplicates: 0,
    undecodable: 0,
    outOfWindow: 0,
    overflow: 0,
    forgottenEarly: 0,
  };

  constructor(options: VisitCounterOptions = {}) {
    this.#windowMs = options.windowMs ?? DEFAULTS.windowMs;
    this.#windowRetentionMs = options.windowRetentionMs ?? DEFAULTS.windowRetentionMs;
    this.#dedupeHorizonMs = options.dedupeHorizonMs ?? DEFAULTS.dedupeHorizonMs;
    this.#maxRemembered = options.maxRememberedVisitIds ?? DEFAULTS.maxRememberedVisitIds;
    this.#maxTrackedUrls = options.maxTrackedUrls ?? DEFAULTS.maxTrackedUrls;
    this.#chartSeconds = options.chartSeconds ?? DEFAULTS.chartSeconds;
    this.#now = options.now ?? Date.now;
  }

  /**
   * After a restart: visitIds from before it (restored, arrived before now, or in `visitIds`, the
   * ledger's in-doubt visits) are not forgotten until `resendsSettled()` — and, for a restored
   * state, until every shard of it has been read again past the state's last position; then
   * their horizon is measured from the settling time, by the arrivals seen after it.
   */
  holdUntilSettled(visitIds: Iterable<string> = []): void {
    if (this.#settledAtMs !== undefined) this.#restartMs = this.#now();
    this.#settledAtMs = undefined;
    for (const id of visitIds) this.#held.add(id);
  }

  /**
   * The ledger's in-doubt batches are sent again and stored (or given up): no copy of a visit
   * from before the restart can arrive after this, except re-deliveries of the restored state's
   * records, which are waited for shard by shard.
   */
  resendsSettled(): void {
    if (this.#settledAtMs !== undefined) return;
    this.#settledAtMs = this.#now();
    this.#held.clear();
  }

  /** A shard of the restored state whose checkpoint is at or past the state's position. */
  shardReadPast(shardId: string): void {
    this.#pending.delete(shardId);
  }

  /** The position the restored state ended at on `shardId` (null: unknown), if still waited for. */
  pendingPosition(shardId: string): ShardPosition | null | undefined {
    return this.#pending.get(shardId);
  }

  /** Whether the visitIds from before the restart may be forgotten (by the horizon) now. */
  get #released(): boolean {
    return this.#settledAtMs !== undefined && this.#pending.size === 0;
  }

  /**
   * Counts the visits of a batch of one shard's records, skipping visits already counted.
   * Returns the visits counted now that belong in a window: what the window query is fed.
   */
  apply(shardId: string, records: readonly StoredRecord[]): VisitRow[] {
    const windowed: VisitRow[] = [];
    let shard = this.#shards.get(shardId);
    if (shard === undefined) {
      shard = { watermarkMs: 0, groups: [], head: 0, position: null };
      this.#shards.set(shardId, shard);
    }
    for (const record of records) {
      shard.position =
        record.subSequenceNumber === undefined
          ? { sequenceNumber: record.sequenceNumber }
          : { sequenceNumber: record.sequenceNumber, subSequenceNumber: record.subSequenceNumber };
      const visit = decodeVisit(record.data);
      if (visit === undefined) {
        this.#stats.undecodable += 1;
        continue;
      }
      const arrivalMs = record.approximateArrivalTimestamp.getTime();
      if (arrivalMs > shard.watermarkMs) shard.watermarkMs = arrivalMs;
      if (arrivalMs > this.#latestArrivalMs) this.#latestArrivalMs = arrivalMs;
      if (this.#seen.has(visit.visitId)) {
        this.#stats.duplicates += 1;
        continue;
      }
      this.#remember(shard, visit.visitId, arrivalMs);
      const row = this.#count(visit.url, visit.timeMs, arrivalMs);
      if (row !== undefined) windowed.push(row);
    }
    const target = this.#pending.get(shardId);
    if (target !== undefined && target !== null && shard.position !== null) {
      if (comparePositions(shard.position, target) >= 0) this.#pending.delete(shardId);
    }
    this.#prune();
    for (const listener of this.#listeners) listener();
    return windowed;
  }

  #remember(shard: ShardMemory, visitId: string, arrivalMs: number): void {
    this.#seen.add(visitId);
    const early = arrivalMs < this.#restartMs || this.#held.has(visitId);
    const last = shard.groups.at(-1);
    if (
      last !== undefined &&
      shard.groups.length > shard.head &&
      last.arrivalMs === arrivalMs &&
      last.generation === this.#generation &&
      last.early === early
    ) {
      last.ids.push(visitId);
    } else {
      shard.groups.push({ arrivalMs, generation: this.#generation, early, ids: [visitId] });
    }
  }

  #count(url: string, timeMs: number, arrivalMs: number): VisitRow | undefined {
    this.#stats.counted += 1;
    const total = this.#totals.get(url);
    if (total === undefined && this.#totals.size >= this.#maxTrackedUrls) {
      this.#stats.overflow += 1;
      return undefined;
    }
    this.#totals.set(url, (total ?? 0) + 1);
    // A timestamp far from the arrival (a skewed or hostile client) gets no window: windows are
    // kept by arrival time, and a far-future one must not push the others out.
    // Also a window from before a restart that was not kept: it could only be shown in part.
    if (
      !Number.isFinite(timeMs) ||
      timeMs > arrivalMs + this.#windowMs ||
      timeMs < arrivalMs - this.#windowRetentionMs ||
      timeMs < this.#windowsFromMs
    ) {
      this.#stats.outOfWindow += 1;
      return undefined;
    }
    if (timeMs >= arrivalMs - this.#chartSeconds * 1000) {
      increment(this.#seconds, Math.floor(timeMs / 1000), url);
    }
    const row: VisitRow = { url, visit_time: timeMs };
    if (timeMs >= this.#recentFromMs) this.#recent.push(row);
    return row;
  }

  #prune(): void {
    // The window in progress (by arrival) and the ones before it that a restart keeps.
    const recentFromMs =
      (Math.floor(this.#latestArrivalMs / this.#windowMs) - DEFAULTS.windowsKeptAtRestart + 1) *
      this.#windowMs;
    if (recentFromMs > this.#recentFromMs) {
      this.#recentFromMs = recentFromMs;
      this.#recent = this.#recent.filter((row) => row.visit_time >= recentFromMs);
    }
    const oldestSecond = Math.floor(this.#latestArrivalMs / 1000) - this.#chartSeconds - 5;
    for (const second of this.#seconds.keys()) {
      if (second < oldestSecond) this.#seconds.delete(second);
    }
  }

  /** Forgets visitIds that are checkpointed and past the horizon; then enforces the count bound. */
  #forget(): void {
    const released = this.#released;
    // Copies of a visit from before the restart can arrive up to the settling of the resends:
    // their horizon starts there, and only arrivals after it move the shard past it.
    const earlyFloorMs = this.#settledAtMs ?? Number.POSITIVE_INFINITY;
    for (const shard of this.#shards.values()) {
      const horizon = shard.watermarkMs - this.#dedupeHorizonMs;
      while (shard.head < shard.groups.length) {
        const group = shard.groups[shard.head] as Group;
        if (group.generation > this.#durableGeneration) break;
        if (group.early && !released) break;
        const since = group.early ? Math.max(group.arrivalMs, earlyFloorMs) : group.arrivalMs;
        if (since >= horizon) break;
        this.#drop(shard, group);
      }
      if (shard.head > 1024 && shard.head * 2 > shard.groups.length) {
        shard.groups = shard.groups.slice(shard.head);
        shard.head = 0;
      }
    }
    while (this.#seen.size > this.#maxRemembered) {
      let oldest: ShardMemory | undefined;
      for (const shard of this.#shards.values()) {
        const group = shard.groups[shard.head];
        if (group === undefined || group.generation > this.#durableGeneration) continue;
        if (
          oldest === undefined ||
          group.arrivalMs < (oldest.groups[oldest.head] as Group).arrivalMs
        ) {
          oldest = shard;
        }
      }
      // What is not checkpointed yet is never forgotten: a restart would re-deliver it.
      if (oldest === undefined) break;
      const group = oldest.groups[oldest.head] as Group;
      this.#stats.forgottenEarly += group.ids.length;
      this.#drop(oldest, group);
    }
  }

  #drop(shard: ShardMemory, group: Group): void {
    for (const id of group.ids) this.#seen.delete(id);
    shard.head += 1;
  }

  /**
   * Takes a snapshot of the state to write: visitIds covered by the last durable commit and past
   * the horizon are forgotten first, and visits counted from now on belong to a new generation.
   */
  beginCommit(): PendingCommit {
    this.#forget();
    const generation = this.#generation;
    this.#generation += 1;
    return { body: this.#body(), generation };
  }

  /** The state of `generation` is written and its batches checkpointed: its visitIds may go. */
  commitDurable(generation: number): void {
    if (generation > this.#durableGeneration) this.#durableGeneration = generation;
  }

  #body(): CounterStateBody {
    const urlIndex = new Map<string, number>();
    for (const url of this.#totals.keys()) urlIndex.set(url, urlIndex.size);
    return {
      totals: [...this.#totals],
      recent: {
        // Nothing counted yet: every window is whole.
        fromMs: Number.isFinite(this.#recentFromMs) ? this.#recentFromMs : 0,
        visits: this.#recent.map((row) => [urlIndex.get(row.url) as number, row.visit_time]),
      },
      shards: [...this.#shards].map(([shardId, shard]) => [
        shardId,
        shard.watermarkMs,
        shard.groups.slice(shard.head).map((group) => [group.arrivalMs, group.ids]),
        shard.position,
      ]),
      latestArrivalMs: this.#latestArrivalMs,
      stats: { ...this.#stats },
    };
  }

  /**
   * A counter holding a committed state. Its visitIds are held (see `holdUntilSettled`): the
   * checkpoint may be behind the state, so the restart may deliver them again, and the
   * simulator may send in-doubt visits again, any time after the crash.
   */
  static restore(body: unknown, options: VisitCounterOptions = {}): VisitCounter {
    const counter = new VisitCounter(options);
    counter.holdUntilSettled();
    const state = body as CounterStateBody;
    try {
      for (const [url, n] of state.totals)
        counter.#totals.set(check(url, 'string'), check(n, 'number'));
      for (const [shardId, watermarkMs, groups, position] of state.shards) {
        const shard: ShardMemory = {
          watermarkMs: check(watermarkMs, 'number'),
          groups: [],
          head: 0,
          position: checkPosition(position),
        };
        for (const [arrivalMs, ids] of groups) {
          shard.groups.push({
            arrivalMs: check(arrivalMs, 'number'),
            generation: 0,
            early: true,
            ids,
          });
          for (const id of ids) counter.#seen.add(check(id, 'string'));
        }
        counter.#shards.set(check(shardId, 'string'), shard);
        counter.#pending.set(shardId, shard.position);
      }
      counter.#latestArrivalMs = check(state.latestArrivalMs, 'number');
      counter.#restoreRecent(state);
      const stats = state.stats;
      counter.#stats = {
        counted: check(stats.counted, 'number'),
        duplicates: check(stats.duplicates, 'number'),
        undecodable: check(stats.undecodable, 'number'),
        outOfWindow: check(stats.outOfWindow, 'number'),
        overflow: check(stats.overflow, 'number'),
        forgottenEarly: check(stats.forgottenEarly, 'number'),
      };
    } catch (error) {
      throw new VisitorDemoError('StateCorrupt', 'the counter state is malformed', {
        cause: error,
      });
    }
    return counter;
  }

  /**
   * The windows a restart keeps: from `recent.fromMs`, whose visits the state holds. An older
   * state without them keeps none: windows start again at the next window boundary.
   */
  #restoreRecent(state: CounterStateBody): void {
    const { recent } = state;
    if (recent === undefined) {
      this.#windowsFromMs =
        (Math.floor(this.#latestArrivalMs / this.#windowMs) + 1) * this.#windowMs;
      this.#recentFromMs = this.#windowsFromMs;
      return;
    }
    const urls = [...this.#totals.keys()];
    this.#windowsFromMs = check(recent.fromMs, 'number');
    this.#recentFromMs = this.#windowsFromMs;
    this.#recent = recent.visits.map(([index, timeMs]) => ({
      url: check(urls[index], 'string'),
      visit_time: check(timeMs, 'number'),
    }));
  }

  /**
   * The visits of the windows kept across the restart, which the window query needs again
   * (its own state is in memory). Empty for a counter that was not restored.
   */
  restoredVisits(): readonly VisitRow[] {
    return [...this.#recent];
  }

  /**
   * Where the windows begin that this process counts whole (epoch ms): after a restart, those
   * still in progress were restored; earlier ones are not kept. `-Infinity` on a first start.
   */
  get windowsFromMs(): number {
    return this.#windowsFromMs;
  }

  /** Calls `listener` after every applied batch; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Visitors counted for `url` (0 if none). */
  visitors(url: string): number {
    return this.#totals.get(url) ?? 0;
  }

  /** Every URL's total. */
  totals(): ReadonlyMap<string, number> {
    return this.#totals;
  }

  /** The `n` URLs with the most visitors, most first (ties by URL). */
  top(n: number): UrlCount[] {
    return [...this.#totals]
      .sort(([urlA, a], [urlB, b]) => b - a || (urlA < urlB ? -1 : urlA > urlB ? 1 : 0))
      .slice(0, n)
      .map(([url, visitors]) => ({ url, visitors }));
  }

  /** The visits per second of `urls` for the seconds `fromSecond`..`toSecond` (epoch seconds). */
  perSecond(urls: readonly string[], fromSecond: number, toSecond: number): number[][] {
    return urls.map((url) => {
      const points: number[] = [];
      for (let second = fromSecond; second <= toSecond; second++) {
        points.push(this.#seconds.get(second)?.get(url) ?? 0);
      }
      return points;
    });
  }

  /** The length of a window, in milliseconds. */
  get windowMs(): number {
    return this.#windowMs;
  }

  get stats(): CounterStats {
    return { ...this.#stats, rememberedVisitIds: this.#seen.size, urls: this.#totals.size };
  }
}

function increment(map: Map<number, Map<string, number>>, key: number, url: string): void {
  let counts = map.get(key);
  if (counts === undefined) {
    counts = new Map();
    map.set(key, counts);
  }
  counts.set(url, (counts.get(url) ?? 0) + 1);
}

function checkPosition(value: unknown): ShardPosition | null {
  if (value === undefined || value === null) return null;
  const { sequenceNumber, subSequenceNumber } = value as Record<string, unknown>;
  if (typeof sequenceNumber !== 'string' || !/^\d+$/.test(sequenceNumber)) {
    throw new TypeError('expected a sequence number');
  }
  if (subSequenceNumber === undefined) return { sequenceNumber };
  return { sequenceNumber, subSequenceNumber: check(subSequenceNumber, 'number') };
}

/**
 * Compares two positions of one shard: sequence numbers as big integers, then sub-sequence
 * numbers (none stands for the whole record, after its sub-records). Negative if `a` is first.
 */
export function comparePositions(a: ShardPosition, b: ShardPosition): number {
  if (a.sequenceNumber !== b.sequenceNumber) {
    return BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1;
  }
  const left = a.subSequenceNumber ?? Number.POSITIVE_INFINITY;
  const right = b.subSequenceNumber ?? Number.POSITIVE_INFINITY;
  return left === right ? 0 : left < right ? -1 : 1;
}

function check<T extends 'string' | 'number'>(
  value: unknown,
  type: T,
): T extends 'string' ? string : number {
  if (typeof value !== type) throw new TypeError(`expected a ${type}, got ${typeof value}`);
  return value as T extends 'string' ? string : number;
}

/** The fields the counter needs from a record's data (a visit as the gateway writes it). */
function decodeVisit(
  data: Uint8Array,
): { visitId: string; url: string; timeMs: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { visitId, url, timestamp } = value as Record<string, unknown>;
  if (typeof visitId !== 'string' || typeof url !== 'string') return undefined;
  const timeMs =
    typeof timestamp === 'number'
      ? timestamp
      : typeof timestamp === 'string'
        ? Date.parse(timestamp)
        : Number.NaN;
  return { visitId, url, timeMs };
}
