/**
 * The codec benchmark's command line: `node src/codec-bench.js [--quick] [--runs N]`.
 * Full runs write benchmarks/results/codec.json and codec.md; --quick prints the table only.
 */
import { parseArgs } from 'node:util';
import { buildResults, toTable, writeResults } from './report.js';
import { runProtocol } from './runner.js';
import { createScenarios } from './scenarios.js';
import { shapeProblems } from './shape.js';
import { SUBJECTS } from './subjects.js';
import { verifyAll } from './verify.js';
import { createWorkloads } from './workloads.js';

const FULL = { warmupMs: 500, runMs: 1000, runs: 5 };
const QUICK = { warmupMs: 0, runMs: 200, runs: 1 };

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } },
  });
  const protocol = { ...(values.quick ? QUICK : FULL) };
  if (values.runs !== undefined) protocol.runs = Number(values.runs);
  if (!values.quick && !(Number.isInteger(protocol.runs) && protocol.runs >= 3)) {
    throw new Error(`--runs must be an integer of at least 3, got ${values.runs}`);
  }

  const workloads = createWorkloads();
  log('verifying that every subject round-trips every workload (untimed)...');
  const prebuilt = verifyAll(SUBJECTS, workloads);
  const scenarios = createScenarios(SUBJECTS, workloads, prebuilt);
  runProtocol(scenarios, protocol, log);

  const results = buildResults(scenarios, protocol, new Date());
  log('');
  log(toTable(results));
  if (values.quick) {
    const problems = shapeProblems(results, {
      scenarios: scenarios.map((scenario) => scenario.name),
      subjects: SUBJECTS.map((subject) => subject.name),
      runs: protocol.runs,
    });
    if (problems.length > 0)
      throw new Error(`results have the wrong shape:\n${problems.join('\n')}`);
    log('\nquick run: results have the expected shape (no files written)');
    return;
  }
  for (const path of await writeResults(results)) log(`wrote ${path}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
