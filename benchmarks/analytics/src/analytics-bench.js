/**
 * The analytics benchmark's command line:
 * `node --expose-gc src/analytics-bench.js [--quick] [--runs N] [--duration 10m]`.
 * Checks every subject's results against the hand-written loop's (untimed), measures events/s
 * of each scenario and subject in interleaved runs, then runs the COUNT query for `--duration`
 * watching memory. Full runs write benchmarks/results/analytics.json, .md and .svg; --quick
 * prints the tables and checks the shape only.
 */
import { parseArgs } from 'node:util';
import {
  finishRun,
  formatThousands,
  loadAverage1m,
  parseBenchArgs,
  parseDuration,
  runMain,
} from '@kinesis-kit/bench-harness';
import { toChart } from './chart.js';
import { runMemory } from './memory-run.js';
import { buildResults, toMarkdown, toMemoryTable, toTable, toVerdict } from './report.js';
import { runThroughput } from './runner.js';
import { analyticsShapeProblems } from './shape.js';
import { createScenarios } from './subjects.js';
import { verifyAll } from './verify.js';
import { generateBatches, WORKLOAD } from './workloads.js';

const FULL = {
  throughput: { eventsPerPass: 3_000_000, warmupPasses: 1, runs: 5 },
  memory: {
    durationMs: 600_000,
    sampleMs: 5000,
    warmupMs: 60_000,
    maxHeapMiB: 1024,
    minSamples: 20,
  },
};
const QUICK = {
  throughput: { eventsPerPass: 300_000, warmupPasses: 0, runs: 1 },
  memory: { durationMs: 5000, sampleMs: 250, warmupMs: 1000, maxHeapMiB: 1024, minSamples: 2 },
};

/** @param {string} line */
const log = (line) => console.log(line);

/**
 * The protocol from the command line: `--duration` is ours, the rest the harness's.
 * @returns {{ quick: boolean, protocol: typeof FULL }}
 */
function parseCommandLine() {
  const { values, tokens } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      duration: { type: 'string' },
    },
    tokens: true,
  });
  const rest = tokens
    .filter((token) => token.kind === 'option' && token.name !== 'duration')
    .flatMap((token) =>
      token.kind === 'option' && token.value !== undefined
        ? [`--${token.name}`, token.value]
        : token.kind === 'option'
          ? [`--${token.name}`]
          : [],
    );
  const { quick, protocol } = parseBenchArgs({
    full: { ...FULL.throughput },
    quick: { ...QUICK.throughput },
    args: rest,
  });
  const memory = { ...(quick ? QUICK : FULL).memory };
  if (values.duration !== undefined) memory.durationMs = parseDuration(values.duration);
  memory.warmupMs = Math.min(memory.warmupMs, memory.durationMs / 5);
  return { quick, protocol: { throughput: protocol, memory } };
}

async function main() {
  const { quick, protocol } = parseCommandLine();
  const loadAtStart = loadAverage1m();
  const scenarios = createScenarios();
  const { eventsPerPass } = protocol.throughput;
  log(
    `generating ${formatThousands(eventsPerPass)} events (${formatThousands(WORKLOAD.urls)} URLs, ` +
      `${formatThousands(WORKLOAD.eventsPerSimulatedSecond)} per simulated second)...`,
  );
  let batches = generateBatches(eventsPerPass);
  log('checking every subject against the hand-written loop (untimed)...');
  const perPass = await verifyAll(scenarios, batches, log);
  log(
    `measuring: ${protocol.throughput.runs} run(s) of one pass per scenario and subject, interleaved`,
  );
  const entries = await runThroughput(scenarios, batches, protocol.throughput, log);
  // The events of the timed runs would weigh on the memory run's heap.
  batches = [];
  log(
    `memory: the COUNT query over an endless stream for ${protocol.memory.durationMs / 1000} s, ` +
      `sampled every ${protocol.memory.sampleMs / 1000} s`,
  );
  const memory = await runMemory(protocol.memory, log);
  const results = buildResults({
    entries,
    perPass,
    memory,
    protocol,
    loadAtStart,
    date: new Date(),
  });
  await finishRun({
    quick,
    results,
    printed: [toTable(results), toMemoryTable(results), toVerdict(results)],
    shapeProblems: () =>
      analyticsShapeProblems(results, { scenarios, runs: protocol.throughput.runs }),
    toMarkdown,
    extraFiles: (r) => ({ svg: toChart(r) }),
    log,
  });
}

runMain(main);
