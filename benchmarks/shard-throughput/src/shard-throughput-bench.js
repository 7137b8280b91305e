/**
 * The shard throughput benchmark's command line: `node src/shard-throughput-bench.js [--quick]
 * [--runs N]`. Full runs write benchmarks/results/shard-throughput.json, .md and .svg; --quick
 * prints the table only.
 */
import { finishRun, loadAverage1m, parseBenchArgs, runMain } from '@kinesis-kit/bench-harness';
import { toChart } from './chart.js';
import { killEndpointsOnExit } from './endpoint.js';
import { describeMeasured } from './provenance.js';
import { buildResults, toMarkdown, toTable, toVerdict } from './report.js';
import { runProtocol } from './runner.js';
import { createGroups, scenarioName } from './scenarios.js';
import { shardThroughputShapeProblems } from './shape.js';
import { SUBJECTS } from './subjects.js';

/** @type {import('./runner.js').Protocol} */
const FULL = { warmupMs: 1000, windowMs: 3500, runs: 3 };
/** @type {import('./runner.js').Protocol} */
const QUICK = { warmupMs: 300, windowMs: 1000, runs: 1 };

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  killEndpointsOnExit(log);
  const loadAtStart = loadAverage1m();
  const started = performance.now();
  const provenance = describeMeasured();
  const groups = createGroups(quick);
  log(
    `shard-throughput: ${groups.length} record size × shard count groups, ` +
      `${SUBJECTS.length} subjects, ${protocol.runs} run(s) of ` +
      `${protocol.warmupMs / 1000} s warm-up + ${protocol.windowMs / 1000} s window each`,
  );
  const measured = await runProtocol(groups, SUBJECTS, protocol, log);
  const results = buildResults(measured, SUBJECTS, protocol, {
    date: new Date(),
    loadAtStart,
    elapsedMs: performance.now() - started,
    provenance,
  });

  log('');
  log(toTable(results));
  log('');
  log(toVerdict(results));
  /** @type {Record<string, { scenarios: string[], subjects: string[] }>} */
  const families = {};
  for (const family of /** @type {const} */ (['aggregated', 'plain'])) {
    families[family] = {
      scenarios: groups.map((group) => scenarioName(family, group)),
      subjects: SUBJECTS.filter((s) => s.family === family || s.family === 'both').map(
        (s) => s.name,
      ),
    };
  }
  await finishRun({
    quick,
    results,
    shapeProblems: () => shardThroughputShapeProblems(results, { families, runs: protocol.runs }),
    toMarkdown,
    extraFiles: (r) => ({ svg: toChart(r) }),
    log,
  });
}

runMain(main);
