/**
 * The protocol: runs one after another; in each run every group (record size and shard count)
 * gets an endpoint of its own, on which every subject is measured in turn on a fresh stream,
 * the order of the subjects reversed from one run to the next. A progress line per measurement.
 */
import { formatThousands, inRunOrder } from '@kinesis-kit/bench-harness';
import { createClient } from './client.js';
import { startEndpoint } from './endpoint.js';
import { measureOnce } from './measure.js';
import { sizeName } from './scenarios.js';
import { ceilingsOf, createPool } from './workload.js';

/**
 * @typedef {import('./scenarios.js').Group} Group
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./measure.js').Sample} Sample
 * @typedef {import('./measure.js').Timing} Timing
 * @typedef {Timing & { runs: number }} Protocol
 * @typedef {{ group: Group, ceilings: import('./workload.js').Ceilings,
 *   samples: Map<string, Sample[]> }} Measured the samples of each subject, by id, one per run
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
  const where = `${sizeName(group.recordBytes)} × ${group.shards}`;
  const rate = formatThousands(Math.round(sample.userRecordsPerSec)).padStart(7);
  const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
  const p50 = Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
  const cpu = Math.round((sample.clientCpuMs / sample.seconds / 1000) * 100);
  const factor = sample.diagnostics.rateFactor;
  return (
    `${label.padEnd(9)} ${where.padEnd(10)} ${subject.id.padEnd(28)} ${rate} rec/s  ` +
    `limit ${sample.limit.limitFraction.toFixed(3)} (${sample.limit.binding.padEnd(7)})  ` +
    `throttled ${percent(sample.throttledFraction).padStart(5)}  p50 ${p50} ms  cpu ${cpu}%` +
    (factor === undefined ? '' : `  rate factor ${factor.toFixed(2)}`)
  );
}

/**
 * Measures every subject of every group, `protocol.runs` times.
 * @param {Group[]} groups
 * @param {Subject[]} subjects
 * @param {Protocol} protocol
 * @param {(line: string) => void} log
 * @returns {Promise<Measured[]>}
 */
export async function runProtocol(groups, subjects, protocol, log) {
  /** @type {Map<number, import('./workload.js').UserRecord[]>} */
  const pools = new Map();
  for (const { recordBytes } of groups) {
    if (!pools.has(recordBytes)) pools.set(recordBytes, createPool(recordBytes));
  }
  const measured = groups.map((group) => ({
    group,
    ceilings: ceilingsOf(
      /** @type {import('./workload.js').UserRecord[]} */ (pools.get(group.recordBytes)),
    ),
    samples: new Map(subjects.map((subject) => [subject.id, /** @type {Sample[]} */ ([])])),
  }));
  let streams = 0;
  for (let run = 0; run < protocol.runs; run++) {
    const label = `run ${run + 1}/${protocol.runs}`;
    for (const { group, ceilings, samples } of measured) {
      const endpoint = await startEndpoint();
      const control = createClient(endpoint.url);
      try {
        for (const subject of inRunOrder(subjects, run)) {
          const setup = {
            endpoint,
            control,
            stream: `bench-${++streams}`,
            shards: group.shards,
            pool: /** @type {import('./workload.js').UserRecord[]} */ (
              pools.get(group.recordBytes)
            ),
            ceilings,
            timing: protocol,
          };
          let sample;
          try {
            sample = await measureOnce(subject, setup);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            const where = `${sizeName(group.recordBytes)} × ${group.shards} shards`;
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
