/**
 * The read benchmark's command line: `node src/read-throughput-bench.js [--quick] [--runs N]`.
 * Full runs write benchmarks/results/read-throughput.json and .md; --quick prints the table and
 * checks the results' shape.
 */
import { rm } from 'node:fs/promises';
import {
  describeMachineUnderLoad,
  finishRun,
  inRunOrder,
  killEndpointProcessesOnExit,
  loadAverage1m,
  parseBenchArgs,
  positiveMetricProblems,
  ranBesideFromEnvironment,
  runMain,
  shapeProblems,
} from '@kinesis-kit/bench-harness';
import { prepareBacklog, READ_LIMIT_BACKLOG_BYTES } from './backlog.js';
import { measureLatency, measureThroughput } from './measure.js';
import { buildResults, toMarkdown, toTable, toVerdict } from './report.js';
import { SUBJECTS } from './subjects.js';

/**
 * Full runs: a throughput window long enough for three 10 MiB GetRecords answers (one every
 * 5 s at 2 MiB/s), and 1,000 latency samples per run.
 */
const FULL = {
  warmupMs: 2000,
  latencyWarmupMs: 2000,
  throughputWindowMs: 12_000,
  latencyWindowMs: 10_000,
  ratePerSec: 100,
  backlogBytesPerShard: READ_LIMIT_BACKLOG_BYTES,
  runs: 3,
};
/** Quick runs count from the start: a 1 s window after a warm-up could fall in a read's 5 s debt. */
const QUICK = {
  warmupMs: 0,
  latencyWarmupMs: 500,
  throughputWindowMs: 1000,
  latencyWindowMs: 1000,
  ratePerSec: 50,
  backlogBytesPerShard: 4 * 1024 * 1024,
  runs: 1,
};

const SHARD_COUNTS = [1, 2];

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  killEndpointProcessesOnExit(log);
  const loadAtStart = loadAverage1m();
  const started = performance.now();
  log(
    `read-throughput: ${SHARD_COUNTS.length} throughput scenarios + 1 latency scenario, ` +
      `${SUBJECTS.length} subjects, ${protocol.runs} run(s)`,
  );
  const backlogs = [];
  for (const shardCount of SHARD_COUNTS) {
    backlogs.push({
      shardCount,
      ...(await prepareBacklog({ shardCount, bytesPerShard: protocol.backlogBytesPerShard, log })),
    });
  }
  /** @type {import('./report.js').Measured[]} */
  const measured = [];
  const rowFor = (/** @type {import('./report.js').Scenario} */ scenario, subject) => {
    let row = measured.find((m) => m.scenario === scenario && m.subject === subject);
    if (row === undefined) {
      row = { scenario, subject, perRun: [] };
      measured.push(row);
    }
    return row;
  };
  const throughputScenarios = backlogs.map((backlog) => ({
    scenario: /** @type {import('./report.js').Scenario} */ ({
      name: `throughput-${backlog.shardCount}shard${backlog.shardCount > 1 ? 's' : ''}`,
      kind: 'throughput',
      params: {
        shards: backlog.shardCount,
        recordBytes: 1024,
        limitBytesPerSecPerShard: 2 * 1024 * 1024,
      },
    }),
    backlog,
  }));
  const latencyScenario = /** @type {import('./report.js').Scenario} */ ({
    name: 'latency-1shard',
    kind: 'latency',
    params: { shards: 1, recordBytes: 100, putsPerSec: protocol.ratePerSec },
  });
  try {
    for (let run = 0; run < protocol.runs; run++) {
      for (const { scenario, backlog } of throughputScenarios) {
        for (const subject of inRunOrder(SUBJECTS, run)) {
          const result = await measureThroughput({
            subject,
            backlog,
            shardCount: backlog.shardCount,
            timing: protocol,
          });
          rowFor(scenario, subject.name).perRun.push(result);
          log(
            `run ${run + 1}/${protocol.runs} ${scenario.name} ${subject.name}: ` +
              `${Math.round(result.bytesPerSecPerShard).toLocaleString('en-US')} B/s per shard`,
          );
        }
      }
      for (const subject of inRunOrder(SUBJECTS, run)) {
        const result = await measureLatency({ subject, timing: protocol });
        rowFor(latencyScenario, subject.name).perRun.push(result);
        log(
          `run ${run + 1}/${protocol.runs} ${latencyScenario.name} ${subject.name}: ` +
            `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.missed} missed`,
        );
      }
    }
  } finally {
    for (const backlog of backlogs) await rm(backlog.dataDir, { recursive: true, force: true });
  }
  // Rows in a stable order: scenarios as listed, subjects as listed.
  const order = [...throughputScenarios.map((t) => t.scenario), latencyScenario];
  measured.sort(
    (a, b) =>
      order.indexOf(a.scenario) - order.indexOf(b.scenario) ||
      SUBJECTS.findIndex((s) => s.name === a.subject) -
        SUBJECTS.findIndex((s) => s.name === b.subject),
  );
  const results = buildResults(measured, {
    date: new Date(),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol,
    elapsedMs: performance.now() - started,
    ranBeside: ranBesideFromEnvironment(),
  });
  await finishRun({
    quick,
    results,
    printed: [toTable(results), toVerdict(results)],
    log,
    toMarkdown,
    shapeProblems: () =>
      shapeProblems(results, {
        benchmark: 'read-throughput',
        scenarios: order.map((scenario) => scenario.name),
        subjects: SUBJECTS.map((subject) => subject.name),
        runs: protocol.runs,
        rowProblems: (row, label) =>
          'limitFraction' in row.metrics
            ? positiveMetricProblems(row.metrics, ['bytesPerSecPerShard', 'limitFraction'], label)
            : positiveMetricProblems(
                /** @type {Record<string, unknown>} */ (row.metrics),
                ['samples'],
                label,
              ),
      }),
  });
}

runMain(main);
