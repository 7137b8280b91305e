/**
 * The long run: the COUNT query through `runQuery` over an endless stream of fresh events at a
 * steady `eventsPerSec` (event time advancing, so windows keep opening and closing) for
 * `durationMs`. Every `sampleMs` it forces a full garbage collection and records the live heap,
 * the RSS and the engine's state (`run.stats()`: open windows and groups). Memory is judged as
 * the soak benchmark judges it: the first fifth of the steady state against the last.
 */
import { runQuery } from '@kinesis-kit/analytics';
import { flinkTumbleCountSql } from '@kinesis-kit/bench-analytics/subjects';
import { WORKLOAD } from '@kinesis-kit/bench-analytics/workloads';
import { collectGarbage, formatThousands, round, trendOf } from '@kinesis-kit/bench-harness';
import { pacedSource } from './paced-source.js';

const MiB = 1024 * 1024;

/**
 * Where in each window's event time the samples are taken: after the watermark delay and the
 * disorder, so the window before has fired.
 */
const SAMPLE_PHASE_MS = WORKLOAD.watermarkDelayMs + WORKLOAD.maxDisorderMs + 1200;

/**
 * @typedef {{ eventsPerSec: number, durationMs: number, sampleMs: number, warmupMs: number, maxHeapMiB: number, minSamples: number }} MemoryProtocol
 *   `eventsPerSec`: the target rate; `sampleMs`: at least this long between samples (each waits
 *   for its point of the window cycle); `maxHeapMiB`: the run stops early when the live heap
 *   passes this (a leak would otherwise end the process before the report); `minSamples`: after
 *   the warm-up, or it fails
 * @typedef {object} MemorySample
 * @property {number} t seconds since the start
 * @property {number} events events read so far
 * @property {number} heapUsedMiB live heap, after a full collection
 * @property {number} rssMiB
 * @property {number} openWindows
 * @property {number} openGroups
 */

/** The run fell behind when it achieved less than this fraction of its target rate. */
const ON_PACE_FRACTION = 0.98;

/**
 * The cores the process kept busy since `start`: its CPU time (every thread, the garbage
 * collector's too) over the wall time.
 * @param {NodeJS.CpuUsage} start
 * @param {number} wallMs
 */
function coresSince(start, wallMs) {
  const cpu = process.cpuUsage(start);
  return round((cpu.user + cpu.system) / 1000 / wallMs, 2);
}

/**
 * @param {MemoryProtocol} protocol
 * @param {(line: string) => void} log
 */
export async function runMemory(protocol, log) {
  const sizeMs = 10_000;
  const sql = flinkTumbleCountSql(sizeMs);
  /** @type {MemorySample[]} */
  const samples = [];
  const startedAt = performance.now();
  const cpuStart = process.cpuUsage();
  const endAt = startedAt + protocol.durationMs;
  let nextSampleAt = startedAt;
  const progressEveryMs = Math.max(protocol.sampleMs, protocol.durationMs / 20);
  let nextProgressAt = startedAt + progressEveryMs;
  /** @type {ReturnType<typeof runQuery> | undefined} */
  let run;
  /** @type {string | undefined} */
  let stoppedEarly;
  // Sampled from the source, between batches (the engine runs in this thread), at the same
  // point of the window cycle each time (event time SAMPLE_PHASE_MS into a window: the one
  // before has fired and been released), since the state, and so the heap, grows within each
  // window.
  let previousPhaseMs = 0;
  const onBatch = (/** @type {number} */ events) => {
    const phaseMs = ((events * 1000) / WORKLOAD.eventsPerSimulatedSecond) % sizeMs;
    const crossed = previousPhaseMs < SAMPLE_PHASE_MS && phaseMs >= SAMPLE_PHASE_MS;
    previousPhaseMs = phaseMs;
    if (!crossed || run === undefined) return;
    const now = performance.now();
    if (now < nextSampleAt) return;
    collectGarbage();
    const usage = process.memoryUsage();
    const stats = run.stats();
    samples.push({
      t: (now - startedAt) / 1000,
      events,
      heapUsedMiB: usage.heapUsed / MiB,
      rssMiB: usage.rss / MiB,
      openWindows: stats.openWindows,
      openGroups: stats.openGroups,
    });
    nextSampleAt = now + protocol.sampleMs;
    if (usage.heapUsed / MiB > protocol.maxHeapMiB && stoppedEarly === undefined) {
      stoppedEarly = `stopped after ${Math.round((now - startedAt) / 1000)} s: the live heap passed ${protocol.maxHeapMiB} MiB`;
      log(`  ${stoppedEarly}`);
    }
    if (now >= nextProgressAt) {
      nextProgressAt = now + progressEveryMs;
      const last = /** @type {MemorySample} */ (samples.at(-1));
      log(
        `  ${last.t.toFixed(0)} s: ${formatThousands(events)} events ` +
          `(${formatThousands(Math.round(events / last.t))}/s, ${coresSince(cpuStart, last.t * 1000)} core), ` +
          `live heap ${last.heapUsedMiB.toFixed(1)} MiB, RSS ${last.rssMiB.toFixed(0)} MiB, ` +
          `${last.openWindows} open windows, ${formatThousands(last.openGroups)} groups`,
      );
    }
  };
  const source = pacedSource({
    eventsPerSec: protocol.eventsPerSec,
    shouldStop: () => stoppedEarly !== undefined || performance.now() >= endAt,
    onBatch,
  });
  run = runQuery(sql, { source });
  let resultRows = 0;
  for await (const _output of run) resultRows++;
  const stats = await run.done;
  const wallMs = performance.now() - startedAt;
  const warmupSeconds = protocol.warmupMs / 1000;
  // A run stopped early keeps at least its later samples, so that the trend shows the growth.
  const steady = samples.filter(
    (sample) => sample.t >= (stoppedEarly === undefined ? warmupSeconds : 0),
  );
  const needed = stoppedEarly === undefined ? protocol.minSamples : 2;
  if (steady.length < needed) {
    throw new Error(
      `the memory run took ${steady.length} samples after the warm-up; needs ${needed}`,
    );
  }
  const heap = trendOf(steady.map((s) => ({ t: s.t, value: s.heapUsedMiB })));
  const rss = trendOf(steady.map((s) => ({ t: s.t, value: s.rssMiB })));
  const groups = trendOf(steady.map((s) => ({ t: s.t, value: s.openGroups })));
  const simulatedSeconds = stats.rowsIn / WORKLOAD.eventsPerSimulatedSecond;
  const eventsPerSec = Math.round((stats.rowsIn * 1000) / wallMs);
  const onPace = eventsPerSec >= protocol.eventsPerSec * ON_PACE_FRACTION;
  return {
    sql,
    params: {
      targetEventsPerSec: protocol.eventsPerSec,
      durationSeconds: protocol.durationMs / 1000,
      ranSeconds: round(wallMs / 1000, 1),
      maxHeapMiB: protocol.maxHeapMiB,
      warmupSeconds,
      sampleSeconds: protocol.sampleMs / 1000,
      windowSeconds: sizeMs / 1000,
    },
    metrics: {
      ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
      ...(onPace
        ? {}
        : {
            fellBehind:
              `fell behind: ${formatThousands(eventsPerSec)} events/s of the target ` +
              `${formatThousands(protocol.eventsPerSec)}`,
          }),
      events: stats.rowsIn,
      resultRows,
      windowsClosed: Math.floor(simulatedSeconds / (sizeMs / 1000)),
      rowsLate: stats.rowsLate,
      // Achieved, against the target in params; the forced collections of the samples delay
      // the source, which catches up.
      eventsPerSec,
      cpuPerWall: coresSince(cpuStart, wallMs),
      samples: steady.length,
      heapUsedMiB: {
        first: round(heap.first, 1),
        last: round(heap.last, 1),
        max: round(heap.max, 1),
      },
      heapGrowthFraction: round(heap.growthFraction, 3),
      heapSlopeMiBPerMin: round(heap.slopePerMinute, 3),
      rssMiB: { first: round(rss.first, 1), last: round(rss.last, 1), max: round(rss.max, 1) },
      rssGrowthFraction: round(rss.growthFraction, 3),
      openGroups: {
        first: Math.round(groups.first),
        last: Math.round(groups.last),
        max: groups.max,
      },
      openWindowsMax: Math.max(...steady.map((s) => s.openWindows)),
      series: samples.map((s) => ({
        t: round(s.t, 1),
        heapUsedMiB: round(s.heapUsedMiB, 2),
        rssMiB: round(s.rssMiB, 1),
        openWindows: s.openWindows,
        openGroups: s.openGroups,
      })),
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof runMemory>>} MemoryResult */
