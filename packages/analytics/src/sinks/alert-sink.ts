import type { QueryOutput } from '../engine/query-output.js';
import { InvalidOptionError } from '../errors.js';
import { DedupeFile } from './dedupe-file.js';
import { RememberedKeys } from './remembered-keys.js';
import type { ResultSink } from './result-sink.js';
import { SinkFailedError } from './sink-errors.js';
import { SinkLifecycle } from './sink-lifecycle.js';
import {
  choiceOption,
  describeValue,
  durationOption,
  integerOption,
  requireFunction,
  requireOptions,
} from './sink-options.js';

/** One alert: a row of an alert query, raised once per output key. */
export interface Alert {
  /** The output's key: the (window, group) the alert is about. */
  readonly key: string;
  /** The output stream the row came from. */
  readonly stream: string;
  /** The row as first seen (later revisions of the same key raise nothing). */
  readonly row: Readonly<Record<string, unknown>>;
  /** When this sink first saw the key, i.e. when the alert was raised. */
  readonly firstSeenAt: Date;
}

/** Options of {@link alertSink}. */
export interface AlertSinkOptions {
  /**
   * Raises an alert (page, post to a chat, write a ticket). Alerts of one write are raised one
   * after another, each awaited. When it throws or rejects, the key is not remembered (a retry
   * or replay raises it again) and `write` rejects with a `SinkFailedError` listing those
   * outputs, after raising the others.
   */
  readonly onAlert: (alert: Alert) => void | Promise<void>;
  /**
   * What an `early` (partial window) output does: `'ignore'` — a partial count crossing a
   * threshold is not yet a final result; `'alert'` — raise at once, for alarms that must not
   * wait for the window to close (the final result of that key then raises nothing).
   * `insert` and `update` outputs always raise; `retract` outputs (a session's withdrawn
   * bounds) never do.
   * @default 'ignore'
   */
  readonly onEarly?: 'ignore' | 'alert';
  /**
   * Keys remembered for de-duplication; past it the oldest is forgotten, so a key emitted again
   * after this many newer keys raises again.
   * @default 100000
   */
  readonly maxRememberedKeys?: number;
  /**
   * How long a key is remembered, from its first alert: long enough to cover allowed lateness
   * and a replay after a restart. `Infinity`: until evicted by `maxRememberedKeys`.
   * @default 86400000 (one day)
   */
  readonly rememberKeysMs?: number;
  /**
   * A file that keeps the remembered keys across restarts: append-only lines, rewritten from
   * memory once twice `maxRememberedKeys` long (so at most about twice that many lines). It is
   * read on the first write. Without it, keys live in memory only. One sink per file at a time.
   * A key is written after `onAlert` returns: a process killed in between raises that alert
   * again after the restart (an alert is repeated rather than lost).
   */
  readonly dedupeFile?: string;
  /** Where `firstSeenAt` and key expiry come from. @default Date */
  readonly clock?: { now(): number };
}

/** Defaults of {@link AlertSinkOptions}. */
export const ALERT_SINK_DEFAULTS = {
  onEarly: 'ignore',
  maxRememberedKeys: 100_000,
  rememberKeysMs: 86_400_000,
} as const;

const MAX_REMEMBERED_KEYS = 10_000_000;

/**
 * A sink for a query whose rows are alerts (e.g. `HAVING COUNT(*) > 1000`): raises each alert
 * once per output key — that is, once per (window, group) — even when the key is emitted again
 * (an `update` with a higher revision, or the same window replayed after a restart when
 * `dedupeFile` is set). Remembered keys are bounded by count and age. One sink per output
 * stream: keys of different streams are not told apart.
 *
 * @example
 * ```ts
 * const alarms = alertSink({
 *   onAlert: ({ row, firstSeenAt }) => console.warn(`hot url ${row.url} at ${firstSeenAt.toISOString()}`),
 *   dedupeFile: '/var/lib/app/alerts.keys',
 * });
 * runQuery(sql, { source, sinks: { HOT_URLS: alarms } });
 * ```
 */
export function alertSink(options: AlertSinkOptions): ResultSink & AsyncDisposable {
  requireOptions(options, 'alertSink');
  requireFunction('onAlert', options.onAlert);
  const onEarly = choiceOption(
    'onEarly',
    options.onEarly,
    ['ignore', 'alert'],
    ALERT_SINK_DEFAULTS.onEarly,
  );
  const maxKeys = integerOption(
    'maxRememberedKeys',
    options.maxRememberedKeys,
    ALERT_SINK_DEFAULTS.maxRememberedKeys,
    1,
    MAX_REMEMBERED_KEYS,
  );
  const ttlMs = durationOption(
    'rememberKeysMs',
    options.rememberKeysMs,
    ALERT_SINK_DEFAULTS.rememberKeysMs,
  );
  const { dedupeFile, clock } = options;
  if (dedupeFile !== undefined && (typeof dedupeFile !== 'string' || dedupeFile === '')) {
    throw new InvalidOptionError(
      'dedupeFile',
      `must be a file path, got ${describeValue(dedupeFile)}`,
    );
  }
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new InvalidOptionError(
      'clock',
      `must be an object with now(): number, got ${describeValue(clock)}`,
    );
  }
  return new AlertSink(
    options.onAlert,
    onEarly === 'alert',
    new RememberedKeys(maxKeys, ttlMs),
    maxKeys,
    dedupeFile === undefined ? undefined : new DedupeFile(dedupeFile),
    clock ?? Date,
  );
}

class AlertSink implements ResultSink, AsyncDisposable {
  readonly #onAlert: (alert: Alert) => void | Promise<void>;
  readonly #alertOnEarly: boolean;
  readonly #keys: RememberedKeys;
  readonly #maxKeys: number;
  readonly #file: DedupeFile | undefined;
  readonly #clock: { now(): number };
  readonly #lifecycle = new SinkLifecycle('alertSink');
  #loaded: Promise<void> | undefined;
  /** Writes run one at a time: each must see the keys the previous one remembered. */
  #tail: Promise<void> = Promise.resolve();

  constructor(
    onAlert: (alert: Alert) => void | Promise<void>,
    alertOnEarly: boolean,
    keys: RememberedKeys,
    maxKeys: number,
    file: DedupeFile | undefined,
    clock: { now(): number },
  ) {
    this.#onAlert = onAlert;
    this.#alertOnEarly = alertOnEarly;
    this.#keys = keys;
    this.#maxKeys = maxKeys;
    this.#file = file;
    this.#clock = clock;
  }

  write(outputs: readonly QueryOutput[]): Promise<void> {
    return this.#lifecycle.write(() => {
      const run = () => this.#raise(outputs);
      const written = this.#tail.then(run, run);
      this.#tail = written.catch(() => {});
      return written;
    });
  }

  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #raise(outputs: readonly QueryOutput[]): Promise<void> {
    try {
      await this.#load();
    } catch (error) {
      throw new SinkFailedError(
        'alertSink',
        outputs,
        outputs.map(() => error),
      );
    }
    const nowMs = this.#clock.now();
    const raised: [string, number][] = [];
    const raisedOutputs: QueryOutput[] = [];
    const failed: QueryOutput[] = [];
    const errors: unknown[] = [];
    for (const output of outputs) {
      // A withdrawn row is no new condition: the result that replaces it alerts (or not) itself.
      if (output.kind === 'retract') continue;
      if (output.kind === 'early' && !this.#alertOnEarly) continue;
      const { key } = output;
      if (this.#keys.has(key, nowMs)) continue;
      // Remembered before the call, so that the same key later in this batch raises nothing.
      this.#keys.add(key, nowMs, nowMs);
      try {
        const pending = this.#onAlert({
          key,
          stream: output.stream,
          row: output.row,
          firstSeenAt: new Date(nowMs),
        });
        if (pending !== undefined) await pending;
        raised.push([key, nowMs]);
        raisedOutputs.push(output);
      } catch (error) {
        this.#keys.delete(key);
        failed.push(output);
        errors.push(error);
      }
    }
    if (raised.length > 0 && this.#file) {
      try {
        await this.#persist(this.#file, raised);
      } catch (error) {
        // Raised but not kept: a replay would raise them again, which the caller must know.
        failed.push(...raisedOutputs);
        errors.push(...raisedOutputs.map(() => error));
      }
    }
    if (failed.length > 0) throw new SinkFailedError('alertSink', failed, errors);
  }

  async #persist(file: DedupeFile, raised: readonly [string, number][]): Promise<void> {
    await file.append(raised);
    if (file.lines > 2 * this.#maxKeys) await file.compact(this.#keys.entries());
  }

  #load(): Promise<void> {
    const file = this.#file;
    if (!file) return Promise.resolve();
    this.#loaded ??= (async () => {
      const { entries, damaged } = await file.load();
      const nowMs = this.#clock.now();
      // Oldest first, as written: expired and surplus entries fall off the front.
      for (const [key, firstSeenMs] of entries) this.#keys.add(key, firstSeenMs, nowMs);
      if (damaged || file.lines > 2 * this.#maxKeys) await file.compact(this.#keys.entries());
    })();
    // A failed read is tried again by the next write rather than failing every write.
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    return this.#loaded;
  }
}
