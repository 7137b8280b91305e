/**
 * The codec benchmark's command line: `node src/codec-bench.js [--quick] [--runs N]`.
 * Full runs write benchmarks/results/codec.json and codec.md; --quick prints the table only.
 */
import { finishRun, parseBenchArgs, runMain } from '@kinesis-kit/bench-harness';
import { buildResults, toMarkdown, toTable } from './report.js';
import { runProtocol } from './runner.js';
import { createScenarios } from './scenarios.js';
import { codecShapeProblems } from './shape.js';
import { SUBJECTS } from './subjects.js';
import { verifyAll } from './verify.js';
import { createWorkloads } from './workloads.js';

/** @type {import('./runner.js').Protocol} */
const FULL = { warmupMs: 500, runMs: 1000, runs: 5 };
/** @type {import('./runner.js').Protocol} */
const QUICK = { warmupMs: 0, runMs: 200, runs: 1 };

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });

  const workloads = createWorkloads();
  log('verifying that every subject round-trips every workload (untimed)...');
  const prebuilt = verifyAll(SUBJECTS, workloads);
  const scenarios = createScenarios(SUBJECTS, workloads, prebuilt);
  runProtocol(scenarios, protocol, log);

  const results = buildResults(scenarios, protocol, new Date());
  await finishRun({
    quick,
    results,
    printed: [toTable(results)],
    shapeProblems: () =>
      codecShapeProblems(results, {
        scenarios: scenarios.map((scenario) => scenario.name),
        subjects: SUBJECTS.map((subject) => subject.name),
        runs: protocol.runs,
      }),
    toMarkdown,
    log,
  });
}

runMain(main);
