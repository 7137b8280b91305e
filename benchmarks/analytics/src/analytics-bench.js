/**
 * The analytics benchmark's command line:
 * `node --expose-gc src/analytics-bench.js [--quick] [--runs N]`.
 * Checks every subject's results against the hand-written loop's (untimed), then measures
 * events/s of each scenario and subject in interleaved runs. (Memory over a long run is the
 * analytics-memory benchmark's.) Full runs write benchmarks/results/analytics.json, .md and
 * .svg; --quick prints the table and checks the shape only.
 */
import {
  finishRun,
  formatThousands,
  goalVerdict,
  loadAverage1m,
  parseBenchArgs,
  runMain,
} from '@kinesis-kit/bench-harness';
import { toChart } from './chart.js';
import { buildResults, toMarkdown, toTable } from './report.js';
import { runThroughput } from './runner.js';
import { analyticsShapeProblems } from './shape.js';
import { createScenarios } from './subjects.js';
import { verifyAll } from './verify.js';
import { generateBatches, WORKLOAD } from './workloads.js';

const FULL = { eventsPerPass: 3_000_000, warmupPasses: 1, runs: 5 };
const QUICK = { eventsPerPass: 300_000, warmupPasses: 0, runs: 1 };

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  const loadAtStart = loadAverage1m();
  const scenarios = createScenarios();
  const { eventsPerPass } = protocol;
  log(
    `generating ${formatThousands(eventsPerPass)} events (${formatThousands(WORKLOAD.urls)} URLs, ` +
      `${formatThousands(WORKLOAD.eventsPerSimulatedSecond)} per simulated second)...`,
  );
  const batches = generateBatches(eventsPerPass);
  log('checking every subject against the hand-written loop (untimed)...');
  const perPass = await verifyAll(scenarios, batches, log);
  log(`measuring: ${protocol.runs} run(s) of one pass per scenario and subject, interleaved`);
  const entries = await runThroughput(scenarios, batches, protocol, log);
  const results = buildResults({
    entries,
    perPass,
    protocol,
    loadAtStart,
    date: new Date(),
  });
  await finishRun({
    quick,
    results,
    printed: [toTable(results), goalVerdict(results)],
    shapeProblems: () => analyticsShapeProblems(results, { scenarios, runs: protocol.runs }),
    toMarkdown,
    extraFiles: (r) => ({ svg: toChart(r) }),
    log,
  });
}

runMain(main);
