/**
 * Is memory flat? Over the samples after the warm-up: the least-squares slope (MiB per minute)
 * and the growth from the first fifth to the last fifth (medians, so one GC pause does not
 * decide).
 */
import { median } from './stats.js';

/**
 * @param {{ t: number, value: number }[]} samples `t` in seconds
 * @returns {{ slopePerMinute: number, growthFraction: number, first: number, last: number, max: number }}
 */
export function trendOf(samples) {
  const n = samples.length;
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanV = samples.reduce((sum, s) => sum + s.value, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const sample of samples) {
    numerator += (sample.t - meanT) * (sample.value - meanV);
    denominator += (sample.t - meanT) ** 2;
  }
  const fifth = Math.max(1, Math.floor(n / 5));
  const first = median(samples.slice(0, fifth).map((s) => s.value));
  const last = median(samples.slice(-fifth).map((s) => s.value));
  return {
    slopePerMinute: denominator > 0 ? (numerator / denominator) * 60 : 0,
    growthFraction: first > 0 ? (last - first) / first : 0,
    first,
    last,
    max: Math.max(...samples.map((s) => s.value)),
  };
}

/**
 * A duration from the command line: `10m`, `90s`, `600000` (ms).
 * @param {string} text
 * @param {string} [flag] named in the error
 * @returns {number} milliseconds
 */
export function parseDuration(text, flag = '--duration') {
  const match = /^(\d+)(ms|s|m)?$/.exec(text);
  if (!match) {
    throw new Error(`${flag} must look like 10m, 90s or 600000, got ${JSON.stringify(text)}`);
  }
  const value = Number(match[1]);
  return match[2] === 'm' ? value * 60_000 : match[2] === 's' ? value * 1000 : value;
}
