/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md), its Markdown table
 * and report. (Writing them to benchmarks/results is the harness's.)
 */
import {
  describeMachine,
  formatRatio,
  formatSpread,
  formatThousands,
  machineSummary,
  markdownTable,
  rateMetrics,
  ratioMetrics,
  resultDate,
} from '@kinesis-kit/bench-harness';

/**
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {import('./runner.js').Protocol} Protocol
 */

/** The ratio ours / aws-kinesis-agg the codec aims for, in both directions. */
export const GOAL_RATIO = 3;

/**
 * The result-file object. The first subject of each scenario is ours, the second the baseline;
 * ours carries `ratioVsBaseline` (median / baseline median) and the range of the per-run ratios
 * (each run measures both subjects back to back, so its ratio is little affected by noise).
 * @param {Scenario[]} scenarios
 * @param {Protocol} protocol
 * @param {Date} date
 */
export function buildResults(scenarios, protocol, date) {
  return {
    benchmark: 'codec',
    date: resultDate(date),
    machine: describeMachine(),
    protocol: { ...protocol, order: 'interleaved, subject order alternating per run' },
    scenarios: scenarios.flatMap((scenario) => {
      const [ours, baseline] = scenario.entries;
      return scenario.entries.map((entry) => {
        /** @type {Record<string, unknown>} */
        const metrics = rateMetrics('userRecordsPerSec', entry.perRun);
        if (entry === ours && baseline) {
          Object.assign(metrics, ratioMetrics('ratioVsBaseline', entry.perRun, baseline.perRun));
        }
        return {
          name: scenario.name,
          subject: entry.subject.name,
          params: { ...scenario.params, library: entry.subject.library, ...entry.params },
          metrics,
          runs: entry.perRun.length,
        };
      });
    }),
  };
}

/** @typedef {ReturnType<typeof buildResults>} Results */

/** Rates compact in the spread cells: whole thousands (`2k`, not `1.9k`). */
const COMPACT = { smallThousandsDecimals: 0 };

/** @param {Record<string, unknown>} metrics */
function spreadCell(metrics) {
  const min = /** @type {number} */ (metrics.userRecordsPerSecMin);
  const max = /** @type {number} */ (metrics.userRecordsPerSecMax);
  const relative = /** @type {number} */ (metrics.relativeSpread);
  return formatSpread(min, max, relative, COMPACT);
}

/**
 * The table: one row per scenario, ours and the baseline side by side.
 * @param {Results} results
 */
export function toTable(results) {
  const names = [...new Set(results.scenarios.map((scenario) => scenario.name))];
  const rows = names.map((name) => {
    const pair = results.scenarios.filter((scenario) => scenario.name === name);
    const ours = pair.find((row) => row.subject === 'kinesis-kit')?.metrics ?? {};
    const theirs = pair.find((row) => row.subject === 'aws-kinesis-agg')?.metrics ?? {};
    const ratio = /** @type {number} */ (ours.ratioVsBaseline);
    const low = Number(ours.ratioVsBaselineMin);
    const high = Number(ours.ratioVsBaselineMax);
    return [
      name,
      formatThousands(Number(ours.userRecordsPerSec)),
      spreadCell(ours),
      formatThousands(Number(theirs.userRecordsPerSec)),
      spreadCell(theirs),
      formatRatio(ratio, low, high, 2),
      ratio >= GOAL_RATIO ? 'yes' : 'no',
    ];
  });
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'kinesis-kit rec/s', align: 'right' },
      { title: 'spread', align: 'right' },
      { title: 'aws-kinesis-agg rec/s', align: 'right' },
      { title: 'spread', align: 'right' },
      { title: 'ratio (per-run range)', align: 'right' },
      { title: `≥ ${GOAL_RATIO}×`, align: 'center' },
    ],
    rows,
  );
}

/**
 * The Markdown report: machine, protocol, table.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { machine, protocol } = results;
  const first = results.scenarios[0]?.params ?? {};
  return `# Codec benchmark: KPL aggregation, kinesis-kit vs aws-kinesis-agg

Run on ${results.date}: ${machineSummary(machine)}. See \
[benchmarks/codec/README.md](../codec/README.md) for what is measured.

User records per second (higher is better): median of ${protocol.runs} interleaved runs of \
≥ ${protocol.runMs / 1000} s per scenario and subject after a ${protocol.warmupMs / 1000} s \
warm-up, each pass over ${formatThousands(Number(first.userRecordsPerPass))} user records \
with ${first.partitionKeyChars}-character random partition keys. Spread: min–max of the runs and \
(max − min) / median. Ratio: kinesis-kit median / aws-kinesis-agg median, with the range of the \
per-run ratios; the goal is ≥ ${GOAL_RATIO}× in both directions.

${toTable(results)}

Aggregate sizes, to check both codecs pack alike (per pass; largest aggregate's data bytes):
${aggregateSizes(results)}
`;
}

/**
 * One line per aggregation scenario: how many aggregates each subject built, and the largest.
 * @param {Results} results
 */
function aggregateSizes(results) {
  return results.scenarios
    .filter((row) => row.params.direction === 'aggregate')
    .map((row) => {
      const { aggregatesPerPass, largestAggregateBytes } = row.params;
      const largest = formatThousands(Number(largestAggregateBytes));
      return `- ${row.name}, ${row.subject}: ${aggregatesPerPass} aggregates, largest ${largest} B`;
    })
    .join('\n');
}
