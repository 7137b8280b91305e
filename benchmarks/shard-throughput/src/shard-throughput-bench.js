/**
 * The shard throughput benchmark's command line: `node src/shard-throughput-bench.js [--quick]
 * [--runs N]`. Full runs write benchmarks/results/shard-throughput.json, .md and .svg; --quick
 * prints the table only.
 */
import {
  finishRun,
  killEndpointProcessesOnExit,
  loadAverage1m,
  parseBenchArgs,
  ranBesideFromEnvironment,
  runMain,
} from '@kinesis-kit/bench-harness';
import { toChart } from './chart.js';

import { describeMeasured } from './provenance.js';
import { buildResults, toMarkdown, toTable, toVerdict } from './report.js';
import { runProtocol } from './runner.js';
import { createGroups, scenarioName } from './scenarios.js';
import { shardThroughputShapeProblems } from './shape.js';
import { SUBJECTS } from './subjects.js';

/**
 * Full runs: 1 s of warm-up, then a window of at least 3.5 s, longer where the shards take fewer
 * than 100 Kinesis records in 3.5 s at the ceiling (one record is then at most 1% of
 * limitFraction): 10 s for 100 KiB records.
 * @type {import('./runner.js').Protocol}
 */
const FULL = { warmupMs: 1000, minWindowMs: 3500, minKinesisRecordsPerShard: 100, runs: 3 };
/** @type {import('./runner.js').Protocol} */
const QUICK = { warmupMs: 300, minWindowMs: 1000, minKinesisRecordsPerShard: 0, runs: 1 };

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  killEndpointProcessesOnExit(log);
  const loadAtStart = loadAverage1m();
  const started = performance.now();
  const provenance = describeMeasured();
  const groups = createGroups(quick);
  const window =
    protocol.minKinesisRecordsPerShard > 0
      ? `a window of ≥ ${protocol.minWindowMs / 1000} s (≥ ${protocol.minKinesisRecordsPerShard} ` +
        'Kinesis records per shard at the ceiling)'
      : `a ${protocol.minWindowMs / 1000} s window`;
  log(
    `shard-throughput: ${groups.length} record size × key length × shard count groups, ` +
      `${SUBJECTS.length} subjects, ${protocol.runs} run(s) of ` +
      `${protocol.warmupMs / 1000} s warm-up + ${window} each`,
  );
  const measured = await runProtocol(groups, SUBJECTS, protocol, log);
  const results = buildResults(measured, SUBJECTS, protocol, {
    date: new Date(),
    loadAtStart,
    elapsedMs: performance.now() - started,
    provenance,
    ranBeside: ranBesideFromEnvironment(),
  });

  /** @type {Record<string, { scenarios: string[], subjects: string[] }>} */
  const families = {};
  for (const family of /** @type {const} */ (['aggregated', 'plain'])) {
    families[family] = {
      scenarios: groups
        .filter((group) => group.families.includes(family))
        .map((group) => scenarioName(family, group)),
      subjects: SUBJECTS.filter((s) => s.family === family || s.family === 'both').map(
        (s) => s.name,
      ),
    };
  }
  await finishRun({
    quick,
    results,
    printed: [toTable(results), toVerdict(results)],
    shapeProblems: () => shardThroughputShapeProblems(results, { families, runs: protocol.runs }),
    toMarkdown,
    extraFiles: (r) => ({ svg: toChart(r) }),
    log,
  });
}

runMain(main);
