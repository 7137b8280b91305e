/**
 * What --quick asserts: the results have the shape of the result file, with one row per
 * scenario and subject. Never a speed: CI machines vary too much.
 */

/**
 * @typedef {import('./results.js').ResultFile} ResultFile
 * @typedef {import('./results.js').ResultRow} ResultRow
 * @typedef {object} ExpectedShape
 * @property {string} benchmark
 * @property {string[]} scenarios every scenario's name
 * @property {string[]} subjects every subject's name
 * @property {number} runs measured runs per scenario and subject
 * @property {(row: ResultRow, label: string, subject: string) => string[]} rowProblems the
 *   benchmark's own checks of one row (params, metrics); `label` is `scenario / subject`
 */

/**
 * @param {ResultFile} results
 * @param {ExpectedShape} expected
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function shapeProblems(results, expected) {
  const problems = [];
  if (results.benchmark !== expected.benchmark) {
    problems.push(`benchmark is not "${expected.benchmark}"`);
  }
  if (Number.isNaN(Date.parse(results.date))) problems.push('date is not a date');
  const { cpu, cores, node } = results.machine;
  if (!cpu || !(cores > 0) || !node) problems.push('machine lacks cpu, cores or node');
  for (const name of expected.scenarios) {
    for (const subject of expected.subjects) {
      const label = `${name} / ${subject}`;
      const rows = results.scenarios.filter((s) => s.name === name && s.subject === subject);
      if (rows.length !== 1) {
        problems.push(`${label}: ${rows.length} result rows, expected 1`);
        continue;
      }
      const row = /** @type {ResultRow} */ (rows[0]);
      if (row.runs !== expected.runs) {
        problems.push(`${label}: ${row.runs} runs, expected ${expected.runs}`);
      }
      problems.push(...expected.rowProblems(row, label, subject));
    }
  }
  if (results.scenarios.length !== expected.scenarios.length * expected.subjects.length) {
    problems.push(`${results.scenarios.length} result rows in all`);
  }
  return problems;
}

/**
 * One problem for each of `keys` that is not a finite, positive number in `metrics`.
 * @param {Record<string, unknown>} metrics
 * @param {string[]} keys
 * @param {string} label for the messages
 * @returns {string[]}
 */
export function positiveMetricProblems(metrics, keys, label) {
  const problems = [];
  for (const key of keys) {
    const value = metrics[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push(`${label}: metrics.${key} is ${value}, expected a positive number`);
    }
  }
  return problems;
}
