/**
 * What --quick asserts: one row per scenario and subject with the expected runs, positive
 * rates, a ratio to the hand-written loop for every SQL subject, the memory run's samples, and
 * the goals listed. Never a speed: CI machines vary too much.
 */
import { positiveMetricProblems, shapeProblems } from '@kinesis-kit/bench-harness';
import { BASELINE, MEMORY_SCENARIO } from './report.js';

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
  const memory = results.scenarios.filter((row) => row.name === MEMORY_SCENARIO);
  if (memory.length !== 1) problems.push(`${memory.length} memory rows, expected 1`);
  for (const row of memory) {
    problems.push(
      ...positiveMetricProblems(
        row.metrics,
        ['samples', 'events', 'resultRows', 'eventsPerSec'],
        `${row.name} / ${row.subject}`,
      ),
    );
  }
  if (results.goals.length !== 3 || results.goals.some((goal) => typeof goal.met !== 'boolean')) {
    problems.push('goals: expected 3, each with a boolean met');
  }
  return problems;
}
