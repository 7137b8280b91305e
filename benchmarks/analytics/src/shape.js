/**
 * What --quick asserts: one row per scenario and subject with the expected runs, positive
 * rates, a ratio to the hand-written loop for every SQL subject, and the goals listed. Never a speed: CI machines vary too much.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';
import { BASELINE } from './report.js';

/**
 * @param {import('./report.js').Results} results
 * @param {{ scenarios: { name: string, subjects: { name: string }[] }[], runs: number }} expected
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function analyticsShapeProblems(results, expected) {
  const problems = [];
  for (const scenario of expected.scenarios) {
    problems.push(
      ...shapeProblems(
        { ...results, scenarios: results.scenarios.filter((row) => row.name === scenario.name) },
        {
          benchmark: 'analytics',
          scenarios: [scenario.name],
          subjects: scenario.subjects.map((subject) => subject.name),
          runs: expected.runs,
          rowProblems: ({ metrics, params }, label, subject) => {
            const keys = ['eventsPerSec', 'eventsPerSecMin', 'eventsPerSecMax', 'eventsPerCpuSec'];
            if (subject !== BASELINE) keys.push('ratioVsHandWritten');
            return [
              ...positiveMetricProblems(metrics, keys, label),
              ...positiveMetricProblems(params, ['resultRowsPerPass', 'windowsPerPass'], label),
            ];
          },
        },
      ),
    );
  }
  if (results.goals.length !== 2 || results.goals.some((goal) => typeof goal.met !== 'boolean')) {
    problems.push('goals: expected 2, each with a boolean met');
  }
  return problems;
}
