/**
 * What --quick asserts, beyond the result-file shape the harness checks: every row has its
 * record size and a finite, positive rate, and ours its ratio to the baseline. Never a speed:
 * CI machines vary too much.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';

/**
 * @param {import('./report.js').Results} results
 * @param {{ scenarios: string[], subjects: string[], runs: number }} expected
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function codecShapeProblems(results, expected) {
  return shapeProblems(results, {
    benchmark: 'codec',
    ...expected,
    rowProblems: ({ params, metrics }, label, subject) => {
      const problems = [];
      if (typeof params?.recordBytes !== 'number') problems.push(`${label}: no params.recordBytes`);
      const keys = ['userRecordsPerSec', 'userRecordsPerSecMin', 'userRecordsPerSecMax'];
      if (subject === expected.subjects[0]) keys.push('ratioVsBaseline');
      problems.push(...positiveMetricProblems(metrics, keys, label));
      return problems;
    },
  });
}
