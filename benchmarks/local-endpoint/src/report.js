/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md), its Markdown
 * table, verdict and report. (Writing them to benchmarks/results is the harness's.)
 */
import {
  describeMachineUnderLoad,
  formatRatio,
  formatSpread,
  formatThousands,
  machineSummary,
  markdownTable,
  percentile,
  rateMetrics,
  ratioMetrics,
  resultDate,
  round,
  summarize,
} from '@kinesis-kit/bench-harness';
import { BASELINE, OURS } from './subjects.js';

/**
 * @typedef {import('./runner.js').Measured} Measured
 * @typedef {import('./runner.js').Protocol} Protocol
 * @typedef {import('./runner.js').Entry} Entry
 * @typedef {import('./scenarios.js').Sample} Sample
 */

/** The ratio ours (in memory) / kinesalite the endpoint aims for, on writes and on reads. */
export const GOAL_RATIO = 3;

/**
 * Median over the runs of a CPU time as a fraction of the run's wall time (1 = one core).
 * @param {Sample[]} samples
 * @param {'serverCpuMs' | 'clientCpuMs'} key
 */
function cpuFraction(samples, key) {
  const fractions = samples.map((sample) => (sample[key] ?? Number.NaN) / sample.elapsedMs);
  const value = summarize(fractions).median;
  return Number.isFinite(value) ? round(value, 3) : null;
}

/**
 * The metrics of one subject in one scenario; with the baseline's entry, the ratio of the
 * medians and the range of the per-run ratios (each run measures both close together, so its
 * ratio suffers least from the shared machine's noise).
 * @param {Entry} entry
 * @param {Entry | undefined} baseline
 * @param {boolean} reads whether the scenario reads, in passes over the stream
 */
function metricsOf(entry, baseline, reads) {
  const rates = entry.samples.map((sample) => sample.recordsPerSec);
  const latencies = entry.samples.flatMap((sample) => sample.latenciesMs);
  /** @type {Record<string, unknown>} */
  const metrics = {
    ...rateMetrics('recordsPerSec', rates),
    latencyMs: {
      p50: round(percentile(latencies, 0.5), 1),
      p99: round(percentile(latencies, 0.99), 1),
    },
    requestsPerRun: Math.round(summarize(entry.samples.map((sample) => sample.requests)).median),
    serverCpuCores: cpuFraction(entry.samples, 'serverCpuMs'),
    clientCpuCores: cpuFraction(entry.samples, 'clientCpuMs'),
  };
  if (reads) metrics.readPassesPerRun = entry.samples.map((sample) => sample.passes);
  if (baseline && baseline !== entry) {
    const theirs = baseline.samples.map((sample) => sample.recordsPerSec);
    Object.assign(metrics, ratioMetrics('ratioVsKinesalite', rates, theirs));
  }
  return metrics;
}

/**
 * The result-file object: one row per scenario and subject.
 * @param {Measured[]} measured
 * @param {Protocol} protocol
 * @param {Date} date
 * @param {number} loadAtStart the 1-minute load average when the run started
 */
export function buildResults(measured, protocol, date, loadAtStart) {
  const subjects = measured[0]?.entries.map(({ running }) => ({
    name: running.subject.name,
    library: running.subject.library,
    storage: running.subject.storage,
    transport: running.subject.transport,
    startupMs: Math.round(running.startMs),
  }));
  return {
    benchmark: 'local-endpoint',
    date: resultDate(date),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol: {
      ...protocol,
      order: 'interleaved: each run measures every subject in turn, order reversed every run',
    },
    subjects: subjects ?? [],
    scenarios: measured.flatMap(({ scenario, entries }) => {
      const baseline = entries.find((entry) => entry.running.subject.name === BASELINE);
      return entries.map((entry) => {
        const { subject } = entry.running;
        /** @type {Record<string, unknown>} */
        const params = {
          ...scenario.params,
          ...scenario.subjectParams(subject, protocol.budget),
          library: subject.library,
          storage: subject.storage,
          transport: subject.transport,
        };
        return {
          name: scenario.name,
          subject: subject.name,
          params,
          metrics: metricsOf(entry, baseline, scenario.params.operation === 'GetRecords'),
          runs: entry.samples.length,
        };
      });
    }),
  };
}

/** @typedef {ReturnType<typeof buildResults>} Results */
/** @typedef {Results['scenarios'][number]} Row */

/** @param {Record<string, unknown>} metrics */
function spreadCell(metrics) {
  const min = Number(metrics.recordsPerSecMin);
  const max = Number(metrics.recordsPerSecMax);
  const relative = Number(metrics.relativeSpread);
  return formatSpread(min, max, relative);
}

/** @param {Record<string, unknown>} metrics */
function ratioCell(metrics) {
  if (metrics.ratioVsKinesalite === undefined) return '1× (baseline)';
  const ratio = Number(metrics.ratioVsKinesalite);
  const low = Number(metrics.ratioVsKinesaliteMin);
  const high = Number(metrics.ratioVsKinesaliteMax);
  return formatRatio(ratio, low, high);
}

/** @param {unknown} cores fraction of one core, or null */
const cpuCell = (cores) => (typeof cores === 'number' ? `${Math.round(cores * 100)}%` : '?');

/**
 * The table: one row per scenario and subject.
 * @param {Results} results
 */
export function toTable(results) {
  const rows = results.scenarios.map((row) => {
    const { metrics, params } = row;
    const latency = /** @type {{ p50: number, p99: number }} */ (metrics.latencyMs);
    return [
      row.name,
      row.subject,
      `${params.storage}, ${params.transport === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}`,
      formatThousands(Number(metrics.recordsPerSec)),
      spreadCell(metrics),
      ratioCell(metrics),
      `${cpuCell(metrics.serverCpuCores)} / ${cpuCell(metrics.clientCpuCores)}`,
      `${latency.p50} / ${latency.p99}`,
    ];
  });
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'Storage, client' },
      { title: 'records/s', align: 'right' },
      { title: 'spread (min–max)', align: 'right' },
      { title: 'ratio vs kinesalite (per-run range)', align: 'right' },
      { title: 'CPU server / client', align: 'right' },
      { title: 'latency p50 / p99 ms', align: 'right' },
    ],
    rows,
  );
}

/**
 * @param {Results} results
 * @param {string} scenario
 * @param {string} subject
 */
function find(results, scenario, subject) {
  return results.scenarios.find((row) => row.name === scenario && row.subject === subject);
}

/**
 * Whether ours reaches the goal on each scenario, and the durable figures.
 * @param {Results} results
 */
export function toVerdict(results) {
  const names = [...new Set(results.scenarios.map((row) => row.name))];
  const lines = [];
  for (const name of names) {
    const ours = find(results, name, OURS)?.metrics;
    if (!ours || ours.ratioVsKinesalite === undefined) continue;
    const met = Number(ours.ratioVsKinesalite) >= GOAL_RATIO ? 'met' : 'NOT met';
    lines.push(`- ${name}: ${OURS} in memory at ${ratioCell(ours)} kinesalite: goal ${met}`);
  }
  for (const row of results.scenarios.filter((r) => r.subject.startsWith(`${OURS}-durable`))) {
    const rate = Number(row.metrics.recordsPerSec);
    const inMemory = Number(find(results, row.name, OURS)?.metrics.recordsPerSec);
    const share = `${Math.round((rate / inMemory) * 100)}% of in memory`;
    lines.push(
      `- ${row.name}: ${row.subject} (${row.params.storage}) ${formatThousands(rate)} ` +
        `records/s, ${share}, ${ratioCell(row.metrics)} kinesalite`,
    );
  }
  return lines.join('\n');
}

/**
 * The Markdown report: machine, protocol, table, verdict.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { machine, protocol } = results;
  const { budget, warmup } = protocol;
  const rows = results.scenarios.filter((row) => row.name.startsWith('get-records'));
  const reads = rows
    .map((row) => `${row.subject} ${formatThousands(Number(row.params.recordsLoaded))}`)
    .join(', ');
  const startup = results.subjects
    .map((subject) => `${subject.name} ${(subject.startupMs / 1000).toFixed(1)} s`)
    .join(', ');
  return `# Local endpoint benchmark: kinesis-kit vs kinesalite vs kinesis-local

Run on ${results.date}: ${machineSummary(machine)}; 1-minute load average \
${machine.loadAverage1m.start} at the start and ${machine.loadAverage1m.end} at the end (the \
machine is shared: absolute rates vary from run to run, ratios much less). See \
[benchmarks/local-endpoint/README.md](../local-endpoint/README.md) for what is measured and how.

Records per second (higher is better), limits off, each subject a server in its own child \
process and the client (AWS SDK v3) in the benchmark's process: median of ${protocol.runs} \
interleaved runs after a warm-up (${(warmup?.writeMs ?? 0) / 1000} s of writes and a smaller \
read per subject). Writes: PutRecords of 500 records × 100 B with random partition keys into a \
4-shard stream, 4 requests in flight, for ${budget.writeMs / 1000} s. Reads: GetShardIterator \
(TRIM_HORIZON) and GetRecords (Limit 10,000) loops, the 4 shards in parallel, reading back a \
stream loaded beforehand (untimed) with ${reads} records, in whole passes repeated until \
${budget.readMs / 1000} s have passed. Spread: min–max of the runs and (max − min) / median. \
Ratio: subject median / kinesalite median, with the range of the per-run ratios. CPU: server \
and client CPU time over wall time (100% = one core; a server can pass 100% with its garbage \
collector and I/O threads). Latency: per request, over all runs.

${toTable(results)}

Goal: ${OURS} in memory ≥ ${GOAL_RATIO}× kinesalite on writes and on reads.
${toVerdict(results)}

Startup to first answered request: ${startup}.
`;
}
