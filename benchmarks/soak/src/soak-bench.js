/**
 * The soak: `node src/soak-bench.js [--quick] [--duration 10m] [--rate 1000]`. Runs the local
 * endpoint (AWS limits, 2 shards), a producer and a consumer, each in its own process, at a
 * steady rate; samples their memory; then stops the producer (it flushes), waits for the
 * consumer to see every acknowledged record, and reports. Full runs write
 * benchmarks/results/soak.json and .md; --quick checks the shape only.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  describeMachineUnderLoad,
  finishRun,
  goalVerdict,
  killEndpointProcessesOnExit,
  loadAverage1m,
  machineSummary,
  markdownTable,
  parseMemoryRunArgs,
  positiveMetricProblems,
  resultDate,
  round,
  runMain,
  shapeProblems,
  startEndpointProcess,
  trendOf,
} from '@kinesis-kit/bench-harness';
import { rssOf } from './memory.js';

const manifest = createRequire(import.meta.url).resolve('@kinesis-kit/local/package.json');
const CLI = join(dirname(manifest), 'dist', 'cli.js');
const HERE = dirname(fileURLToPath(import.meta.url));
const STREAM = 'soak';

/** Memory is flat when it grows less than this from the first fifth to the last fifth. */
const FLAT_GROWTH = 0.1;
/**
 * What the endpoint may hold per retained 100 B record: the data, a 4-character key, the record
 * object and its place in the shard log (a leak would show as more).
 */
const MAX_ENDPOINT_BYTES_PER_RECORD = 600;

const FULL = { durationMs: 600_000, rate: 1000, sampleMs: 5000, warmupMs: 60_000 };
const QUICK = { durationMs: 12_000, rate: 200, sampleMs: 500, warmupMs: 2000 };

/** @param {string} line */
const log = (line) => console.log(line);

/**
 * A node child running one of src/*-process.js, whose stdout JSON lines go to `onLine`.
 * @param {string} script
 * @param {string[]} args
 * @param {(line: any) => void} onLine
 */
function startChild(script, args, onLine) {
  const child = spawn(process.execPath, ['--expose-gc', join(HERE, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on(
    'line',
    (text) => {
      try {
        onLine(JSON.parse(text));
      } catch {
        // Not ours (a library's output): ignore.
      }
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited };
}

async function main() {
  const { quick, protocol } = parseMemoryRunArgs({ full: FULL, quick: QUICK, rateKey: 'rate' });
  killEndpointProcessesOnExit(log);
  const loadAtStart = loadAverage1m();
  log(
    `soak: producer → local endpoint (aws limits, 2 shards) → consumer at ${protocol.rate} records/s ` +
      `for ${protocol.durationMs / 1000} s, memory every ${protocol.sampleMs / 1000} s`,
  );
  const endpoint = await startEndpointProcess(CLI, [
    '--limits',
    'aws',
    '--create-stream',
    `${STREAM}:2`,
  ]);
  const startedAt = performance.now();
  const now = () => (performance.now() - startedAt) / 1000;
  /** @type {Record<'producer' | 'consumer' | 'endpoint', { t: number, rssMiB: number, heapUsedMiB?: number }[]>} */
  const samples = { producer: [], consumer: [], endpoint: [] };
  /** @type {any} */
  let producerDone;
  /** @type {any} */
  let consumerDone;
  let consumerDistinct = 0;
  const producer = startChild(
    'producer-process.js',
    [endpoint.url, STREAM, String(protocol.rate), String(protocol.sampleMs)],
    (line) => {
      if (line.type === 'memory') samples.producer.push({ ...line, t: now() });
      if (line.type === 'done') producerDone = line;
    },
  );
  const consumer = startChild(
    'consumer-process.js',
    [endpoint.url, STREAM, String(protocol.sampleMs)],
    (line) => {
      if (line.type === 'memory') {
        samples.consumer.push({ ...line, t: now() });
        consumerDistinct = line.distinct;
      }
      if (line.type === 'done') consumerDone = line;
    },
  );
  const endpointSampler = setInterval(() => {
    const rssMiB = rssOf(endpoint.pid);
    if (rssMiB !== undefined) samples.endpoint.push({ t: now(), rssMiB });
  }, protocol.sampleMs);
  const progress = setInterval(
    () => {
      const last = (/** @type {{ rssMiB: number }[]} */ series) =>
        series.at(-1)?.rssMiB.toFixed(0) ?? '?';
      log(
        `  ${now().toFixed(0)} s: RSS MiB producer ${last(samples.producer)}, endpoint ` +
          `${last(samples.endpoint)}, consumer ${last(samples.consumer)}; consumed ${consumerDistinct}`,
      );
    },
    Math.max(protocol.sampleMs, protocol.durationMs / 20),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, protocol.durationMs));
    producer.child.kill('SIGTERM');
    await producer.exited;
    if (producerDone === undefined) throw new Error('the producer exited without its summary');
    // Every acknowledged record must reach the consumer.
    const deadline = performance.now() + 60_000;
    while (consumerDistinct < producerDone.acknowledged && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, protocol.sampleMs / 2));
    }
    consumer.child.kill('SIGTERM');
    await consumer.exited;
  } finally {
    clearInterval(endpointSampler);
    clearInterval(progress);
    producer.child.kill('SIGKILL');
    consumer.child.kill('SIGKILL');
    await endpoint.stop();
  }
  if (consumerDone === undefined) throw new Error('the consumer exited without its summary');

  const warmupSeconds = protocol.warmupMs / 1000;
  const scenarios = /** @type {const} */ (['producer', 'endpoint', 'consumer']).map((process) => {
    const steady = samples[process].filter(
      (sample) => sample.t >= warmupSeconds && sample.t <= protocol.durationMs / 1000,
    );
    const rss = trendOf(steady.map((sample) => ({ t: sample.t, value: sample.rssMiB })));
    const heap =
      process === 'endpoint'
        ? undefined
        : trendOf(
            steady.map((sample) => ({
              t: sample.t,
              value: /** @type {number} */ (sample.heapUsedMiB),
            })),
          );
    return {
      name: `steady-${protocol.rate}rps`,
      subject: process,
      params: {
        ratePerSec: protocol.rate,
        durationSeconds: protocol.durationMs / 1000,
        warmupSeconds,
        shards: 2,
      },
      metrics: {
        samples: steady.length,
        rssMiB: { first: round(rss.first, 1), last: round(rss.last, 1), max: round(rss.max, 1) },
        rssGrowthFraction: round(rss.growthFraction, 3),
        rssSlopeMiBPerMin: round(rss.slopePerMinute, 2),
        ...(heap === undefined
          ? {}
          : {
              heapUsedMiB: {
                first: round(heap.first, 1),
                last: round(heap.last, 1),
                max: round(heap.max, 1),
              },
              heapGrowthFraction: round(heap.growthFraction, 3),
            }),
        series: samples[process].map((sample) => ({
          t: round(sample.t, 1),
          rssMiB: round(sample.rssMiB, 1),
        })),
      },
      runs: 1,
    };
  });
  // The endpoint keeps every record for the stream's retention (24 h, like Kinesis), in memory:
  // its memory grows with what it stores. What it costs per stored record says whether that is
  // all (a leak would cost more than a record's bytes and bookkeeping).
  const endpointRow = scenarios.find((row) => row.subject === 'endpoint');
  const storedPerMinute = protocol.rate * 60;
  const endpointBytesPerRecord = endpointRow
    ? Math.round((endpointRow.metrics.rssSlopeMiBPerMin * 1024 * 1024) / storedPerMinute)
    : 0;
  // Judged on the live heap (sampled after a full collection): RSS also shows how much memory
  // V8 keeps around, which grows with no leak at all.
  const flat = scenarios
    .filter((row) => row.subject !== 'endpoint')
    .every((row) => Math.abs(row.metrics.heapGrowthFraction ?? 0) <= FLAT_GROWTH);
  const complete = consumerDone.distinct >= producerDone.acknowledged && producerDone.failed === 0;
  const results = {
    benchmark: 'soak',
    date: resultDate(new Date()),
    machine: describeMachineUnderLoad(loadAtStart),
    protocol,
    delivery: {
      ...producerDone,
      consumedDistinct: consumerDone.distinct,
      consumedDelivered: consumerDone.delivered,
    },
    goals: [
      {
        goal: `memory stays flat: the producer's and the consumer's live heap grows < ${FLAT_GROWTH * 100}% from the first to the last fifth of the steady state; the endpoint's memory grows only with the records it retains`,
        met: flat && endpointBytesPerRecord <= MAX_ENDPOINT_BYTES_PER_RECORD,
        detail: [
          ...scenarios.map((row) =>
            row.metrics.heapUsedMiB === undefined
              ? `${row.subject} RSS ${row.metrics.rssMiB.first}→${row.metrics.rssMiB.last} MiB (${row.metrics.rssSlopeMiBPerMin} MiB/min)`
              : `${row.subject} live heap ${row.metrics.heapUsedMiB.first}→${row.metrics.heapUsedMiB.last} MiB (${((row.metrics.heapGrowthFraction ?? 0) * 100).toFixed(1)}%); RSS ${row.metrics.rssMiB.first}→${row.metrics.rssMiB.last} MiB`,
          ),
          `endpoint: ${endpointBytesPerRecord} B of RSS per retained record of 100 B (≤ ${MAX_ENDPOINT_BYTES_PER_RECORD} B: the record, its key and bookkeeping)`,
        ],
      },
      {
        goal: 'every acknowledged record reaches the consumer, none fails',
        met: complete,
        detail: [
          `acknowledged ${producerDone.acknowledged} of ${producerDone.sent}, failed ${producerDone.failed}; consumed ${consumerDone.distinct} distinct (${consumerDone.delivered} deliveries)`,
        ],
      },
    ],
    scenarios,
  };
  await finishRun({
    quick,
    results,
    printed: [toTable(results), goalVerdict(results)],
    log,
    toMarkdown,
    shapeProblems: () => [
      ...shapeProblems(results, {
        benchmark: 'soak',
        scenarios: [`steady-${protocol.rate}rps`],
        subjects: ['producer', 'endpoint', 'consumer'],
        runs: 1,
        rowProblems: (row, label) =>
          positiveMetricProblems(
            /** @type {Record<string, unknown>} */ (row.metrics),
            ['samples'],
            label,
          ),
      }),
      ...(complete ? [] : [`delivery incomplete: ${JSON.stringify(results.delivery)}`]),
    ],
  });
}

/** @param {any} results */
function toTable(results) {
  return markdownTable(
    [
      { title: 'Process' },
      { title: 'RSS MiB first → last (max)', align: 'right' },
      { title: 'RSS growth', align: 'right' },
      { title: 'RSS slope MiB/min', align: 'right' },
      { title: 'live heap MiB first → last (growth)', align: 'right' },
      { title: 'samples', align: 'right' },
    ],
    results.scenarios.map((/** @type {any} */ row) => {
      const m = row.metrics;
      return [
        row.subject,
        `${m.rssMiB.first} → ${m.rssMiB.last} (${m.rssMiB.max})`,
        `${(m.rssGrowthFraction * 100).toFixed(1)}%`,
        String(m.rssSlopeMiBPerMin),
        m.heapUsedMiB
          ? `${m.heapUsedMiB.first} → ${m.heapUsedMiB.last} (${(m.heapGrowthFraction * 100).toFixed(1)}%)`
          : '–',
        String(m.samples),
      ];
    }),
  );
}

/** @param {any} results */
function toMarkdown(results) {
  const p = results.protocol;
  return `# Soak: producer → local endpoint → consumer, memory over time

${results.date}, ${machineSummary(results.machine)}. ${p.rate} records/s of 100 B for ${p.durationMs / 1000} s
through a KinesisProducer (own process) into the local endpoint (own process, \`aws\` limits, 2
shards), read by a KinesisConsumer (own process, polling); memory sampled every ${p.sampleMs / 1000} s
(the producer's and consumer's after a full garbage collection: their live heap),
the first ${p.warmupMs / 1000} s left out as warm-up. Growth compares the medians of the first and
last fifths of the steady state; the slope is a least-squares fit.

${toTable(results)}

Delivery: ${results.goals[1].detail[0]}.

## Goals

${goalVerdict(results)}
`;
}

runMain(main);
