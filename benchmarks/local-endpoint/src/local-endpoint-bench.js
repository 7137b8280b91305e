/**
 * The local endpoint benchmark's command line: `node src/local-endpoint-bench.js [--quick]
 * [--runs N]`. Full runs write benchmarks/results/local-endpoint.json and local-endpoint.md;
 * --quick prints the table only.
 */
import { finishRun, loadAverage1m, parseBenchArgs, runMain } from '@kinesis-kit/bench-harness';
import { cleanUp, installCleanup } from './cleanup.js';
import { buildResults, toMarkdown, toTable, toVerdict } from './report.js';
import { runProtocol } from './runner.js';
import { createScenarios } from './scenarios.js';
import { StartTimeout, startSubject, stopSubject } from './servers.js';
import { localEndpointShapeProblems } from './shape.js';
import { BASELINE, SUBJECTS } from './subjects.js';
import { createBatches } from './workload.js';

/** @type {import('./runner.js').Protocol} */
const FULL = {
  warmup: { writeMs: 1000, readRecords: 20_000, readMs: 1000 },
  budget: { writeMs: 3000, readRecords: 100_000, readMs: 2000 },
  runs: 3,
};
/** @type {import('./runner.js').Protocol} */
const QUICK = {
  warmup: null,
  budget: { writeMs: 1000, readRecords: 5000, readMs: 1000 },
  runs: 1,
};

/** In --quick runs, a subject that is not ready by then is left out (see `optionalInQuick`). */
const QUICK_START_TIMEOUT_MS = 20_000;

/** @param {string} line */
const log = (line) => console.log(line);

/**
 * Starts every subject in turn. In --quick runs, a subject marked `optionalInQuick` that is
 * slow to start is left out rather than failing the run; one that fails otherwise still fails it.
 * @param {boolean} quick
 * @param {import('./servers.js').Running[]} running filled as subjects start
 */
async function startAll(quick, running) {
  for (const subject of SUBJECTS) {
    const optional = quick && subject.optionalInQuick;
    const timeoutMs = optional ? QUICK_START_TIMEOUT_MS : subject.startTimeoutMs;
    log(`starting ${subject.name}: ${subject.library}, ${subject.storage}, ${subject.transport}`);
    try {
      const started = await startSubject(subject, timeoutMs);
      running.push(started);
      log(`  ready in ${Math.round(started.startMs)} ms at ${started.endpoint}`);
    } catch (error) {
      if (!(optional && error instanceof StartTimeout)) throw error;
      log(`  not ready within ${timeoutMs} ms: left out of this quick run (${error.message})`);
    }
  }
}

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  installCleanup(log);
  const loadAtStart = loadAverage1m();

  /** @type {import('./servers.js').Running[]} */
  const running = [];
  const scenarios = createScenarios(createBatches());
  let results;
  try {
    await startAll(quick, running);
    const measured = await runProtocol(scenarios, running, protocol, log);
    results = buildResults(measured, protocol, new Date(), loadAtStart);
    log('\nstopping the servers');
  } finally {
    await Promise.all(running.map(stopSubject));
    await cleanUp();
  }

  await finishRun({
    quick,
    results,
    printed: [toTable(results), toVerdict(results)],
    shapeProblems: () =>
      localEndpointShapeProblems(results, {
        scenarios: scenarios.map((scenario) => scenario.name),
        subjects: running.map((started) => started.subject.name),
        baseline: BASELINE,
        runs: protocol.runs,
      }),
    toMarkdown,
    log,
  });
}

runMain(main);
