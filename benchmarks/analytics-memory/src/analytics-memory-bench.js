/**
 * The analytics memory run's command line:
 * `node --expose-gc src/analytics-memory-bench.js [--quick] [--duration 10m] [--rate 1000000]`.
 * Runs the COUNT query for `--duration` at a steady `--rate` of events per second, watching
 * memory. Full runs write benchmarks/results/analytics-memory.json and .md; --quick prints the
 * table and checks the shape only.
 */
import {
  finishRun,
  formatThousands,
  goalVerdict,
  loadAverage1m,
  parseMemoryRunArgs,
  runMain,
} from '@kinesis-kit/bench-harness';
import { runMemory } from './memory-run.js';
import { buildResults, toMarkdown, toTable } from './report.js';
import { analyticsMemoryShapeProblems } from './shape.js';

/** @type {import('./memory-run.js').MemoryProtocol} */
const FULL = {
  eventsPerSec: 1_000_000,
  durationMs: 600_000,
  sampleMs: 5000,
  warmupMs: 60_000,
  maxHeapMiB: 1024,
  minSamples: 20,
};
/** @type {import('./memory-run.js').MemoryProtocol} */
const QUICK = {
  eventsPerSec: 1_000_000,
  durationMs: 5000,
  sampleMs: 250,
  warmupMs: 1000,
  maxHeapMiB: 1024,
  minSamples: 2,
};

/** @param {string} line */
const log = (line) => console.log(line);

/** @returns {{ quick: boolean, protocol: import('./memory-run.js').MemoryProtocol }} */
function parseCommandLine() {
  const { quick, protocol } = parseMemoryRunArgs({
    full: FULL,
    quick: QUICK,
    rateKey: 'eventsPerSec',
  });
  // A shorter run than the default needs fewer samples: half of those it has time for.
  const samplesAfterWarmup = (protocol.durationMs - protocol.warmupMs) / protocol.sampleMs;
  protocol.minSamples = Math.max(
    2,
    Math.min(protocol.minSamples, Math.floor(samplesAfterWarmup / 2)),
  );
  return { quick, protocol };
}

async function main() {
  const { quick, protocol } = parseCommandLine();
  const loadAtStart = loadAverage1m();
  log(
    `analytics-memory: the COUNT query at ${formatThousands(protocol.eventsPerSec)} events/s ` +
      `for ${protocol.durationMs / 1000} s, memory every ${protocol.sampleMs / 1000} s`,
  );
  const memory = await runMemory(protocol, log);
  const results = buildResults({ memory, protocol, loadAtStart, date: new Date() });
  await finishRun({
    quick,
    results,
    printed: [toTable(results), goalVerdict(results)],
    shapeProblems: () => analyticsMemoryShapeProblems(results),
    toMarkdown,
    log,
  });
}

runMain(main);
