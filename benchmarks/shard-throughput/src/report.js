/**
 * Results: the result-file object of the benchmark protocol (BENCHMARKS.md), its Markdown
 * table, the verdict on the goals, and the report. (Writing them is the harness's.)
 */
import {
  describeMachineUnderLoad,
  formatRatio,
  formatSpread,
  formatThousands,
  machineSummary,
  markdownTable,
  ranBesideText,
  resultDate,
  round,
} from '@kinesis-kit/bench-harness';
import { BUFFER_SECONDS, OFFERED_LOAD } from './measure.js';
import { metricsOf } from './metrics.js';
import {
  LONG_KEY_CHARS,
  measuresIn,
  SHORT_KEY_CHARS,
  scenarioName,
  sizeName,
} from './scenarios.js';
import { awsKinesisAggSubject } from './subjects/aws-kinesis-agg.js';
import { BASELINE, OURS } from './subjects.js';

/**
 * @typedef {import('./runner.js').Measured} Measured
 * @typedef {import('./runner.js').Protocol} Protocol
 * @typedef {import('./subjects.js').Subject} Subject
 */

/** Goal: every scenario reaches this fraction of the shards' binding limit. */
export const GOAL_LIMIT_FRACTION = 0.95;
/**
 * Goal: with 100 B records and aggregation, this many times baseline 2's user records/s; judged
 * with short (12-character) partition keys, since with 36-character keys the shard limits allow
 * no writer more than about 7.25×.
 */
export const GOAL_RATIO_100B = 8;
/** Goal: at most this fraction of the Kinesis records sent is throttled. */
export const GOAL_THROTTLED_FRACTION = 0.05;

/**
 * The result rows of one group: its aggregated scenario, then its plain one (if it has one).
 * @param {Measured} measured
 * @param {Subject[]} subjects
 */
function rowsOf({ group, ceilings, windowMs, samples }, subjects) {
  const baseline = subjects.find((subject) => subject.name === BASELINE);
  const baselineSamples = baseline ? samples.get(baseline.id) : undefined;
  return group.families.flatMap((family) =>
    subjects
      .filter((subject) => measuresIn(subject, { ...group, families: [family] }))
      .map((subject) => {
        const own = samples.get(subject.id) ?? [];
        const first = own[0];
        return {
          name: scenarioName(family, group),
          subject: subject.name,
          params: {
            recordBytes: group.recordBytes,
            partitionKeyChars: group.partitionKeyChars,
            shards: group.shards,
            aggregation: family === 'aggregated',
            subjectAggregates: subject.packing === 'aggregated',
            library: subject.library,
            how: subject.how,
            ceilingUserRecordsPerSecPerShard: round(ceilings[subject.packing], 1),
            offeredUserRecordsPerSec: Math.round(first?.offeredPerSec ?? 0),
            bufferRecords: first?.bufferRecords ?? 0,
            windowSeconds: windowMs / 1000,
            ...(subject.family === 'both' && group.families.length > 1
              ? {
                  measurement:
                    'shared by the aggregated and plain rows of this size, key length and shards',
                }
              : {}),
          },
          metrics: metricsOf(own, group.shards, subject === baseline ? undefined : baselineSamples),
          runs: own.length,
        };
      }),
  );
}

/**
 * @typedef {ReturnType<typeof rowsOf>[number]} Row
 * @typedef {{ goal: string, met: boolean, detail: string[] }} Goal
 */

/** @param {Record<string, unknown>} metrics the limitFraction of each run, comma-separated */
const perRun = (metrics) => /** @type {number[]} */ (metrics.limitFractionPerRun).join(', ');

/** @param {Record<string, unknown>} metrics */
function ratioCell(metrics) {
  if (metrics.ratioVsPutRecords === undefined) return '1× (baseline 2)';
  return formatRatio(
    Number(metrics.ratioVsPutRecords),
    Number(metrics.ratioVsPutRecordsMin),
    Number(metrics.ratioVsPutRecordsMax),
  );
}

/**
 * @param {Row[]} rows
 * @param {string} name
 * @param {string} subject
 */
const findRow = (rows, name, subject) =>
  rows.find((row) => row.name === name && row.subject === subject);

/**
 * Whether kinesis-kit meets each goal, with the numbers.
 * @param {Row[]} rows
 * @param {Measured[]} measured
 * @returns {Goal[]}
 */
function judgeGoals(rows, measured) {
  const ours = rows.filter((row) => row.subject === OURS);
  const limitMisses = ours.filter((row) => Number(row.metrics.limitFraction) < GOAL_LIMIT_FRACTION);
  const throttleMisses = ours.filter(
    (row) => Number(row.metrics.throttledFraction) > GOAL_THROTTLED_FRACTION,
  );
  // Judged on the short-key scenarios; the 36-character ones are shown with the ceiling that
  // keeps every writer below the goal.
  const judged = [];
  const shown = [];
  let ratioMet = true;
  for (const { group, ceilings } of measured) {
    if (group.recordBytes !== 100 || !group.families.includes('aggregated')) continue;
    const name = scenarioName('aggregated', group);
    const row = findRow(rows, name, OURS);
    if (!row) continue;
    const possible = ceilings.aggregated / ceilings.plain;
    const line =
      `${name}: ${ratioCell(row.metrics)} ` +
      `PutRecords (${formatThousands(Number(row.metrics.userRecordsPerSec))} vs ` +
      `${formatThousands(Number(findRow(rows, name, BASELINE)?.metrics.userRecordsPerSec))} ` +
      `user records/s); with ${group.partitionKeyChars}-character keys the shard limits allow ` +
      `at most ${possible.toFixed(2)}×`;
    if (group.partitionKeyChars === LONG_KEY_CHARS) {
      const agg = findRow(rows, name, awsKinesisAggSubject.name);
      shown.push(
        `${line}, below the goal for any writer: shown, not judged` +
          (agg ? ` (baseline 3, aws-kinesis-agg: ${ratioCell(agg.metrics)})` : ''),
      );
      continue;
    }
    if (!(Number(row.metrics.ratioVsPutRecords) >= GOAL_RATIO_100B)) ratioMet = false;
    judged.push(line);
  }
  const limitLine = (/** @type {Row} */ row) =>
    `${row.name}: ${Number(row.metrics.limitFraction).toFixed(3)} ` +
    `(${row.metrics.binding}; runs ${perRun(row.metrics)})`;
  const throttleLine = (/** @type {Row} */ row) =>
    `${row.name}: ${(Number(row.metrics.throttledFraction) * 100).toFixed(1)}%`;
  const lowest = minBy(ours, (row) => Number(row.metrics.limitFraction));
  const highest = minBy(ours, (row) => -Number(row.metrics.throttledFraction));
  return [
    {
      goal: `limitFraction ≥ ${GOAL_LIMIT_FRACTION} in every scenario`,
      met: limitMisses.length === 0,
      detail:
        limitMisses.length === 0 ? [`lowest: ${limitLine(lowest)}`] : limitMisses.map(limitLine),
    },
    {
      goal:
        `100 B records with aggregation: ≥ ${GOAL_RATIO_100B}× the user records/s of ` +
        `PutRecords (baseline 2) with the same keys, judged with ${SHORT_KEY_CHARS}-character ` +
        'partition keys',
      met: ratioMet && judged.length > 0,
      detail: [...judged, ...shown],
    },
    {
      goal: `throttled fraction ≤ ${GOAL_THROTTLED_FRACTION * 100}% in every scenario`,
      met: throttleMisses.length === 0,
      detail:
        throttleMisses.length === 0
          ? [`highest: ${throttleLine(highest)}`]
          : throttleMisses.map(throttleLine),
    },
  ];
}

/**
 * @template T
 * @param {T[]} items
 * @param {(item: T) => number} key
 * @returns {T}
 */
function minBy(items, key) {
  return /** @type {T} */ (items.reduce((best, item) => (key(item) < key(best) ? item : best)));
}

/**
 * The result-file object: one row per scenario and subject.
 * @param {Measured[]} measured
 * @param {Subject[]} subjects
 * @param {Protocol} protocol
 * @param {{ date: Date, loadAtStart: number, elapsedMs: number,
 *   provenance: import('./provenance.js').Provenance, ranBeside: string[] }} run
 *   `ranBeside`: the benchmarks `npm run bench -- all` ran this one beside (none: alone)
 */
export function buildResults(
  measured,
  subjects,
  protocol,
  { date, loadAtStart, elapsedMs, provenance, ranBeside },
) {
  const scenarios = measured.flatMap((entry) => rowsOf(entry, subjects));
  return {
    benchmark: 'shard-throughput',
    date: resultDate(date),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol: {
      ...protocol,
      offeredLoad: `${OFFERED_LOAD}× the user records/s the shards take at most`,
      bufferSeconds: BUFFER_SECONDS,
      endpoint: 'kinesis-kit-local --limits aws, a child process per group and run',
      order:
        'each run measures every record size, key length and shard count in turn, every ' +
        'subject of its scenarios on a fresh stream, the order of the subjects reversed every run',
      elapsedSeconds: Math.round(elapsedMs / 1000),
      ranBeside,
    },
    measured: provenance,
    subjects: subjects.map(({ id, name, label, library, how, packing, family }) => ({
      id,
      name,
      label,
      library,
      how,
      packing,
      family,
    })),
    ceilings: measured
      .map(({ group, ceilings, windowMs }) => ({
        recordBytes: group.recordBytes,
        partitionKeyChars: group.partitionKeyChars,
        plainUserRecordsPerSecPerShard: round(ceilings.plain, 1),
        aggregatedUserRecordsPerSecPerShard: round(ceilings.aggregated, 1),
        aggregatedBytesPerUserRecord: round(ceilings.aggregatedBytesPerUserRecord, 1),
        aggregatedKinesisRecordsPerSecPerShard: round(ceilings.aggregatedKinesisRecordsPerSec, 1),
        windowSeconds: windowMs / 1000,
      }))
      .filter(
        (entry, index, all) =>
          all.findIndex(
            (e) =>
              e.recordBytes === entry.recordBytes &&
              e.partitionKeyChars === entry.partitionKeyChars,
          ) === index,
      ),
    goals: judgeGoals(scenarios, measured),
    scenarios,
  };
}

/** @typedef {ReturnType<typeof buildResults>} Results */

/** @param {unknown} cores fraction of one core, or null */
const cpuCell = (cores) => (typeof cores === 'number' ? `${Math.round(cores * 100)}%` : '?');

/**
 * The table: one row per scenario and subject.
 * @param {Results} results
 */
export function toTable(results) {
  const label = new Map(results.subjects.map((subject) => [subject.name, subject.label]));
  const rows = results.scenarios.map(({ name, subject, metrics: m }) => {
    const latency = /** @type {{ p50: number, p99: number }} */ (m.latencyMs);
    return [
      name,
      label.get(subject) ?? subject,
      formatThousands(Number(m.userRecordsPerSec)),
      formatSpread(
        Number(m.userRecordsPerSecMin),
        Number(m.userRecordsPerSecMax),
        Number(m.relativeSpread),
      ),
      formatThousands(Number(m.userRecordsPerSecPerShard)),
      formatThousands(Number(m.kinesisRecordsPerSecPerShard)),
      formatThousands(Number(m.bytesPerSecPerShard)),
      `${Number(m.limitFraction).toFixed(3)} (${m.binding})`,
      `${(Number(m.throttledFraction) * 100).toFixed(1)}%`,
      `${Math.round(latency.p50)} / ${Math.round(latency.p99)}`,
      `${cpuCell(m.clientCpuCores)} / ${cpuCell(m.endpointCpuCores)}`,
      ratioCell(m),
    ];
  });
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'Subject' },
      { title: 'user rec/s', align: 'right' },
      { title: 'spread (min–max)', align: 'right' },
      { title: 'user rec/s per shard', align: 'right' },
      { title: 'Kinesis rec/s per shard', align: 'right' },
      { title: 'bytes/s per shard', align: 'right' },
      { title: 'limitFraction (binding)', align: 'right' },
      { title: 'throttled', align: 'right' },
      { title: 'put latency p50 / p99 ms', align: 'right' },
      { title: 'CPU producer / endpoint', align: 'right' },
      { title: 'vs PutRecords (per-run range)', align: 'right' },
    ],
    rows,
  );
}

/**
 * The goals, met or not, with the numbers.
 * @param {Results} results
 */
export function toVerdict(results) {
  return results.goals
    .map(
      ({ goal, met, detail }) =>
        `- **${met ? 'met' : 'NOT met'}**: ${goal}.\n` +
        detail.map((line) => `  - ${line}`).join('\n'),
    )
    .join('\n');
}

/**
 * The ceilings: what one shard takes at most of each record size and key length, the most
 * aggregation can gain over one Kinesis record per user record, and the window they give.
 * @param {Results} results
 */
function ceilingsTable(results) {
  return markdownTable(
    [
      { title: 'Record size' },
      { title: 'key chars', align: 'right' },
      { title: 'plain: user rec/s per shard', align: 'right' },
      { title: 'aggregated (50 KiB aggregates): user rec/s per shard', align: 'right' },
      { title: 'Kinesis bytes per aggregated user record', align: 'right' },
      { title: 'aggregated ÷ plain: most vs PutRecords', align: 'right' },
      { title: 'aggregated: Kinesis rec/s per shard', align: 'right' },
      { title: 'window (s)', align: 'right' },
    ],
    results.ceilings.map((entry) => [
      sizeName(entry.recordBytes),
      String(entry.partitionKeyChars),
      formatThousands(entry.plainUserRecordsPerSecPerShard),
      formatThousands(entry.aggregatedUserRecordsPerSecPerShard),
      formatThousands(entry.aggregatedBytesPerUserRecord),
      `${(entry.aggregatedUserRecordsPerSecPerShard / entry.plainUserRecordsPerSecPerShard).toFixed(2)}×`,
      formatThousands(entry.aggregatedKinesisRecordsPerSecPerShard),
      String(entry.windowSeconds),
    ]),
  );
}

/**
 * kinesis-kit's rows with what explains its limitFraction: throttling in the window and over the
 * whole measurement, and the share of the limits it allowed itself at the window's end.
 * @param {Results} results
 */
function producerTable(results) {
  const rows = results.scenarios.filter((row) => row.subject === OURS);
  const percent = (/** @type {unknown} */ value) => `${(Number(value) * 100).toFixed(1)}%`;
  return markdownTable(
    [
      { title: 'Scenario' },
      { title: 'window (s)', align: 'right' },
      { title: 'Kinesis rec per shard in window', align: 'right' },
      { title: 'limitFraction (per run)', align: 'right' },
      { title: 'throttled: window', align: 'right' },
      { title: 'throttled: warm-up to close', align: 'right' },
      { title: 'rate factor at window end', align: 'right' },
      { title: 'requests/s', align: 'right' },
    ],
    rows.map(({ name, params, metrics: m }) => [
      name,
      String(params.windowSeconds),
      formatThousands(Number(m.kinesisRecordsPerShardInWindow)),
      `${Number(m.limitFraction).toFixed(3)} (${perRun(m)})`,
      percent(m.throttledFraction),
      percent(m.throttledFractionWholeMeasurement),
      m.producerRateFactorAtWindowEnd === undefined
        ? '?'
        : Number(m.producerRateFactorAtWindowEnd).toFixed(2),
      formatThousands(Number(m.requestsPerSec)),
    ]),
  );
}

/**
 * What the shard limits allow with 100 B records and each key length, in a phrase.
 * @param {Results} results
 */
function mostVsPutRecords100B(results) {
  const phrases = results.ceilings
    .filter((entry) => entry.recordBytes === 100)
    .map(
      (entry) =>
        `${(entry.aggregatedUserRecordsPerSecPerShard / entry.plainUserRecordsPerSecPerShard).toFixed(2)}× ` +
        `with ${entry.partitionKeyChars}-character keys`,
    );
  return phrases.length === 0
    ? ''
    : `: with 100 B records the shard limits allow no writer more than ` +
        `${phrases.join(' and ')} (the goal is ${GOAL_RATIO_100B}×)`;
}

/**
 * The code measured, in a phrase: commit, and each package's build with what it includes.
 * @param {Results} results
 */
function measuredLine({ measured }) {
  const commit = measured.commit ? `commit ${measured.commit}` : 'no git commit known';
  const builds = measured.builds.map((build) => {
    const notes = [];
    if (build.uncommittedInBuild.length > 0) {
      notes.push(`with uncommitted changes to ${build.uncommittedInBuild.join(', ')}`);
    }
    if (build.sourcesChangedSinceBuild.length > 0) {
      notes.push(`${build.sourcesChangedSinceBuild.length} source files changed since`);
    }
    const note = notes.length === 0 ? 'as committed' : notes.join('; ');
    return `${build.package} built ${build.built} (sha256 ${build.sha256}…, ${note})`;
  });
  return `${commit}; ${builds.join(', ')}`;
}

/**
 * The Markdown report: machine, protocol, ceilings, table, verdict.
 * @param {Results} results
 */
export function toMarkdown(results) {
  const { machine, protocol } = results;
  return `# Shard throughput: kinesis-kit's producer vs hand-rolled writers

Run on ${results.date}: ${machineSummary(machine)}; 1-minute load average \
${machine.loadAverage1m.start} at the start and ${machine.loadAverage1m.end} at the end (the \
machine is shared: absolute rates vary, ratios and fractions of the limit much less). The run \
took ${(protocol.elapsedSeconds / 60).toFixed(1)} minutes, ${ranBesideText(protocol.ranBeside)}. \
Measured: ${measuredLine(results)}. See \
[benchmarks/shard-throughput/README.md](../shard-throughput/README.md) for what is measured \
and how.

Every subject writes to a fresh stream of the local endpoint (\`kinesis-kit-local --limits \
aws\`: 1,000 records/s and 1 MiB/s per shard, one second of burst), offered \
${OFFERED_LOAD}× the user records per second the shards take at most, with a buffer of \
${BUFFER_SECONDS} s of that (the source waits while it is full). Each measurement: \
${protocol.warmupMs / 1000} s of warm-up (the shards' burst), then a window of steady state of \
at least ${protocol.minWindowMs / 1000} s, longer where needed for the shards to take \
${protocol.minKinesisRecordsPerShard} Kinesis records each at the ceiling (one record is then \
at most ${(100 / Math.max(1, protocol.minKinesisRecordsPerShard)).toFixed(0)}% of \
limitFraction): the window of each record size and key length is in the ceilings table, and \
of each scenario in the producer's table below; ${protocol.runs} runs, interleaved (every \
subject of a record size, key length and shard count in turn, on an endpoint of their own). \
User records are random data with random partition keys of ${LONG_KEY_CHARS} characters \
(UUID-like), or of ${SHORT_KEY_CHARS} characters in the scenarios named \
\`…-key${SHORT_KEY_CHARS}\` (\`u-\` and 10 random digits and letters, like user ids; \
aggregation on only, with baseline 2 and 3 measured on the same keys). \
Rates: median of the runs, spread min–max and (max − min) / median. limitFraction: what the \
endpoint accepted per shard (Kinesis records and their data + key bytes) as a fraction of the \
limit that binds first, median of the runs. Throttled: Kinesis records answered \
ProvisionedThroughputExceeded ÷ Kinesis records sent, all runs. Latency: from \`put\` to stored \
(time in the buffer included), all runs. CPU: the benchmark process (subject, SDK client and \
the source of records) and the endpoint, over the window (100% = one core). PutRecords does \
not aggregate: one measurement per record size, key length and shard count fills its \
aggregated and plain rows.

What one shard takes at most (the ceiling of the user records per second), by record size and \
partition-key length; the most any aggregating writer can gain over baseline 2 (one Kinesis \
record per user record) with those records and keys; and the window of steady state. An \
aggregated user record costs its data, its key in the aggregate's key table and protobuf \
framing${mostVsPutRecords100B(results)}.

${ceilingsTable(results)}

${toTable(results)}

![User records per second per shard against the limit](shard-throughput.svg)

## Goals (kinesis-kit)

${toVerdict(results)}

## The producer's own figures

The rate factor is the share of each shard's limits KinesisProducer allowed itself at the end \
of the window (\`producer.metrics().shards[id].rateFactor\`, mean over the shards, median over \
the runs; 1 = the whole limit): the producer lowers it when a shard throttles and raises it \
again over time. Throttled from warm-up to close: median over the runs of the fraction \
throttled over the whole measurement, the end of the shards' initial burst included. \
Requests/s: PutRecords calls answered per second in the window, median over the runs.

${producerTable(results)}
`;
}
