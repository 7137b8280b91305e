/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md), its Markdown table,
 * and writing both to benchmarks/results.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { summarize } from './measure.js';

/**
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {import('./runner.js').Protocol} Protocol
 */

/** Where full runs write codec.json and codec.md. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** The ratio ours / aws-kinesis-agg the codec aims for, in both directions. */
export const GOAL_RATIO = 3;

/** CPU model, cores and Node version of this machine. */
export function describeMachine() {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

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
    date: date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    machine: describeMachine(),
    protocol: { ...protocol, order: 'interleaved, subject order alternating per run' },
    scenarios: scenarios.flatMap((scenario) => {
      const [ours, baseline] = scenario.entries;
      return scenario.entries.map((entry) => {
        const stats = summarize(entry.perRun);
        /** @type {Record<string, unknown>} */
        const metrics = {
          userRecordsPerSec: Math.round(stats.median),
          userRecordsPerSecMin: Math.round(stats.min),
          userRecordsPerSecMax: Math.round(stats.max),
          relativeSpread: round(stats.relativeSpread, 4),
          userRecordsPerSecPerRun: entry.perRun.map(Math.round),
        };
        if (entry === ours && baseline) {
          const pairs = entry.perRun.map(
            (rate, run) => rate / (baseline.perRun[run] ?? Number.NaN),
          );
          metrics.ratioVsBaseline = round(stats.median / summarize(baseline.perRun).median, 3);
          metrics.ratioVsBaselineMin = round(Math.min(...pairs), 3);
          metrics.ratioVsBaselineMax = round(Math.max(...pairs), 3);
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

/**
 * @param {number} value
 * @param {number} digits
 */
function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** @param {number} value records/s */
function compact(value) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(0)}k`;
  return value.toFixed(0);
}

/** @param {Record<string, unknown>} metrics */
function spreadCell(metrics) {
  const min = /** @type {number} */ (metrics.userRecordsPerSecMin);
  const max = /** @type {number} */ (metrics.userRecordsPerSecMax);
  const relative = /** @type {number} */ (metrics.relativeSpread);
  return `${compact(min)}–${compact(max)} (${(relative * 100).toFixed(1)}%)`;
}

/**
 * The table: one row per scenario, ours and the baseline side by side.
 * @param {Results} results
 */
export function toTable(results) {
  const lines = [
    '| Scenario | kinesis-kit rec/s | spread | aws-kinesis-agg rec/s | spread ' +
      `| ratio (per-run range) | ≥ ${GOAL_RATIO}× |`,
    '|---|--:|--:|--:|--:|--:|:-:|',
  ];
  const names = [...new Set(results.scenarios.map((scenario) => scenario.name))];
  for (const name of names) {
    const rows = results.scenarios.filter((scenario) => scenario.name === name);
    const ours = rows.find((row) => row.subject === 'kinesis-kit')?.metrics ?? {};
    const theirs = rows.find((row) => row.subject === 'aws-kinesis-agg')?.metrics ?? {};
    const ratio = /** @type {number} */ (ours.ratioVsBaseline);
    const low = Number(ours.ratioVsBaselineMin).toFixed(2);
    const range = `${low}–${Number(ours.ratioVsBaselineMax).toFixed(2)}`;
    const cells = [
      name,
      Number(ours.userRecordsPerSec).toLocaleString('en-US'),
      spreadCell(ours),
      Number(theirs.userRecordsPerSec).toLocaleString('en-US'),
      spreadCell(theirs),
      `${ratio.toFixed(2)}× (${range})`,
      ratio >= GOAL_RATIO ? 'yes' : 'no',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The Markdown report: machine, protocol, table.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { machine, protocol } = results;
  const first = results.scenarios[0]?.params ?? {};
  return `# Codec benchmark: KPL aggregation, kinesis-kit vs aws-kinesis-agg

Run on ${results.date}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, \
${machine.os}. See [benchmarks/codec/README.md](../codec/README.md) for what is measured.

User records per second (higher is better): median of ${protocol.runs} interleaved runs of \
≥ ${protocol.runMs / 1000} s per scenario and subject after a ${protocol.warmupMs / 1000} s \
warm-up, each pass over ${Number(first.userRecordsPerPass).toLocaleString('en-US')} user records \
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
      const largest = Number(largestAggregateBytes).toLocaleString('en-US');
      return `- ${row.name}, ${row.subject}: ${aggregatesPerPass} aggregates, largest ${largest} B`;
    })
    .join('\n');
}

/**
 * Writes codec.json and codec.md under benchmarks/results.
 * @param {Results} results
 * @returns {Promise<string[]>} the paths written
 */
export async function writeResults(results) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = `${RESULTS_DIR}codec.json`;
  const markdown = `${RESULTS_DIR}codec.md`;
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(markdown, toMarkdown(results));
  return [json, markdown];
}
