/**
 * What --quick asserts: the result file's shape with the run's one row, its samples, events and
 * rates positive, and the goal listed. Never a speed or a memory verdict: CI machines vary too
 * much, and a few seconds show no trend.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';
import { SCENARIO, SUBJECT } from './report.js';

/**
 * @param {import('./report.js').Results} results
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function analyticsMemoryShapeProblems(results) {
  const problems = shapeProblems(results, {
    benchmark: 'analytics-memory',
    scenarios: [SCENARIO],
    subjects: [SUBJECT],
    runs: 1,
    rowProblems: ({ metrics, params }, label) => [
      ...positiveMetricProblems(
        metrics,
        ['samples', 'events', 'resultRows', 'eventsPerSec', 'cpuPerWall'],
        label,
      ),
      ...positiveMetricProblems(params, ['targetEventsPerSec', 'durationSeconds'], label),
    ],
  });
  if (results.goals.length !== 1 || typeof results.goals[0]?.met !== 'boolean') {
    problems.push('goals: expected 1, with a boolean met');
  }
  return problems;
}
