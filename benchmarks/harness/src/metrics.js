/**
 * The metrics of a rate measured once per run, as the result file gives them: the median, the
 * min–max spread and every run; and its ratio to a baseline's rate measured in the same runs.
 */
import { round, summarize } from './stats.js';

/**
 * `{ [key]: median, [key]Min, [key]Max, relativeSpread, [key]PerRun }`, the rates rounded to
 * integers and the relative spread ((max − min) / median) to 4 decimals.
 * @param {string} key the metric's name, e.g. `userRecordsPerSec`
 * @param {number[]} perRun one rate per run
 * @returns {Record<string, number | number[]>}
 */
export function rateMetrics(key, perRun) {
  const stats = summarize(perRun);
  return {
    [key]: Math.round(stats.median),
    [`${key}Min`]: Math.round(stats.min),
    [`${key}Max`]: Math.round(stats.max),
    relativeSpread: round(stats.relativeSpread, 4),
    [`${key}PerRun`]: perRun.map(Math.round),
  };
}

/**
 * `{ [key]: median / baseline median, [key]Min, [key]Max }`, to 3 decimals; min and max are
 * the extremes of the per-run ratios (each run measures both close together, so its ratio
 * suffers least from a shared machine's noise).
 * @param {string} key the metric's name, e.g. `ratioVsBaseline`
 * @param {number[]} perRun one rate per run
 * @param {number[]} baselinePerRun the baseline's rates, in the same runs
 * @returns {Record<string, number>}
 */
export function ratioMetrics(key, perRun, baselinePerRun) {
  const pairs = perRun.map((rate, run) => rate / (baselinePerRun[run] ?? Number.NaN));
  return {
    [key]: round(summarize(perRun).median / summarize(baselinePerRun).median, 3),
    [`${key}Min`]: round(Math.min(...pairs), 3),
    [`${key}Max`]: round(Math.max(...pairs), 3),
  };
}
