/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md) with the issue's
 * goals, its Markdown tables and report. (Writing the files is the harness's.)
 */
import {
  describeMachineUnderLoad,
  formatCompact,
  formatRatio,
  formatSpread,
  formatThousands,
  goalVerdict,
  machineSummary,
  markdownTable,
  median,
  rateMetrics,
  ratioMetrics,
  resultDate,
  round,
} from '@kinesis-kit/bench-harness';
import { WORKLOAD } from './workloads.js';

/**
 * @typedef {import('./runner.js').Entry} Entry
 * @typedef {import('./runner.js').ThroughputProtocol} ThroughputProtocol
 * @typedef {Record<string, Record<string, { resultRows: number, windows: number, lateEvents: number }>>} PerPass
 * @typedef {{ name: string, subject: string, params: Record<string, any>, metrics: Record<string, any>, runs: number }} Row
 *   one row of the result file
 */

/** The goals. */
export const GOALS = {
  countEventsPerSec: 1_000_000,
  ratioVsHandWritten: 0.5,
};

/** The subject every SQL subject is compared with. */
export const BASELINE = 'hand-written';

/** The scenario the events/s goal is set for, and its subject. */
const COUNT_SCENARIO = 'tumble-10s-count';
const COUNT_SUBJECT = 'flink-sql';

/**
 * @param {object} run
 * @param {Entry[]} run.entries
 * @param {PerPass} run.perPass
 * @param {ThroughputProtocol} run.protocol
 * @param {number} run.loadAtStart
 * @param {Date} run.date
 */
export function buildResults({ entries, perPass, protocol, loadAtStart, date }) {
  /** @type {Row[]} */
  const scenarios = entries.map(({ scenario, subject, runs }) => {
    const rates = runs.map((m) => m.eventsPerSec);
    const cpuRates = runs.map((m) => m.eventsPerCpuSec);
    const baseline = entries.find(
      (entry) => entry.scenario === scenario && entry.subject.name === BASELINE,
    );
    /** @type {Record<string, unknown>} */
    const metrics = {
      ...rateMetrics('eventsPerSec', rates),
      eventsPerCpuSec: Math.round(median(cpuRates)),
      eventsPerCpuSecPerRun: cpuRates.map(Math.round),
      cpuPerWall: round(median(runs.map((m) => m.cpuPerWall)), 2),
    };
    if (baseline && baseline.subject !== subject) {
      Object.assign(
        metrics,
        ratioMetrics(
          'ratioVsHandWritten',
          rates,
          baseline.runs.map((m) => m.eventsPerSec),
        ),
        {
          ratioVsHandWrittenCpu: round(
            median(cpuRates) / median(baseline.runs.map((m) => m.eventsPerCpuSec)),
            3,
          ),
        },
      );
    }
    const pass = perPass[scenario.name]?.[subject.name];
    return {
      name: scenario.name,
      subject: subject.name,
      params: {
        window: scenario.window,
        watermarkDelayMs: subject.watermarkDelayMs,
        eventsPerPass: protocol.eventsPerPass,
        resultRowsPerPass: pass?.resultRows,
        windowsPerPass: pass?.windows,
        lateEventsPerPass: pass?.lateEvents,
        ...(subject.sql === undefined ? {} : { sql: subject.sql }),
      },
      metrics,
      runs: runs.length,
    };
  });
  const results = {
    benchmark: 'analytics',
    date: resultDate(date),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol: {
      ...protocol,
      order: 'interleaved, subject order alternating per run; one pass over the events per run',
    },
    workload: WORKLOAD,
    goals: /** @type {{ goal: string, met: boolean, detail: string[] }[]} */ ([]),
    scenarios,
  };
  results.goals = goalsOf(results);
  return results;
}

/** @typedef {ReturnType<typeof buildResults>} Results */

/** @param {number} value */
const perSec = (value) => `${formatThousands(value)} events/s`;

/**
 * The goals, judged: `{ goal, met, detail }` (the summary table shows them).
 * @param {{ scenarios: Row[] }} results
 */
export function goalsOf(results) {
  const count = results.scenarios.filter(
    (row) => row.name === COUNT_SCENARIO && row.subject !== BASELINE,
  );
  const judged = count.find((row) => row.subject === COUNT_SUBJECT);
  const sqlRows = results.scenarios.filter((row) => row.subject !== BASELINE);
  const rate = (/** @type {Row} */ row) => Number(row.metrics.eventsPerSec);
  return [
    {
      goal: `the tumbling 10 s COUNT(*) GROUP BY url query (Flink SQL) at ≥ ${formatThousands(GOALS.countEventsPerSec)} events/s on one core`,
      met: judged !== undefined && rate(judged) >= GOALS.countEventsPerSec,
      detail: count.map(
        (row) =>
          `${row.subject} ${perSec(rate(row))} (runs ${formatCompact(Number(row.metrics.eventsPerSecMin))}–${formatCompact(Number(row.metrics.eventsPerSecMax))}; ${formatThousands(Number(row.metrics.eventsPerCpuSec))} per CPU-second, CPU/wall ${row.metrics.cpuPerWall})`,
      ),
    },
    {
      goal: `every query at ≥ ${GOALS.ratioVsHandWritten}× the events/s of a hand-written Map loop computing the same results`,
      met:
        sqlRows.length > 0 &&
        sqlRows.every((row) => Number(row.metrics.ratioVsHandWritten) >= GOALS.ratioVsHandWritten),
      detail: sqlRows.map(
        (row) =>
          `${row.name} ${row.subject} ${formatRatio(Number(row.metrics.ratioVsHandWritten), Number(row.metrics.ratioVsHandWrittenMin), Number(row.metrics.ratioVsHandWrittenMax))}`,
      ),
    },
  ];
}

/**
 * The throughput table: one row per scenario and subject.
 * @param {Results} results
 */
export function toTable(results) {
  const rows = results.scenarios.map(({ name, subject, metrics: m, params }) => [
    name,
    subject,
    formatThousands(Number(m.eventsPerSec)),
    formatSpread(Number(m.eventsPerSecMin), Number(m.eventsPerSecMax), Number(m.relativeSpread)),
    formatThousands(Number(m.eventsPerCpuSec)),
    String(m.cpuPerWall),
    m.ratioVsHandWritten === undefined
      ? 'baseline'
      : formatRatio(
          Number(m.ratioVsHandWritten),
          Number(m.ratioVsHandWrittenMin),
          Number(m.ratioVsHandWrittenMax),
        ),
    m.ratioVsHandWrittenCpu === undefined ? '–' : `${Number(m.ratioVsHandWrittenCpu).toFixed(2)}×`,
    `${formatThousands(Number(params.resultRowsPerPass))} / ${params.windowsPerPass}`,
  ]);
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'events/s', align: 'right' },
      { title: 'spread', align: 'right' },
      { title: 'per CPU-s', align: 'right' },
      { title: 'CPU/wall', align: 'right' },
      { title: '× hand-written (runs)', align: 'right' },
      { title: '× per CPU-s', align: 'right' },
      { title: 'results / windows per pass', align: 'right' },
    ],
    rows,
  );
}

/**
 * The Markdown report: machine, workload, protocol, tables, goals, the queries.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { protocol, workload } = results;
  const load = results.machine.loadAverage1m;
  const sqls = new Map();
  for (const row of results.scenarios) {
    const sql = /** @type {{ sql?: string }} */ (row.params).sql;
    if (sql !== undefined && !sqls.has(sql)) sqls.set(sql, `${row.name} / ${row.subject}`);
  }
  const queries = [...sqls]
    .map(([sql, label]) => `${label}:\n\n\`\`\`sql\n${sql}\n\`\`\``)
    .join('\n\n');
  return `# Analytics benchmark: windowed SQL vs a hand-written loop

Run on ${results.date}: ${machineSummary(results.machine)}; load average ${load.start} at the \
start, ${load.end} at the end. See [benchmarks/analytics/README.md](../analytics/README.md) for \
what is measured.

Events per second through \`runQuery\` (in the benchmark's main thread) and through a \
hand-written \`Map\` loop computing the same results, from the same async iterable of batches \
of ${workload.batchSize} plain rows, every result drained. Each run is one pass over \
${formatThousands(protocol.eventsPerPass)} pre-generated events \
(${formatThousands(workload.eventsPerSimulatedSecond)} per simulated second, up to \
${workload.maxDisorderMs} ms out of order, ${formatThousands(workload.urls)} URLs drawn with \
Zipf exponent ${workload.zipfExponent}); median of ${protocol.runs} interleaved runs \
after ${protocol.warmupPasses} warm-up pass(es). Spread: min–max of the runs and \
(max − min) / median. "× hand-written": ratio of the medians, with the range of the per-run \
ratios; "per CPU-s": events per second of this process's CPU time, which a shared machine's \
scheduling affects less (CPU/wall below 1 means the process did not have a core to itself). \
Every subject's results were checked against the hand-written loop's, untimed, before timing.

${toTable(results)}

Memory over a long run: see [analytics-memory.md](analytics-memory.md).

## Goals

${goalVerdict(results)}

## Queries

${queries}
`;
}
