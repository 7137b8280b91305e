/**
 * Every goal the issues set for a benchmark, with the figure measured beside it, read from the
 * latest full results. A results file that lists its own `goals` (`{ goal, met, detail }`) is
 * taken as it is; for the others the goal is read off their metrics here.
 */
import { readResults } from './benchmarks.js';

/**
 * @typedef {{ benchmark: string, owner: string, goal: string, measured: string, met: boolean | undefined, date: string | undefined }} GoalRow
 * `met` is undefined when the benchmark has no full results yet.
 */

/** @param {number} value */
const ratio = (value) => `${value.toFixed(2)}×`;

/**
 * @type {Record<string, { owner: string, goals: (results: any) => { goal: string, measured: string, met: boolean }[] }>}
 */
const DERIVED = {
  codec: {
    owner: '@kinesis-kit/records',
    goals(results) {
      const rows = results.scenarios.filter(
        (/** @type {any} */ row) => row.subject === 'kinesis-kit',
      );
      return [
        {
          goal: 'KPL aggregation ≥ 3× aws-kinesis-agg, aggregating and de-aggregating',
          measured: rows
            .map((/** @type {any} */ row) => `${row.name} ${ratio(row.metrics.ratioVsBaseline)}`)
            .join(', '),
          met: rows.every((/** @type {any} */ row) => row.metrics.ratioVsBaseline >= 3),
        },
      ];
    },
  },
  'local-endpoint': {
    owner: '@kinesis-kit/local',
    goals(results) {
      const rows = results.scenarios.filter(
        (/** @type {any} */ row) =>
          row.subject === 'kinesis-kit' && 'ratioVsKinesalite' in row.metrics,
      );
      return [
        {
          goal: 'in memory ≥ 3× kinesalite on writes and on reads',
          measured: rows
            .map((/** @type {any} */ row) => `${row.name} ${ratio(row.metrics.ratioVsKinesalite)}`)
            .join(', '),
          met:
            rows.length > 0 &&
            rows.every((/** @type {any} */ row) => row.metrics.ratioVsKinesalite >= 3),
        },
      ];
    },
  },
  'http-ingest': {
    owner: 'apps/ingest-gateway',
    goals(results) {
      const single = results.scenarios.find(
        (/** @type {any} */ row) => row.name === 'single-visit' && row.subject === 'ingest-gateway',
      );
      const ratioOf = /** @type {number} */ (single?.metrics.ratioVsBare ?? 0);
      return [
        {
          goal: "the gateway at ≥ 60% of a bare node:http server's requests/s for single visits",
          measured: single
            ? `${Math.round(ratioOf * 100)}% (${single.metrics.requestsPerSec.toLocaleString('en-US')} req/s; runs ${Math.round(single.metrics.ratioVsBareMin * 100)}–${Math.round(single.metrics.ratioVsBareMax * 100)}%)`
            : 'no single-visit row',
          met: ratioOf >= 0.6,
        },
      ];
    },
  },
  'read-throughput': {
    owner: '@kinesis-kit/consumer',
    goals(results) {
      const polling = results.scenarios.filter(
        (/** @type {any} */ row) =>
          row.subject === 'kinesis-kit polling' && 'limitFraction' in row.metrics,
      );
      const fanOut = results.scenarios.filter(
        (/** @type {any} */ row) =>
          row.subject === 'kinesis-kit fan-out' && 'latencyMs' in row.metrics,
      );
      return [
        {
          goal: 'polling reads ≥ 90% of 2 MiB/s per shard',
          measured: polling
            .map((/** @type {any} */ row) => `${row.name} ${row.metrics.limitFraction}`)
            .join(', '),
          met:
            polling.length > 0 &&
            polling.every((/** @type {any} */ row) => row.metrics.limitFraction >= 0.9),
        },
        {
          goal: 'fan-out p99 end-to-end latency ≤ 100 ms',
          measured: fanOut
            .map(
              (/** @type {any} */ row) =>
                `${row.name} p99 ${row.metrics.latencyMs.p99} ms, ${row.metrics.missed} missed`,
            )
            .join(', '),
          met:
            fanOut.length > 0 &&
            fanOut.every(
              (/** @type {any} */ row) =>
                row.metrics.latencyMs.p99 <= 100 && row.metrics.missed === 0,
            ),
        },
      ];
    },
  },
};

/** Who each benchmark's goals belong to, for those that list their own. */
const OWNERS = /** @type {Record<string, string>} */ ({
  analytics: '@kinesis-kit/analytics',
  'analytics-memory': '@kinesis-kit/analytics',
  'shard-throughput': '@kinesis-kit/producer',
  soak: 'producer → local → consumer',
});

/**
 * @param {string[]} names the benchmarks, in the order to list them
 * @returns {GoalRow[]}
 */
export function collectGoals(names) {
  /** @type {GoalRow[]} */
  const rows = [];
  for (const benchmark of names) {
    const results = readResults(benchmark);
    const derived = DERIVED[benchmark];
    const owner = derived?.owner ?? OWNERS[benchmark] ?? '';
    if (results === undefined) {
      rows.push({
        benchmark,
        owner,
        goal: '(no full results yet)',
        measured: '',
        met: undefined,
        date: undefined,
      });
      continue;
    }
    /** @type {{ goal: string, measured: string, met: boolean }[]} */
    const goals = Array.isArray(results.goals)
      ? results.goals.map(
          (/** @type {{ goal: string, met: boolean, detail?: string[] }} */ goal) => ({
            goal: goal.goal,
            measured: (goal.detail ?? []).join('; '),
            met: goal.met,
          }),
        )
      : (derived?.goals(results) ?? []);
    for (const goal of goals) rows.push({ benchmark, owner, ...goal, date: results.date });
  }
  return rows;
}
