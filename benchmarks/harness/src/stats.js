/**
 * Statistics of the runs: median, extremes, relative spread, percentiles, and rounding for the
 * result file.
 */

/**
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Median, extremes and relative spread ((max - min) / median) of a set of samples.
 * @param {number[]} values
 */
export function summarize(values) {
  const middle = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: middle, min, max, relativeSpread: middle > 0 ? (max - min) / middle : 0 };
}

/**
 * The `fraction` percentile (0–1) of `values`, nearest-rank; NaN when there are none.
 * @param {number[]} values
 * @param {number} fraction
 */
export function percentile(values, fraction) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return /** @type {number} */ (sorted[rank]);
}

/**
 * `value` rounded to `digits` decimals.
 * @param {number} value
 * @param {number} digits
 */
export function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
