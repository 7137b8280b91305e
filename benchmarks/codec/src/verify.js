/**
 * Untimed checks before measuring: each subject must round-trip the workload (its own
 * aggregates through its own de-aggregation) and read the other's aggregates, or the benchmark
 * would time a codec that does not work.
 */
import { toKinesisRecords } from './subjects.js';

/**
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./subjects.js').KinesisRecord} KinesisRecord
 * @typedef {import('./workloads.js').Workload} Workload
 * @typedef {{ kinesisRecords: KinesisRecord[], aggregates: number, meanAggregateBytes: number,
 *   largestAggregateBytes: number }} Prebuilt
 */

/**
 * Aggregates the workload with `subject` (untimed) and returns the Kinesis records carrying the
 * aggregates, with their count, mean and largest size (data bytes).
 * @param {Subject} subject
 * @param {Workload} workload
 * @returns {Prebuilt}
 */
export function prebuild(subject, workload) {
  const encoded = subject.aggregate(workload.records);
  const bytes = encoded.reduce((sum, record) => sum + record.data.byteLength, 0);
  return {
    kinesisRecords: toKinesisRecords(encoded),
    aggregates: encoded.length,
    meanAggregateBytes: Math.round(bytes / encoded.length),
    largestAggregateBytes: Math.max(...encoded.map((record) => record.data.byteLength)),
  };
}

/**
 * Throws unless `decoder` gives back the workload's records from `prebuilt`: the same count,
 * and the same partition key and data at the first, last and a few spread-out positions.
 * @param {Subject} decoder
 * @param {Prebuilt} prebuilt
 * @param {Workload} workload
 * @param {string} label what is checked, for the error message
 */
export function verifyDecodes(decoder, prebuilt, workload, label) {
  const expected = workload.records;
  const fail = (/** @type {string} */ reason) => {
    throw new Error(`verification failed: ${label}, ${workload.name} records: ${reason}`);
  };
  const decoded = decoder.decode(prebuilt.kinesisRecords);
  if (decoded.length !== expected.length) {
    fail(`${decoded.length} user records decoded, ${expected.length} expected`);
  }
  const counted = decoder.deaggregate(prebuilt.kinesisRecords);
  if (counted !== expected.length) {
    fail(`de-aggregation counted ${counted} user records, ${expected.length} expected`);
  }
  const last = expected.length - 1;
  const positions = [0, 1, 2, 997, Math.floor(last / 2), last - 1, last];
  for (const position of positions.filter((index) => index >= 0 && index <= last)) {
    const want = /** @type {import('./workloads.js').UserRecord} */ (expected[position]);
    const got = decoded[position];
    if (got?.partitionKey !== want.partitionKey) fail(`partition key of record ${position}`);
    if (!got.data.equals(want.data)) fail(`data of record ${position}`);
  }
}

/**
 * Checks every subject round-trips every workload and reads every other subject's aggregates;
 * returns each subject's pre-built aggregates per workload, for the de-aggregation scenarios.
 * @param {Subject[]} subjects
 * @param {Workload[]} workloads
 * @returns {Map<Workload, Map<Subject, Prebuilt>>}
 */
export function verifyAll(subjects, workloads) {
  const prebuilt = new Map();
  for (const workload of workloads) {
    const bySubject = new Map();
    for (const producer of subjects) bySubject.set(producer, prebuild(producer, workload));
    for (const producer of subjects) {
      for (const decoder of subjects) {
        const label = `${producer.name} aggregates read by ${decoder.name}`;
        verifyDecodes(decoder, bySubject.get(producer), workload, label);
      }
    }
    prebuilt.set(workload, bySubject);
  }
  return prebuilt;
}
