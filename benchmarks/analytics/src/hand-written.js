/**
 * The baselines: what a user would write by hand instead of SQL. A `Map` per open window (url →
 * count, or url → sum and count), the watermark of the SQL (newest event time − delay, moved
 * after each batch), a window fired when the watermark reaches its last millisecond
 * (`end - 1 <= watermark`, Flink's rule) and its rows emitted, late events counted and skipped.
 * Same input (the async iterable of batches), same output rows (TIMESTAMPs as `Date`), so the
 * SQL engine is compared with the work it must do at the least.
 */

/**
 * @typedef {import('./workloads.js').Visit} Visit
 * @typedef {{ sizeMs: number, slideMs: number, watermarkDelayMs: number }} WindowShape
 *   tumbling when `slideMs === sizeMs`
 * @typedef {(rows: Record<string, unknown>[]) => void} Emit
 * @typedef {{ rowsIn: number, rowsOut: number, rowsLate: number, maxOpenWindows: number }} LoopStats
 */

/**
 * Fires (emits, then drops) every window whose end − 1 is at or below `watermark`, oldest first.
 * @template S
 * @param {Map<number, Map<string, S>>} windows by end
 * @param {number} watermark
 * @param {number} sizeMs
 * @param {(start: number, end: number, url: string, state: S) => Record<string, unknown>} rowOf
 * @param {Emit} emit
 * @returns {number} rows emitted
 */
function fireWindows(windows, watermark, sizeMs, rowOf, emit) {
  const ends = [];
  for (const end of windows.keys()) if (end - 1 <= watermark) ends.push(end);
  ends.sort((a, b) => a - b);
  let rowsOut = 0;
  for (const end of ends) {
    const groups = /** @type {Map<string, S>} */ (windows.get(end));
    windows.delete(end);
    const start = end - sizeMs;
    /** @type {Record<string, unknown>[]} */
    const rows = [];
    for (const [url, state] of groups) rows.push(rowOf(start, end, url, state));
    rowsOut += rows.length;
    emit(rows);
  }
  return rowsOut;
}

/**
 * `COUNT(*) GROUP BY url` per tumbling window of `sizeMs`.
 * @param {AsyncIterable<Visit[]>} source
 * @param {WindowShape} shape
 * @param {Emit} emit takes the rows `{ window_start, window_end, url, visits }` of each window
 * @returns {Promise<LoopStats>}
 */
export async function tumblingCount(source, { sizeMs, watermarkDelayMs }, emit) {
  /** @type {Map<number, Map<string, number>>} */
  const windows = new Map();
  const rowOf = (
    /** @type {number} */ start,
    /** @type {number} */ end,
    /** @type {string} */ url,
    /** @type {number} */ visits,
  ) => ({ window_start: new Date(start), window_end: new Date(end), url, visits });
  let maxTs = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  const stats = { rowsIn: 0, rowsOut: 0, rowsLate: 0, maxOpenWindows: 0 };
  let lastEnd = Number.NaN;
  /** @type {Map<string, number> | undefined} */
  let last;
  for await (const batch of source) {
    for (let i = 0; i < batch.length; i++) {
      const row = /** @type {Visit} */ (batch[i]);
      const ts = row.ts;
      if (ts > maxTs) maxTs = ts;
      const end = ts - (((ts % sizeMs) + sizeMs) % sizeMs) + sizeMs;
      if (end - 1 <= watermark) {
        stats.rowsLate++;
        continue;
      }
      if (end !== lastEnd || last === undefined) {
        last = windows.get(end);
        if (last === undefined) {
          last = new Map();
          windows.set(end, last);
        }
        lastEnd = end;
      }
      last.set(row.url, (last.get(row.url) ?? 0) + 1);
    }
    stats.rowsIn += batch.length;
    if (windows.size > stats.maxOpenWindows) stats.maxOpenWindows = windows.size;
    if (maxTs - watermarkDelayMs > watermark) {
      watermark = maxTs - watermarkDelayMs;
      const before = windows.size;
      stats.rowsOut += fireWindows(windows, watermark, sizeMs, rowOf, emit);
      if (windows.size !== before) last = undefined;
    }
  }
  stats.rowsOut += fireWindows(windows, Number.POSITIVE_INFINITY, sizeMs, rowOf, emit);
  return stats;
}

/**
 * `AVG(latencyMs) GROUP BY url` per hopping window of `sizeMs` every `slideMs` (`sizeMs` a
 * multiple of `slideMs`): each event counts in `sizeMs / slideMs` windows.
 * @param {AsyncIterable<Visit[]>} source
 * @param {WindowShape} shape
 * @param {Emit} emit takes the rows `{ window_start, window_end, url, avg_latency_ms }`
 * @returns {Promise<LoopStats>}
 */
export async function hoppingAvg(source, { sizeMs, slideMs, watermarkDelayMs }, emit) {
  /** @typedef {{ sum: number, count: number }} Avg */
  /** @type {Map<number, Map<string, Avg>>} */
  const windows = new Map();
  const rowOf = (
    /** @type {number} */ start,
    /** @type {number} */ end,
    /** @type {string} */ url,
    /** @type {Avg} */ avg,
  ) => ({
    window_start: new Date(start),
    window_end: new Date(end),
    url,
    avg_latency_ms: avg.sum / avg.count,
  });
  const perRow = sizeMs / slideMs;
  let maxTs = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  const stats = { rowsIn: 0, rowsOut: 0, rowsLate: 0, maxOpenWindows: 0 };
  for await (const batch of source) {
    for (let i = 0; i < batch.length; i++) {
      const row = /** @type {Visit} */ (batch[i]);
      const ts = row.ts;
      if (ts > maxTs) maxTs = ts;
      // The latest window holding ts ends one size after the slide boundary at or before ts.
      const lastEnd = ts - (((ts % slideMs) + slideMs) % slideMs) + sizeMs;
      let counted = false;
      for (let w = 0; w < perRow; w++) {
        const end = lastEnd - w * slideMs;
        if (end - 1 <= watermark) continue;
        let groups = windows.get(end);
        if (groups === undefined) {
          groups = new Map();
          windows.set(end, groups);
        }
        const avg = groups.get(row.url);
        if (avg === undefined) groups.set(row.url, { sum: row.latencyMs, count: 1 });
        else {
          avg.sum += row.latencyMs;
          avg.count++;
        }
        counted = true;
      }
      if (!counted) stats.rowsLate++;
    }
    stats.rowsIn += batch.length;
    if (windows.size > stats.maxOpenWindows) stats.maxOpenWindows = windows.size;
    if (maxTs - watermarkDelayMs > watermark) {
      watermark = maxTs - watermarkDelayMs;
      stats.rowsOut += fireWindows(windows, watermark, sizeMs, rowOf, emit);
    }
  }
  stats.rowsOut += fireWindows(windows, Number.POSITIVE_INFINITY, sizeMs, rowOf, emit);
  return stats;
}
