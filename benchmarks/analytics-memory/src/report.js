/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md) with the issue's
 * memory goal, its Markdown table and report. (Writing the files is the harness's.)
 */
import { WORKLOAD } from '@kinesis-kit/bench-analytics/workloads';
import {
  describeMachineUnderLoad,
  formatThousands,
  goalVerdict,
  machineSummary,
  markdownTable,
  resultDate,
} from '@kinesis-kit/bench-harness';

/**
 * @typedef {import('./memory-run.js').MemoryProtocol} MemoryProtocol
 * @typedef {import('./memory-run.js').MemoryResult} MemoryResult
 */

/** The goal: the live heap grows less than this from the first to the last fifth. */
export const MAX_HEAP_GROWTH_FRACTION = 0.1;

/** The run's one row in the results. */
export const SCENARIO = 'tumble-10s-count-memory';
/** The query the run keeps going. */
export const SUBJECT = 'flink-sql';

/**
 * @param {object} run
 * @param {MemoryResult} run.memory
 * @param {MemoryProtocol} run.protocol
 * @param {number} run.loadAtStart
 * @param {Date} run.date
 */
export function buildResults({ memory, protocol, loadAtStart, date }) {
  const row = {
    name: SCENARIO,
    subject: SUBJECT,
    params: { ...memory.params, sql: memory.sql },
    metrics: memory.metrics,
    runs: 1,
  };
  return {
    benchmark: 'analytics-memory',
    date: resultDate(date),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol,
    workload: WORKLOAD,
    goals: [goalOf(row)],
    scenarios: [row],
  };
}

/** @typedef {ReturnType<typeof buildResults>} Results */

/** @param {number} seconds */
const durationText = (seconds) =>
  seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;

/**
 * The goal, judged on the run: `{ goal, met, detail }` (the summary table shows it).
 * @param {{ params: Record<string, any>, metrics: Record<string, any> }} row
 */
function goalOf(row) {
  const m = /** @type {any} */ (row.metrics);
  return {
    goal: `memory flat while the COUNT query runs for ${durationText(Number(row.params.durationSeconds))}: live heap grows < ${MAX_HEAP_GROWTH_FRACTION * 100}% from the first to the last fifth of the steady state`,
    met: m.stoppedEarly === undefined && Math.abs(m.heapGrowthFraction) < MAX_HEAP_GROWTH_FRACTION,
    detail: [
      ...(m.stoppedEarly === undefined ? [] : [m.stoppedEarly]),
      `live heap ${m.heapUsedMiB.first}→${m.heapUsedMiB.last} MiB (${(m.heapGrowthFraction * 100).toFixed(1)}%, max ${m.heapUsedMiB.max})`,
      `RSS ${m.rssMiB.first}→${m.rssMiB.last} MiB`,
      `open groups ${formatThousands(m.openGroups.first)}→${formatThousands(m.openGroups.last)} (max ${formatThousands(m.openGroups.max)}), ≤ ${m.openWindowsMax} open windows`,
      `${formatThousands(m.events)} events at ${paceText(row)}, ${m.windowsClosed} windows closed`,
    ],
  };
}

/**
 * The achieved rate against the target, and the cores it kept busy.
 * @param {{ params: Record<string, any>, metrics: Record<string, any> }} row
 */
function paceText({ params, metrics }) {
  const pace = `${formatThousands(metrics.eventsPerSec)} events/s (target ${formatThousands(params.targetEventsPerSec)}), ${metrics.cpuPerWall} core`;
  return metrics.fellBehind === undefined ? pace : `${pace}; ${metrics.fellBehind}`;
}

/**
 * The memory table: the run's steady state.
 * @param {Results} results
 */
export function toTable(results) {
  const rows = results.scenarios.map(({ name, subject, params, metrics }) => {
    const m = /** @type {any} */ (metrics);
    return [
      `${name} ${subject}`,
      `${m.heapUsedMiB.first} → ${m.heapUsedMiB.last} (${(m.heapGrowthFraction * 100).toFixed(1)}%)`,
      String(m.heapSlopeMiBPerMin),
      `${m.rssMiB.first} → ${m.rssMiB.last} (${m.rssMiB.max})`,
      `${formatThousands(m.openGroups.first)} → ${formatThousands(m.openGroups.last)}; ≤ ${m.openWindowsMax}`,
      `${formatThousands(m.eventsPerSec)} / ${formatThousands(params.targetEventsPerSec)}`,
      String(m.cpuPerWall),
      `${formatThousands(m.events)} / ${m.windowsClosed}`,
    ];
  });
  return markdownTable(
    [
      { title: 'Run' },
      { title: 'live heap MiB first → last', align: 'right' },
      { title: 'heap slope MiB/min', align: 'right' },
      { title: 'RSS MiB first → last (max)', align: 'right' },
      { title: 'open groups; windows', align: 'right' },
      { title: 'events/s achieved / target', align: 'right' },
      { title: 'cores (CPU/wall)', align: 'right' },
      { title: 'events / windows closed', align: 'right' },
    ],
    rows,
  );
}

/**
 * The Markdown report: machine, protocol, table, goal, the query.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { protocol, workload } = results;
  const load = results.machine.loadAverage1m;
  return `# Analytics memory: the COUNT query over a long run

Run on ${results.date}: ${machineSummary(results.machine)}; load average ${load.start} at the \
start, ${load.end} at the end. See \
[benchmarks/analytics-memory/README.md](../analytics-memory/README.md) for what is measured.

The tumbling 10 s \`COUNT(*) GROUP BY url\` query through \`runQuery\` over an endless stream of \
fresh events (batches of ${formatThousands(workload.batchSize)}, ${formatThousands(workload.urls)} URLs, \
${formatThousands(workload.eventsPerSimulatedSecond)} per simulated second) at a steady \
${formatThousands(protocol.eventsPerSec)} events/s of wall time for \
${protocol.durationMs / 1000} s; live heap (after a full collection) and RSS every \
${protocol.sampleMs / 1000} s, the first ${protocol.warmupMs / 1000} s left out as warm-up; \
growth compares the medians of the first and last fifths. "cores" is the process's CPU time \
(every thread) over wall time.

${toTable(results)}

## Goal

${goalVerdict(results)}

## Query

\`\`\`sql
${results.scenarios[0].params.sql}
\`\`\`
`;
}
