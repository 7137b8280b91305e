/**
 * The protocol: runs one after another; in each run every group (record size, partition-key
 * length and shard count) gets an endpoint of its own, on which every subject of the group's
 * scenarios is measured in turn on a fresh stream, the order of the subjects reversed from one
 * run to the next. Each group has a window of its own (long enough for its slowest ceiling in
 * Kinesis records). A progress line per measurement.
 */
import { formatThousands, inRunOrder } from '@kinesis-kit/bench-harness';
import { createClient } from './client.js';
import { startEndpoint } from './endpoint.js';
import { measureOnce, windowMsOf } from './measure.js';
import { groupLabel, measuresIn } from './scenarios.js';
import { ceilingsOf, createPool } from './workload.js';

/**
 * @typedef {import('./scenarios.js').Group} Group
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./measure.js').Sample} Sample
 * @typedef {{ warmupMs: number, runs: number } & import('./measure.js').WindowRule} Protocol
 * @typedef {object} Measured a group's ceilings, window and samples
 * @property {Group} group
 * @property {import('./workload.js').Ceilings} ceilings
 * @property {number} windowMs the group's steady-state window
 * @property {Map<string, Sample[]>} samples of each subject measured in the group, by id, one
 *   per run
 */

/** @param {number} fraction */
const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;

/**
 * @param {string} label
 * @param {Group} group
 * @param {Subject} subject
 * @param {Sample} sample
 */
function progressLine(label, group, subject, sample) {
  const where = groupLabel(group);
  const rate = formatThousands(Math.round(sample.userRecordsPerSec)).padStart(7);
  const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
  const p50 = Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
  const cpu = Math.round((sample.clientCpuMs / sample.seconds / 1000) * 100);
  const factor = sample.diagnostics.rateFactor;
  return (
    `${label.padEnd(9)} ${where.padEnd(14)} ${subject.id.padEnd(28)} ${rate} rec/s  ` +
    `limit ${sample.limit.limitFraction.toFixed(3)} (${sample.limit.binding.padEnd(7)})  ` +
    `throttled ${percent(sample.throttledFraction).padStart(5)}  p50 ${p50} ms  cpu ${cpu}%` +
    (factor === undefined ? '' : `  rate factor ${factor.toFixed(2)}`)
  );
}

/**
 * Measures every subject of every group's scenarios, `protocol.runs` times.
 * @param {Group[]} groups
 * @param {Subject[]} subjects
 * @param {Protocol} protocol
 * @param {(line: string) => void} log
 * @returns {Promise<Measured[]>}
 */
export async function runProtocol(groups, subjects, protocol, log) {
  /** @type {Map<string, import('./workload.js').UserRecord[]>} */
  const pools = new Map();
  const poolOf = (/** @type {Group} */ { recordBytes, partitionKeyChars }) => {
    const key = `${recordBytes}/${partitionKeyChars}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = createPool(recordBytes, partitionKeyChars);
      pools.set(key, pool);
    }
    return pool;
  };
  /** @type {Measured[]} */
  const measured = groups.map((group) => {
    const ceilings = ceilingsOf(poolOf(group));
    const measuring = subjects.filter((subject) => measuresIn(subject, group));
    return {
      group,
      ceilings,
      windowMs: windowMsOf(
        ceilings,
        measuring.map((subject) => subject.packing),
        protocol,
      ),
      samples: new Map(measuring.map((subject) => [subject.id, /** @type {Sample[]} */ ([])])),
    };
  });
  let streams = 0;
  for (let run = 0; run < protocol.runs; run++) {
    const label = `run ${run + 1}/${protocol.runs}`;
    for (const { group, ceilings, windowMs, samples } of measured) {
      const endpoint = await startEndpoint();
      const control = createClient(endpoint.url);
      try {
        for (const subject of inRunOrder(
          subjects.filter((s) => measuresIn(s, group)),
          run,
        )) {
          const setup = {
            endpoint,
            control,
            stream: `bench-${++streams}`,
            shards: group.shards,
            pool: poolOf(group),
            ceilings,
            timing: { warmupMs: protocol.warmupMs, windowMs },
          };
          let sample;
          try {
            sample = await measureOnce(subject, setup);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            const where = groupLabel(group);
            throw new Error(`${subject.id} on ${where} failed: ${message}\n${endpoint.tail()}`, {
              cause: error,
            });
          }
          samples.get(subject.id)?.push(sample);
          log(progressLine(label, group, subject, sample));
        }
      } finally {
        control.destroy();
        await endpoint.stop();
      }
    }
  }
  return measured;
}
