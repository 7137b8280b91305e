import {
  type Alert,
  alertSink,
  callbackSink,
  type QueryRun,
  type ResultSink,
  runQuery,
} from '@kinesis-kit/analytics';
import { type Logger, silentLogger } from '@kinesis-kit/records';
import { DEFAULTS } from './defaults.js';
import {
  hotUrlsSql,
  type VisitQueryOptions,
  type VisitRow,
  type WindowCountRow,
  windowCountsSql,
} from './queries.js';
import { VisitFeed } from './visit-feed.js';
import { type WindowCount, WindowCounts } from './window-counts.js';

/** Options of {@link VisitAnalytics}; defaults in `defaults.ts`. */
export interface VisitAnalyticsOptions {
  /** Length of a window, a whole number of seconds. @default 10000 */
  readonly windowMs?: number;
  /** Windows kept (behind the newest); also how late a visit may still change its window. @default 600000 */
  readonly windowRetentionMs?: number;
  /** How far the watermark trails the newest visit time. @default 2000 */
  readonly watermarkDelayMs?: number;
  /** The alarm: a URL with more than this many visits in one window. @default 4000 */
  readonly alertThreshold?: number;
  /** Partial counts of the windows in progress, this often. @default 1000 */
  readonly earlyResultsIntervalMs?: number;
  /** Alerts listed (newest first); older ones are only counted. @default 20 */
  readonly maxAlertsShown?: number;
  /** Visits waiting for a query at most before `feed` asks the consumer to wait. @default 50000 */
  readonly maxQueuedVisits?: number;
  /**
   * A file keeping which (window, URL) alerts were raised, so that a restart — which feeds the
   * windows in progress again — raises none twice. Without it, they are kept in memory only.
   */
  readonly alertKeysPath?: string;
  readonly logger?: Logger;
}

/** One alarm: a URL went over the threshold in a window. */
export interface VisitAlert {
  readonly url: string;
  /** Visits in the window when the alarm was raised (more than the threshold). */
  readonly visits: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** When it was raised (the window may still have been in progress). */
  readonly raisedAtMs: number;
}

/** What the queries did, in numbers. */
export interface VisitAnalyticsStats {
  /** Visits fed to the queries. */
  readonly visits: number;
  /** Alarms raised in this run. */
  readonly alertsRaised: number;
  /** Visits the window query found too late for their window (0 unless something is off). */
  readonly lateVisits: number;
  /** Rows the queries could not evaluate. */
  readonly errors: number;
  /** Why a query stopped, if one failed. */
  readonly failure: string | undefined;
}

/**
 * The demo's analytics as SQL through `@kinesis-kit/analytics`: the visits the counter counted
 * (each visitId once) feed two continuous queries — the visits per URL per tumbling window,
 * with partial counts every second for the dashboard, and the hot-URL alarm
 * (`HAVING COUNT(*) > threshold`) into an `alertSink`, which raises each (window, URL) once.
 *
 * @example
 * ```ts
 * const analytics = VisitAnalytics.start({ alertThreshold: 500 });
 * await analytics.feed([{ url: 'https://shop.example/', visit_time: Date.now() }]);
 * await analytics.stop();
 * console.log(analytics.windowsOf('https://shop.example/'), analytics.alerts());
 * ```
 */
export class VisitAnalytics {
  /** The SQL texts as they run. */
  readonly queries: { readonly windowCounts: string; readonly hotUrls: string };
  readonly windowMs: number;
  readonly alertThreshold: number;
  readonly #feed: VisitFeed;
  readonly #counts: WindowCounts;
  readonly #alerts: VisitAlert[] = [];
  readonly #maxAlertsShown: number;
  readonly #logger: Logger;
  readonly #runs: QueryRun[] = [];
  readonly #done: Promise<void>[] = [];
  #visits = 0;
  #alertsRaised = 0;
  #failure: unknown;
  #stopped: Promise<void> | undefined;

  private constructor(options: VisitAnalyticsOptions) {
    const queryOptions: VisitQueryOptions = {
      windowMs: options.windowMs ?? DEFAULTS.windowMs,
      watermarkDelayMs: options.watermarkDelayMs ?? DEFAULTS.watermarkDelayMs,
      alertThreshold: options.alertThreshold ?? DEFAULTS.alertThreshold,
    };
    this.queries = {
      windowCounts: windowCountsSql(queryOptions),
      hotUrls: hotUrlsSql(queryOptions),
    };
    this.windowMs = queryOptions.windowMs;
    this.alertThreshold = queryOptions.alertThreshold;
    this.#feed = new VisitFeed(options.maxQueuedVisits ?? DEFAULTS.maxQueuedVisits);
    const retentionMs = options.windowRetentionMs ?? DEFAULTS.windowRetentionMs;
    this.#counts = new WindowCounts({ retentionMs });
    this.#maxAlertsShown = options.maxAlertsShown ?? DEFAULTS.maxAlertsShown;
    this.#logger = options.logger ?? silentLogger;
    const common = {
      // The counter gives a window only to visits at most `windowRetentionMs` behind their
      // arrival (and a window ahead): none of them may be dropped as late.
      allowedLatenessMs: retentionMs + 2 * queryOptions.windowMs,
      earlyResultsIntervalMs: options.earlyResultsIntervalMs ?? DEFAULTS.earlyResultsIntervalMs,
    };
    this.#start(this.queries.windowCounts, common, {
      RESULT: callbackSink((outputs) => this.#counts.apply(outputs)),
    });
    this.#start(this.queries.hotUrls, common, {
      RESULT: alertSink({
        onAlert: (alert) => this.#raise(alert),
        // COUNT(*) only grows: a partial count over the threshold already is an alarm.
        onEarly: 'alert',
        ...(options.alertKeysPath === undefined ? {} : { dedupeFile: options.alertKeysPath }),
      }),
    });
  }

  /** Compiles both queries (a bad option throws here) and starts them. */
  static start(options: VisitAnalyticsOptions = {}): VisitAnalytics {
    return new VisitAnalytics(options);
  }

  #start(
    sql: string,
    options: { allowedLatenessMs: number; earlyResultsIntervalMs: number },
    sinks: Readonly<Record<string, ResultSink>>,
  ): void {
    const source = this.#feed.reader();
    const run = runQuery(sql, { source, ...options, sinks });
    this.#runs.push(run);
    this.#done.push(
      run.done.then(
        () => {},
        (error: unknown) => {
          this.#failure ??= error;
          this.#logger.error(`a query stopped: ${(error as Error)?.message ?? error}`);
          // Its reader must not hold the consumer back.
          source.close();
        },
      ),
    );
  }

  #raise(alert: Alert): void {
    const row = alert.row as unknown as WindowCountRow;
    const raised: VisitAlert = {
      url: row.url,
      visits: Number(row.visits),
      windowStartMs: row.window_start.getTime(),
      windowEndMs: row.window_end.getTime(),
      raisedAtMs: alert.firstSeenAt.getTime(),
    };
    this.#alertsRaised += 1;
    this.#alerts.unshift(raised);
    if (this.#alerts.length > this.#maxAlertsShown) this.#alerts.length = this.#maxAlertsShown;
    this.#logger.warn(
      `alarm: ${JSON.stringify(raised.url)} had more than ${this.alertThreshold} visits in the window from ${new Date(raised.windowStartMs).toISOString()}`,
    );
  }

  /**
   * Feeds counted visits to the queries. Returns a promise to wait for while a query is behind
   * by more than `maxQueuedVisits` (the consumer then reads no further).
   */
  feed(visits: readonly VisitRow[]): Promise<void> | undefined {
    if (visits.length === 0) return undefined;
    this.#visits += visits.length;
    return this.#feed.push(visits);
  }

  /** A URL's visits per window kept, oldest first (the window in progress: so far). */
  windowsOf(url: string): WindowCount[] {
    return this.#counts.windowsOf(url);
  }

  /** The window counts, as the query gave them. */
  get windowCounts(): WindowCounts {
    return this.#counts;
  }

  /** The latest alarms, newest first (at most `maxAlertsShown`). */
  alerts(): readonly VisitAlert[] {
    return this.#alerts;
  }

  stats(): VisitAnalyticsStats {
    const [windowCounts, hotUrls] = this.#runs.map((run) => run.stats());
    return {
      visits: this.#visits,
      alertsRaised: this.#alertsRaised,
      lateVisits: windowCounts?.rowsLate ?? 0,
      errors: (windowCounts?.errors ?? 0) + (hotUrls?.errors ?? 0),
      failure:
        this.#failure === undefined
          ? undefined
          : String((this.#failure as Error)?.message ?? this.#failure),
    };
  }

  /**
   * Ends the feed: the queries read what was fed, fire the windows still open (final counts,
   * last alarms) and close their sinks. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#feed.end();
      await Promise.all(this.#done);
    })();
    return this.#stopped;
  }
}
