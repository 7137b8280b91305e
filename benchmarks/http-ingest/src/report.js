/**
 * The result file (BENCHMARKS.md's shape), its table, the goal's verdict, the status check and
 * the chart.
 */
import {
  formatCompact,
  formatRatio,
  formatSpread,
  formatThousands,
  machineSummary,
  markdownTable,
  median,
  rateMetrics,
  ratioMetrics,
  resultDate,
  round,
  svgBarChart,
} from '@kinesis-kit/bench-harness';
import { BASELINE } from './subjects.js';

/** Goal: the gateway answers single visits at ≥ 60% of the bare server's requests/s. */
export const GOAL = { scenario: 'single-visit', minRatioVsBare: 0.6 };

/**
 * @typedef {{ name: string, params: Record<string, unknown> & { visitsPerRequest: number } }} Scenario
 * @typedef {{ scenario: Scenario, subject: string, perRun: import('./measure.js').RunResult[] }} Measured
 */

/**
 * @param {Measured[]} measured rows in report order
 * @param {object} context
 * @param {Date} context.date
 * @param {import('@kinesis-kit/bench-harness').Machine} context.machine
 * @param {Record<string, unknown>} context.protocol
 * @param {number} context.elapsedMs
 */
export function buildResults(measured, { date, machine, protocol, elapsedMs }) {
  return {
    benchmark: 'http-ingest',
    date: resultDate(date),
    machine,
    protocol,
    elapsedSeconds: Math.round(elapsedMs / 1000),
    scenarios: measured.map(({ scenario, subject, perRun }) => {
      const baseline = measured.find(
        (row) => row.scenario === scenario && row.subject === BASELINE,
      )?.perRun;
      return {
        name: scenario.name,
        subject,
        params: scenario.params,
        metrics: metricsOf(perRun, subject === BASELINE ? undefined : baseline),
        runs: perRun.length,
      };
    }),
  };
}

/**
 * @param {import('./measure.js').RunResult[]} perRun
 * @param {import('./measure.js').RunResult[] | undefined} baseline the bare server's runs
 */
function metricsOf(perRun, baseline) {
  const of = (/** @type {(run: import('./measure.js').RunResult) => number} */ get) =>
    perRun.map(get);
  const requests = of((run) => run.requestsPerSec);
  const visits = of((run) => run.visitsPerSec);
  /** @type {Record<string, number>} */
  const statusCounts = {};
  const check = { valid202: 0, valid503: 0, validOther: 0, invalid400: 0, invalidOther: 0 };
  for (const run of perRun) {
    for (const [status, count] of Object.entries(run.tally.byStatus)) {
      statusCounts[status] = (statusCounts[status] ?? 0) + count;
    }
    for (const key of /** @type {(keyof typeof check)[]} */ (Object.keys(check))) {
      check[key] += run.tally[key];
    }
  }
  const answered = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const invalid = check.invalid400 + check.invalidOther;
  const gateway = perRun.every((run) => run.gatewayVisits !== undefined)
    ? {
        storedVisitsPerSec: Math.round(median(of((run) => run.gatewayVisits?.storedPerSec ?? 0))),
        storedVisitsPerSecPerRun: of((run) => Math.round(run.gatewayVisits?.storedPerSec ?? 0)),
        maxPendingAtEnd: Math.max(...of((run) => run.gatewayVisits?.pending ?? 0)),
        failedVisits: of((run) => run.gatewayVisits?.failed ?? 0).reduce((a, b) => a + b, 0),
      }
    : undefined;
  const cpu = (/** @type {'client' | 'server' | 'endpoint'} */ side) =>
    round(median(of((run) => run.cpuCores[side] ?? Number.NaN)), 2);
  return {
    ...rateMetrics('requestsPerSec', requests),
    visitsPerSec: Math.round(median(visits)),
    visitsPerSecPerRun: visits.map(Math.round),
    ...(baseline === undefined
      ? {}
      : {
          ...ratioMetrics(
            'ratioVsBare',
            requests,
            baseline.map((run) => run.requestsPerSec),
          ),
          visitsRatioVsBare: round(
            median(visits) / median(baseline.map((run) => run.visitsPerSec)),
            3,
          ),
        }),
    latencyMs: {
      p50: round(median(of((run) => run.p50)), 1),
      p99: round(median(of((run) => run.p99)), 1),
    },
    latencyP99MsPerRun: of((run) => run.p99),
    statusCounts,
    statusCheck: {
      ...check,
      ok: check.validOther === 0 && check.invalidOther === 0,
      invalidFraction: answered > 0 ? round(invalid / answered, 4) : 0,
    },
    errors: of((run) => run.errors + run.timeouts).reduce((a, b) => a + b, 0),
    cpuCores: {
      client: cpu('client'),
      server: cpu('server'),
      ...(gateway === undefined ? {} : { endpoint: cpu('endpoint') }),
    },
    ...(gateway === undefined ? {} : { gateway }),
  };
}

/** @typedef {ReturnType<typeof buildResults>} Results */

/** @param {Results} results */
export function toTable(results) {
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'req/s', align: 'right' },
      { title: 'spread (min–max)', align: 'right' },
      { title: 'ratio vs bare (per-run range)', align: 'right' },
      { title: 'visits/s (202), ratio vs bare', align: 'right' },
      { title: 'stored visits/s', align: 'right' },
      { title: 'p50 / p99 ms', align: 'right' },
      { title: 'statuses (all runs)', align: 'right' },
      { title: 'status check', align: 'right' },
      { title: 'CPU cores server / client / endpoint', align: 'right' },
    ],
    results.scenarios.map((row) => {
      const m = row.metrics;
      return [
        row.name,
        row.subject,
        formatThousands(m.requestsPerSec),
        formatSpread(m.requestsPerSecMin, m.requestsPerSecMax, m.relativeSpread),
        m.ratioVsBare === undefined
          ? 'baseline'
          : formatRatio(m.ratioVsBare, m.ratioVsBareMin, m.ratioVsBareMax),
        m.visitsRatioVsBare === undefined
          ? formatThousands(m.visitsPerSec)
          : `${formatThousands(m.visitsPerSec)} (${m.visitsRatioVsBare.toFixed(3)}×)`,
        m.gateway === undefined ? '–' : formatThousands(m.gateway.storedVisitsPerSec),
        `${m.latencyMs.p50} / ${m.latencyMs.p99}`,
        Object.entries(m.statusCounts)
          .map(([status, count]) => `${status}: ${formatThousands(count)}`)
          .join(', '),
        m.statusCheck.ok ? 'ok' : 'FAILED',
        [m.cpuCores.server, m.cpuCores.client, m.cpuCores.endpoint ?? '–'].join(' / '),
      ];
    }),
  );
}

/** @param {Results} results */
export function toVerdict(results) {
  const row = results.scenarios.find(
    (r) =>
      r.name === GOAL.scenario && r.subject !== BASELINE && r.metrics.ratioVsBare !== undefined,
  );
  const lines = [];
  if (row) {
    const { ratioVsBare = 0, requestsPerSec } = row.metrics;
    const bare = results.scenarios.find((r) => r.name === GOAL.scenario && r.subject === BASELINE);
    lines.push(
      `Goal (${GOAL.scenario}: the gateway at ≥ ${GOAL.minRatioVsBare * 100}% of the bare ` +
        `server's requests/s): ${ratioVsBare >= GOAL.minRatioVsBare ? 'MET' : 'NOT MET'} — ` +
        `${formatThousands(requestsPerSec)} vs ${formatThousands(bare?.metrics.requestsPerSec ?? 0)} req/s, ` +
        `${(ratioVsBare * 100).toFixed(0)}% (per run ${((row.metrics.ratioVsBareMin ?? 0) * 100).toFixed(1)}–` +
        `${((row.metrics.ratioVsBareMax ?? 0) * 100).toFixed(1)}%).`,
    );
  }
  const failed = results.scenarios.filter((r) => !r.metrics.statusCheck.ok);
  lines.push(
    failed.length === 0
      ? 'Status check: every valid body got 202 (or 503 for back-pressure, counted apart), every invalid one 400.'
      : `Status check FAILED: ${failed
          .map(
            (r) =>
              `${r.name} / ${r.subject}: ${r.metrics.statusCheck.validOther} valid not 202/503, ` +
              `${r.metrics.statusCheck.invalidOther} invalid not 400`,
          )
          .join('; ')}.`,
  );
  const errors = results.scenarios.filter((r) => r.metrics.errors > 0);
  if (errors.length > 0) {
    lines.push(
      `Connection errors or timeouts: ${errors
        .map((r) => `${r.name} / ${r.subject}: ${r.metrics.errors}`)
        .join('; ')}.`,
    );
  }
  const shed = results.scenarios.filter((r) => r.metrics.statusCheck.valid503 > 0);
  for (const r of shed) {
    lines.push(
      `Back-pressure: ${r.name} / ${r.subject} answered ${formatThousands(r.metrics.statusCheck.valid503)} ` +
        `valid requests 503 (buffer full): ${formatThousands(r.metrics.visitsPerSec)} visits/s accepted, ` +
        `${formatThousands(r.metrics.gateway?.storedVisitsPerSec ?? 0)} stored/s.`,
    );
  }
  return lines.join('\n');
}

/** @param {Results} results */
export function toMarkdown(results) {
  const protocol =
    /** @type {{ warmupMs: number, leadInMs: number, sliceMs: number, slices: number, runs: number, connections: number }} */ (
      results.protocol
    );
  return `# HTTP ingest: the ingest gateway vs a bare node:http server

Run on ${results.date}: ${machineSummary(results.machine)}; load average ${JSON.stringify(
    /** @type {Record<string, unknown>} */ (results.machine).loadAverage1m,
  )}; ${results.elapsedSeconds} s in all.

autocannon (this process): ${protocol.connections} connections, pipelining 1, against each server
in a child process of its own. Each run of a scenario starts both servers, warms each up for
${protocol.warmupMs / 1000} s, then measures them in ${protocol.slices} alternating slices of \
${protocol.sliceMs / 1000} s each (the order reversed every other slice; \
${(protocol.slices * protocol.sliceMs) / 1000} s per server and run), so that a change in the
load of this shared machine falls on both alike. Each slice comes after \
${protocol.leadInMs / 1000} s of the same load, not measured (the slice starts in steady state);
after each, the gateway stores what it accepted before the other server's turn. ${protocol.runs} runs, subjects in turn first. 5% of the
bodies are invalid and must get 400. The gateway writes to a local endpoint (its own child
process, limits off, 16 shards) with its default producer buffer (20,000 records, 16 MiB).

req/s counts every answer (503s too); visits/s the visits answered 202 (ratio: of the medians);
stored visits/s what the gateway's producer stored in the stream within its slices, per second.
Latency: autocannon's p50 and p99 of each slice; the median over a run's slices, then over the
runs. CPU: cores each process used over its slices (medians).

${toTable(results)}

${toVerdict(results)}

See [the README](../http-ingest/README.md) for what is measured and the fairness choices.
`;
}

/** @param {Results} results */
export function toChart(results) {
  const names = [...new Set(results.scenarios.map((row) => row.name))];
  const subjects = [...new Set(results.scenarios.map((row) => row.subject))];
  return svgBarChart({
    title: 'HTTP ingest: requests/s, ingest gateway vs bare node:http',
    subtitle: `${results.date}, ${machineSummary(results.machine)}; medians of ${
      /** @type {{ runs: number }} */ (results.protocol).runs
    } runs`,
    axisLabel: 'requests per second',
    scale: 'log',
    series: subjects.map((name) => ({ name })),
    referenceLabel: `goal: ${GOAL.minRatioVsBare * 100}% of bare (${GOAL.scenario})`,
    groups: names.map((name) => {
      const bare = results.scenarios.find((r) => r.name === name && r.subject === BASELINE);
      return {
        label: name,
        bars: results.scenarios
          .filter((row) => row.name === name)
          .map((row) => ({
            series: row.subject,
            value: row.metrics.requestsPerSec,
            text:
              `${formatCompact(row.metrics.requestsPerSec)} req/s` +
              (row.metrics.ratioVsBare === undefined
                ? ''
                : ` (${(row.metrics.ratioVsBare * 100).toFixed(0)}%)`),
            ...(name === GOAL.scenario && row.subject !== BASELINE && bare
              ? { reference: bare.metrics.requestsPerSec * GOAL.minRatioVsBare }
              : {}),
          })),
      };
    }),
  });
}
