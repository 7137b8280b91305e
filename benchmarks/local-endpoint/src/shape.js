/**
 * What --quick asserts, beyond the result-file shape the harness checks: every row has 100-byte
 * records, a finite, positive rate and latency, and every subject but the baseline its ratio to
 * kinesalite. Never a speed: CI machines vary too much.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';

/**
 * @param {import('./report.js').Results} results
 * @param {{ scenarios: string[], subjects: string[], baseline: string, runs: number }} expected
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function localEndpointShapeProblems(results, expected) {
  const { baseline, ...names } = expected;
  return shapeProblems(results, {
    benchmark: 'local-endpoint',
    ...names,
    rowProblems: ({ params, metrics }, label, subject) => {
      const problems = [];
      if (params.recordBytes !== 100) problems.push(`${label}: params.recordBytes is not 100`);
      const keys = ['recordsPerSec', 'recordsPerSecMin', 'recordsPerSecMax'];
      if (subject !== baseline) keys.push('ratioVsKinesalite');
      problems.push(...positiveMetricProblems(metrics, keys, label));
      const latency = /** @type {{ p50?: unknown }} */ (metrics.latencyMs);
      if (!(typeof latency?.p50 === 'number' && latency.p50 > 0)) {
        problems.push(`${label}: metrics.latencyMs.p50 is not a positive number`);
      }
      return problems;
    },
  });
}
