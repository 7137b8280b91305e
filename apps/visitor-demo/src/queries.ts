/**
 * The demo's SQL, in one place: plain Flink-style SQL that `@kinesis-kit/analytics` runs
 * continuously over the visits the counter counted (each visitId once). The dashboard shows
 * these texts as they run.
 */

/** What the queries are built from; defaults in `defaults.ts`. */
export interface VisitQueryOptions {
  /** Length of a tumbling window, a whole number of seconds. */
  readonly windowMs: number;
  /** How far behind the newest visit time the watermark trails (out-of-order visits). */
  readonly watermarkDelayMs: number;
  /** The hot-URL alarm fires for a URL with more than this many visits in one window. */
  readonly alertThreshold: number;
}

/** The rows the queries read: one per counted visit, `visit_time` its own timestamp (epoch ms). */
export interface VisitRow {
  readonly url: string;
  readonly visit_time: number;
}

/** The output columns of both queries. */
export interface WindowCountRow {
  readonly window_start: Date;
  readonly window_end: Date;
  readonly url: string;
  readonly visits: number;
}

/** `INTERVAL '10' SECOND` for 10000. */
function seconds(ms: number, what: string): string {
  if (!Number.isInteger(ms / 1000) || ms <= 0) {
    throw new RangeError(`${what} must be a positive whole number of seconds, got ${ms} ms`);
  }
  return `INTERVAL '${ms / 1000}' SECOND`;
}

/** The source table: the visits, with event time `visit_time` and its watermark. */
function visitsTable(options: VisitQueryOptions): string {
  return `CREATE TABLE visits (
  url        STRING,
  visit_time TIMESTAMP(3),
  WATERMARK FOR visit_time AS visit_time - ${seconds(options.watermarkDelayMs, 'watermarkDelayMs')}
);`;
}

function windowedCount(options: VisitQueryOptions): string {
  return `SELECT window_start, window_end, url, COUNT(*) AS visits
FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(visit_time), ${seconds(options.windowMs, 'windowMs')}))
GROUP BY window_start, window_end, url`;
}

/** Visits per URL per tumbling window, by the visit's own time: the dashboard's window counts. */
export function windowCountsSql(options: VisitQueryOptions): string {
  return `${visitsTable(options)}\n\n${windowedCount(options)};`;
}

/** The alarm: URLs with more than `alertThreshold` visits in a window. */
export function hotUrlsSql(options: VisitQueryOptions): string {
  if (!Number.isSafeInteger(options.alertThreshold) || options.alertThreshold < 0) {
    throw new RangeError(
      `alertThreshold must be a whole number ≥ 0, got ${options.alertThreshold}`,
    );
  }
  return `${visitsTable(options)}\n\n${windowedCount(options)}\nHAVING COUNT(*) > ${options.alertThreshold};`;
}
