/**
 * What --quick asserts, beyond the result-file shape the harness checks: one row per scenario
 * and subject (each family of scenarios has its own subjects), a positive record size, key length
 * and window, finite positive rates and latencies, limitFraction and throttled fractions in
 * range, and the ratio to baseline 2 on every other subject's row. Never a speed: CI machines
 * vary too much.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';
import { BASELINE } from './subjects.js';

/**
 * @param {import('./report.js').Results} results
 * @param {{ families: Record<string, { scenarios: string[], subjects: string[] }>,
 *   runs: number }} expected the scenarios and subjects of each family
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function shardThroughputShapeProblems(results, expected) {
  const problems = [];
  let rows = 0;
  for (const { scenarios, subjects } of Object.values(expected.families)) {
    rows += scenarios.length * subjects.length;
    const family = {
      ...results,
      scenarios: results.scenarios.filter((row) => scenarios.includes(row.name)),
    };
    problems.push(
      ...shapeProblems(family, {
        benchmark: 'shard-throughput',
        scenarios,
        subjects,
        runs: expected.runs,
        rowProblems: ({ params, metrics }, label, subject) => {
          const found = [];
          for (const key of ['recordBytes', 'partitionKeyChars', 'windowSeconds']) {
            if (!(Number(params[key]) > 0)) found.push(`${label}: params.${key}`);
          }
          const keys = [
            'userRecordsPerSec',
            'userRecordsPerSecPerShard',
            'bytesPerSecPerShard',
            'limitFraction',
          ];
          if (subject !== BASELINE) keys.push('ratioVsPutRecords');
          found.push(...positiveMetricProblems(metrics, keys, label));
          const throttled = Number(metrics.throttledFraction);
          if (!(throttled >= 0 && throttled <= 1)) {
            found.push(`${label}: metrics.throttledFraction is ${metrics.throttledFraction}`);
          }
          const latency = /** @type {{ p50?: unknown, p99?: unknown }} */ (metrics.latencyMs);
          if (
            !(
              typeof latency?.p50 === 'number' &&
              latency.p50 > 0 &&
              Number(latency.p99) >= latency.p50
            )
          ) {
            found.push(`${label}: metrics.latencyMs is not { p50 > 0, p99 ≥ p50 }`);
          }
          return found;
        },
      }),
    );
  }
  if (results.scenarios.length !== rows) {
    problems.push(`${results.scenarios.length} result rows in all, expected ${rows}`);
  }
  return problems;
}
