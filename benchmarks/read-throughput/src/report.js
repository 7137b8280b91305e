/**
 * The result file (BENCHMARKS.md's shape), its Markdown report, and the goals' verdicts.
 */
import {
  formatSpread,
  formatThousands,
  machineSummary,
  markdownTable,
  median,
  ranBesideText,
  rateMetrics,
  resultDate,
  round,
} from '@kinesis-kit/bench-harness';

/** GetRecords' and fan-out's per-shard read limit: 2 MiB/s. */
export const READ_LIMIT_BYTES_PER_SEC = 2 * 1024 * 1024;
/** Goals: polling reads ≥ 90% of the limit; fan-out delivers with p99 ≤ 100 ms. */
export const GOALS = { pollingLimitFraction: 0.9, fanOutP99Ms: 100 };

/**
 * @typedef {{ name: string, kind: 'throughput' | 'latency', params: Record<string, unknown> }} Scenario
 * @typedef {{ scenario: Scenario, subject: string, perRun: Record<string, number>[] }} Measured
 */

/**
 * @param {Measured[]} measured
 * @param {object} context
 * @param {Date} context.date
 * @param {import('@kinesis-kit/bench-harness').Machine} context.machine
 * @param {Record<string, unknown>} context.protocol
 * @param {number} context.elapsedMs
 * @param {string[]} context.ranBeside the benchmarks `npm run bench -- all` ran this one beside
 *   (none: alone)
 */
export function buildResults(measured, { date, machine, protocol, elapsedMs, ranBeside }) {
  return {
    benchmark: 'read-throughput',
    date: resultDate(date),
    machine,
    protocol: { ...protocol, ranBeside },
    elapsedSeconds: Math.round(elapsedMs / 1000),
    scenarios: measured.map(({ scenario, subject, perRun }) => ({
      name: scenario.name,
      subject,
      params: scenario.params,
      metrics: scenario.kind === 'throughput' ? throughputMetrics(perRun) : latencyMetrics(perRun),
      runs: perRun.length,
    })),
  };
}

/** @param {Record<string, number>[]} perRun */
function throughputMetrics(perRun) {
  const bytes = perRun.map((run) => /** @type {number} */ (run.bytesPerSecPerShard));
  return {
    ...rateMetrics('bytesPerSecPerShard', bytes),
    limitFraction: round(median(bytes) / READ_LIMIT_BYTES_PER_SEC, 3),
    recordsPerSec: Math.round(
      median(perRun.map((run) => /** @type {number} */ (run.recordsPerSec))),
    ),
  };
}

/** @param {Record<string, number>[]} perRun */
function latencyMetrics(perRun) {
  const of = (/** @type {string} */ key) => perRun.map((run) => /** @type {number} */ (run[key]));
  return {
    latencyMs: {
      p50: round(median(of('p50')), 1),
      p99: round(median(of('p99')), 1),
      max: round(Math.max(...of('max')), 1),
    },
    latencyFromSendMs: {
      p50: round(median(of('p50FromSend')), 1),
      p99: round(median(of('p99FromSend')), 1),
    },
    latencyP99MsPerRun: of('p99').map((value) => round(value, 1)),
    samples: of('samples').reduce((a, b) => a + b, 0),
    missed: of('missed').reduce((a, b) => a + b, 0),
  };
}

/** @param {ReturnType<typeof buildResults>} results */
export function toTable(results) {
  const throughput = results.scenarios.filter((row) => 'limitFraction' in row.metrics);
  const latency = results.scenarios.filter((row) => 'latencyMs' in row.metrics);
  const throughputTable = markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'bytes/s per shard', align: 'right' },
      { title: 'spread (min–max)', align: 'right' },
      { title: 'limitFraction (2 MiB/s)', align: 'right' },
      { title: 'records/s', align: 'right' },
    ],
    throughput.map((row) => {
      const m = /** @type {Record<string, number>} */ (row.metrics);
      return [
        row.name,
        row.subject,
        formatThousands(m.bytesPerSecPerShard ?? 0),
        formatSpread(
          m.bytesPerSecPerShardMin ?? 0,
          m.bytesPerSecPerShardMax ?? 0,
          m.relativeSpread ?? 0,
        ),
        String(m.limitFraction),
        formatThousands(m.recordsPerSec ?? 0),
      ];
    }),
  );
  const latencyTable = markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'latency p50 ms', align: 'right' },
      { title: 'p99 ms (per run)', align: 'right' },
      { title: 'max ms', align: 'right' },
      { title: 'from send p50 / p99 ms', align: 'right' },
      { title: 'samples', align: 'right' },
      { title: 'missed', align: 'right' },
    ],
    latency.map((row) => {
      const m =
        /** @type {{ latencyMs: Record<string, number>, latencyP99MsPerRun: number[], samples: number, missed: number }} */ (
          row.metrics
        );
      return [
        row.name,
        row.subject,
        String(m.latencyMs.p50),
        `${m.latencyMs.p99} (${m.latencyP99MsPerRun.join(', ')})`,
        String(m.latencyMs.max),
        `${m.latencyFromSendMs.p50} / ${m.latencyFromSendMs.p99}`,
        formatThousands(m.samples),
        String(m.missed),
      ];
    }),
  );
  return `${throughputTable}\n\n${latencyTable}`;
}

/** @param {ReturnType<typeof buildResults>} results */
export function toVerdict(results) {
  const lines = [];
  for (const row of results.scenarios) {
    const m = /** @type {Record<string, any>} */ (row.metrics);
    if (row.subject === 'kinesis-kit polling' && 'limitFraction' in m) {
      const met = m.limitFraction >= GOALS.pollingLimitFraction;
      lines.push(
        `- ${met ? 'MET' : 'NOT MET'}: polling reads ≥ ${GOALS.pollingLimitFraction} of 2 MiB/s per shard in ${row.name}: ${m.limitFraction}`,
      );
    }
    if (row.subject === 'kinesis-kit fan-out' && 'latencyMs' in m) {
      const met = m.latencyMs.p99 <= GOALS.fanOutP99Ms && m.missed === 0;
      lines.push(
        `- ${met ? 'MET' : 'NOT MET'}: fan-out p99 end-to-end latency ≤ ${GOALS.fanOutP99Ms} ms in ${row.name}: ${m.latencyMs.p99} ms (${m.missed} records missed)`,
      );
    }
  }
  return lines.join('\n');
}

/** @param {ReturnType<typeof buildResults>} results */
export function toMarkdown(results) {
  const protocol = /** @type {Record<string, number>} */ (results.protocol);
  const { ranBeside } = results.protocol;
  const intro = [
    `${results.date}, ${machineSummary(results.machine)}; ${protocol.runs} runs, subjects`,
    'interleaved (reversed on odd runs), each measurement on a fresh local endpoint (child',
    `process, \`aws\` limits). Whole run: ${results.elapsedSeconds} s, ` +
      `${ranBesideText(ranBeside)}.`,
  ].join('\n');
  const method = [
    'Throughput: every shard holds a backlog of 1 KiB records; each subject reads it from',
    `TRIM_HORIZON; after ${protocol.warmupMs / 1000} s of warm-up, ${protocol.throughputWindowMs / 1000} s of deliveries to the`,
    'handler are measured (per shard, the rate between its first and last delivery of the window; the',
    'mean over the shards).',
    '',
    `Latency: ${protocol.ratePerSec} PutRecords/s of 100 B to one shard while the subject reads from LATEST; the time`,
    'from each put resolving to the handler seeing the record (and, for context, from the put being',
    `sent, which adds the write itself), for the records written after ${protocol.latencyWarmupMs / 1000} s of warm-up over`,
    `${protocol.latencyWindowMs / 1000} s (medians of the runs' p50 and p99; max of all).`,
  ].join('\n');
  return `# Read throughput and latency: KinesisConsumer (polling, fan-out) vs a GetRecords loop

${intro}

${method}

${toTable(results)}

## Goals

${toVerdict(results)}
`;
}
