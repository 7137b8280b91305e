/**
 * One measurement: a subject on a fresh stream, offered records above what the shards take;
 * after the warm-up (which spends the shards' one-second burst), a window of steady state in
 * which the meter counts what the endpoint accepted and the source what was stored; then the
 * subject is closed and the stream deleted.
 */
import { startCpuMeter } from '@kinesis-kit/bench-harness';
import { createClient } from './client.js';
import { limitUse } from './limits.js';
import { KinesisMeter } from './meter.js';
import { startSource } from './source.js';
import { createStream, deleteStream } from './streams.js';

/** The offered load: this many times the user records per second the shards take at most. */
export const OFFERED_LOAD = 3;

/** The buffer every subject gets: this many seconds of what the shards take at most. */
export const BUFFER_SECONDS = 1;

/** A window's length is rounded up to a multiple of this many milliseconds. */
const WINDOW_STEP_MS = 500;

/**
 * @typedef {object} WindowRule how long a group's window is
 * @property {number} minWindowMs the shortest window
 * @property {number} minKinesisRecordsPerShard Kinesis records one shard should accept in the
 *   window at the ceiling, so that one record is a small step of limitFraction (0 for none)
 */

/**
 * The steady-state window of a group: the rule's shortest window, or long enough for the
 * rule's Kinesis records per shard at the slowest of the group's ceilings in Kinesis records
 * (plain, or in aggregates of the producer's default byte budget), rounded up to half a second.
 * @param {import('./workload.js').Ceilings} ceilings
 * @param {('aggregated' | 'plain')[]} packings of the subjects measured in the group
 * @param {WindowRule} rule
 * @returns {number} milliseconds
 */
export function windowMsOf(ceilings, packings, { minWindowMs, minKinesisRecordsPerShard }) {
  const slowest = Math.min(
    ...packings.map((packing) =>
      packing === 'aggregated'
        ? ceilings.aggregatedKinesisRecordsPerSec
        : ceilings.plainKinesisRecordsPerSec,
    ),
  );
  const needed = (minKinesisRecordsPerShard / slowest) * 1000;
  return Math.max(minWindowMs, Math.ceil(needed / WINDOW_STEP_MS) * WINDOW_STEP_MS);
}

/** Longest a subject may take to settle its outstanding records once closed. */
const CLOSE_TIMEOUT_MS = 30_000;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./workload.js').UserRecord} UserRecord
 * @typedef {import('./workload.js').Ceilings} Ceilings
 * @typedef {{ warmupMs: number, windowMs: number }} Timing
 * @typedef {object} Setup what a measurement runs against
 * @property {import('@kinesis-kit/bench-harness').EndpointProcess} endpoint
 * @property {import('@aws-sdk/client-kinesis').KinesisClient} control creates and deletes streams
 * @property {string} stream a name not used before on this endpoint
 * @property {number} shards
 * @property {UserRecord[]} pool
 * @property {Ceilings} ceilings
 * @property {Timing} timing
 * @typedef {object} Sample what one measurement found
 * @property {number} seconds the window's length
 * @property {number} userRecords user records stored in the window
 * @property {number} userRecordsPerSec
 * @property {number} failedUserRecords user records whose put failed in the window
 * @property {number[]} latenciesMs of the user records stored in the window
 * @property {import('./meter.js').MeterCounts} kinesis what the endpoint answered in the window
 * @property {import('./limits.js').LimitUse} limit
 * @property {number} kinesisRecordsPerSecPerShard accepted, mean over the shards
 * @property {number} bytesPerSecPerShard accepted Kinesis bytes (data + key), mean over shards
 * @property {number} throttledFraction throttled Kinesis records ÷ Kinesis records sent
 * @property {number} wholeThrottledFraction the same over the whole measurement: warm-up,
 *   window and closing
 * @property {Record<string, number>} diagnostics the subject's own figures at the window's end
 * @property {number} clientCpuMs this process: subject, client, source
 * @property {number | undefined} endpointCpuMs
 * @property {number} bufferRecords
 * @property {number} offeredPerSec
 */

/**
 * Measures `subject` once.
 * @param {Subject} subject
 * @param {Setup} setup
 * @returns {Promise<Sample>}
 */
export async function measureOnce(subject, setup) {
  const { endpoint, control, stream, shards, pool, ceilings, timing } = setup;
  await createStream(control, stream, shards);
  const meter = new KinesisMeter();
  const client = createClient(endpoint.url, meter);
  const ceiling = ceilings[subject.packing] * shards;
  const bufferRecords = Math.max(1, Math.ceil(ceiling * BUFFER_SECONDS));
  const offeredPerSec = ceiling * OFFERED_LOAD;
  try {
    const writer = subject.start({ client, stream, bufferRecords });
    const source = startSource(writer.put, pool, { offeredPerSec, bufferRecords });
    await sleep(timing.warmupMs);

    meter.open();
    source.openWindow();
    const cpu = startCpuMeter(endpoint.pid);
    const start = performance.now();
    await sleep(timing.windowMs);
    const kinesis = meter.close();
    const window = source.closeWindow();
    const seconds = (performance.now() - start) / 1000;
    const { selfCpuMs: clientCpuMs, childCpuMs: endpointCpuMs } = cpu();
    const diagnostics = writer.diagnostics?.() ?? {};

    source.stop();
    await closeWithin(writer, subject);
    if (source.outstanding() !== 0) {
      throw new Error(`${source.outstanding()} puts still outstanding after close`);
    }
    if (window.failed > 0 || kinesis.otherFailures > 0) {
      const { lastFailure } = source.failures();
      const reason = lastFailure instanceof Error ? lastFailure.message : String(lastFailure);
      throw new Error(
        `${window.failed} user records failed in the window and ${kinesis.otherFailures} ` +
          `Kinesis records failed other than throttled (last: ${kinesis.lastFailure}; ${reason})`,
      );
    }
    let accepted = 0;
    let bytes = 0;
    for (const count of kinesis.perShard.values()) {
      accepted += count.records;
      bytes += count.bytes;
    }
    return {
      seconds,
      userRecords: window.delivered,
      userRecordsPerSec: window.delivered / seconds,
      failedUserRecords: window.failed,
      latenciesMs: window.latenciesMs,
      kinesis,
      limit: limitUse(kinesis.perShard, shards, seconds),
      kinesisRecordsPerSecPerShard: accepted / seconds / shards,
      bytesPerSecPerShard: bytes / seconds / shards,
      throttledFraction: kinesis.sent === 0 ? 0 : kinesis.throttled / kinesis.sent,
      wholeThrottledFraction: meter.total.sent === 0 ? 0 : meter.total.throttled / meter.total.sent,
      diagnostics,
      clientCpuMs,
      endpointCpuMs,
      bufferRecords,
      offeredPerSec,
    };
  } finally {
    client.destroy();
    await deleteStream(control, stream);
  }
}

/**
 * Closes the writer, or fails if it does not settle its records in time.
 * @param {import('./subjects.js').Writer} writer
 * @param {Subject} subject
 */
async function closeWithin(writer, subject) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${subject.id} did not close within ${CLOSE_TIMEOUT_MS} ms`)),
      CLOSE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([writer.close(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
