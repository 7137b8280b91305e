/**
 * What --quick asserts: the results have the shape of the result file, with a finite, positive
 * rate for every scenario and subject. Never a speed: CI machines vary too much.
 */

/**
 * @param {import('./report.js').Results} results
 * @param {{ scenarios: string[], subjects: string[], runs: number }} expected
 * @returns {string[]} what is wrong (empty when the shape is right)
 */
export function shapeProblems(results, expected) {
  const problems = [];
  if (results.benchmark !== 'codec') problems.push('benchmark is not "codec"');
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
      const { metrics, runs, params } = /** @type {(typeof rows)[number]} */ (rows[0]);
      if (runs !== expected.runs)
        problems.push(`${label}: ${runs} runs, expected ${expected.runs}`);
      if (typeof params?.recordBytes !== 'number') problems.push(`${label}: no params.recordBytes`);
      const keys = ['userRecordsPerSec', 'userRecordsPerSecMin', 'userRecordsPerSecMax'];
      if (subject === expected.subjects[0]) keys.push('ratioVsBaseline');
      for (const key of keys) {
        const value = metrics[key];
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
          problems.push(`${label}: metrics.${key} is ${value}, expected a positive number`);
        }
      }
    }
  }
  if (results.scenarios.length !== expected.scenarios.length * expected.subjects.length) {
    problems.push(`${results.scenarios.length} result rows in all`);
  }
  return problems;
}
