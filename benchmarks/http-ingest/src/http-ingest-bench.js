/**
 * The HTTP ingest benchmark's command line: `node src/http-ingest-bench.js [--quick] [--runs N]`.
 * Full runs write benchmarks/results/http-ingest.{json,md,svg}; --quick prints the table and
 * checks the results' shape (and that every answer had the expected status), never a speed.
 */
import {
  describeMachineUnderLoad,
  finishRun,
  inRunOrder,
  killEndpointProcessesOnExit,
  loadAverage1m,
  parseBenchArgs,
  positiveMetricProblems,
  runMain,
  shapeProblems,
} from '@kinesis-kit/bench-harness';
import { measureRun } from './measure.js';
import { STREAM } from './processes.js';
import { buildResults, toChart, toMarkdown, toTable, toVerdict } from './report.js';
import { BASELINE, GATEWAY_BUFFER, SUBJECTS } from './subjects.js';
import { INVALID_FRACTION } from './workload.js';

/**
 * Full runs: 2 s of warm-up of each subject (fresh servers, JIT), then 5 slices of 2 s each,
 * each after 0.5 s of lead-in, the subjects alternating: 10 s measured per subject and run.
 */
const FULL = { warmupMs: 2000, leadInMs: 500, sliceMs: 2000, slices: 5, runs: 3, connections: 32 };
/** Quick runs: every scenario and subject for a second. */
const QUICK = { warmupMs: 300, leadInMs: 200, sliceMs: 500, slices: 2, runs: 1, connections: 32 };

const SCENARIOS = [
  { name: 'single-visit', visitsPerRequest: 1 },
  { name: 'batch-100', visitsPerRequest: 100 },
];

/** @param {string} line */
const log = (line) => console.log(line);

async function main() {
  const { quick, protocol } = parseBenchArgs({ full: FULL, quick: QUICK });
  killEndpointProcessesOnExit(log);
  const loadAtStart = loadAverage1m();
  const started = performance.now();
  const measurements = SCENARIOS.length * protocol.runs;
  // Per subject: its start, warm-up, slices and the gateway's settling after each.
  const eachSeconds =
    SUBJECTS.length *
    ((protocol.warmupMs + protocol.slices * (protocol.leadInMs + protocol.sliceMs + 300)) / 1000 +
      1);
  log(
    `http-ingest: ${SCENARIOS.length} scenarios × ${SUBJECTS.length} subjects × ` +
      `${protocol.runs} run(s), ${protocol.connections} connections, subjects alternating in ` +
      `${protocol.slices} slices of ${protocol.sliceMs / 1000} s; ` +
      `about ${Math.ceil((measurements * eachSeconds) / 60)} min`,
  );
  const scenarios = SCENARIOS.map(({ name, visitsPerRequest }) => ({
    name,
    params: {
      visitsPerRequest,
      connections: protocol.connections,
      invalidFraction: INVALID_FRACTION,
      warmupMs: protocol.warmupMs,
      leadInMs: protocol.leadInMs,
      sliceMs: protocol.sliceMs,
      slices: protocol.slices,
      gateway: { shards: STREAM.shards, endpointLimits: 'off', ...GATEWAY_BUFFER },
    },
  }));
  /** @type {import('./report.js').Measured[]} */
  const measured = scenarios.flatMap((scenario) =>
    SUBJECTS.map((subject) => ({ scenario, subject: subject.name, perRun: [] })),
  );
  let done = 0;
  for (let run = 0; run < protocol.runs; run++) {
    for (const scenario of scenarios) {
      const subjects = inRunOrder(SUBJECTS, run);
      const byName = await measureRun({
        subjects,
        visitsPerRequest: scenario.params.visitsPerRequest,
        connections: protocol.connections,
        timing: protocol,
      });
      done += 1;
      for (const subject of subjects) {
        const result = /** @type {import('./measure.js').RunResult} */ (byName.get(subject.name));
        measured
          .find((m) => m.scenario === scenario && m.subject === subject.name)
          ?.perRun.push(result);
        log(
          `[${done}/${measurements}] run ${run + 1}/${protocol.runs} ${scenario.name} ` +
            `${subject.name}: ${Math.round(result.requestsPerSec).toLocaleString('en-US')} req/s, ` +
            `p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
            `statuses ${JSON.stringify(result.tally.byStatus)}`,
        );
      }
    }
  }
  const results = buildResults(measured, {
    date: new Date(),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol,
    elapsedMs: performance.now() - started,
  });
  await finishRun({
    quick,
    results,
    printed: [toTable(results), toVerdict(results)],
    log,
    toMarkdown,
    extraFiles: (r) => ({ svg: toChart(r) }),
    shapeProblems: () =>
      shapeProblems(results, {
        benchmark: 'http-ingest',
        scenarios: SCENARIOS.map((scenario) => scenario.name),
        subjects: SUBJECTS.map((subject) => subject.name),
        runs: protocol.runs,
        rowProblems: (row, label, subject) => {
          const metrics =
            /** @type {import('./report.js').Results['scenarios'][number]['metrics']} */ (
              row.metrics
            );
          const keys = ['requestsPerSec', 'visitsPerSec'];
          if (subject !== BASELINE) keys.push('ratioVsBare');
          const problems = positiveMetricProblems(metrics, keys, label);
          const { statusCheck, latencyMs } = metrics;
          if (!statusCheck.ok) {
            problems.push(
              `${label}: ${statusCheck.validOther} valid bodies not answered 202 or 503, ` +
                `${statusCheck.invalidOther} invalid ones not answered 400`,
            );
          }
          if (metrics.errors !== 0) {
            problems.push(`${label}: ${metrics.errors} connection errors or timeouts`);
          }
          if (!(latencyMs.p99 >= latencyMs.p50 && latencyMs.p50 >= 0)) {
            problems.push(`${label}: latency p50 ${latencyMs.p50}, p99 ${latencyMs.p99}`);
          }
          return problems;
        },
      }),
  });
}

runMain(main);
