/**
 * Deterministic user records: the same seed gives the same partition keys and bytes on every
 * run, so runs and machines compare like with like.
 */
import { createPrng, randomBytes, uuidLike } from '@kinesis-kit/bench-harness';

/**
 * @typedef {{ partitionKey: string, data: Buffer }} UserRecord
 * @typedef {{ name: string, recordBytes: number, records: UserRecord[] }} Workload
 */

/** Record sizes measured (data bytes; the partition key comes on top). */
export const RECORD_SIZES = [
  { label: '100B', recordBytes: 100 },
  { label: '1KiB', recordBytes: 1024 },
];

/** User records aggregated or de-aggregated per pass of the timed loop. */
export const RECORDS_PER_PASS = 20_000;

/**
 * `count` records of `recordBytes` random data bytes each, each data in its own Buffer (as a
 * producer would hand them over), with random UUID-like partition keys.
 * @param {number} recordBytes
 * @param {number} [count]
 * @param {number} [seed]
 * @returns {UserRecord[]}
 */
export function generateRecords(recordBytes, count = RECORDS_PER_PASS, seed = 0x6b696e) {
  const next = createPrng(seed ^ recordBytes);
  const records = [];
  for (let index = 0; index < count; index++) {
    const partitionKey = uuidLike(next);
    records.push({ partitionKey, data: randomBytes(next, recordBytes) });
  }
  return records;
}

/**
 * One workload per record size.
 * @param {number} [count]
 * @returns {Workload[]}
 */
export function createWorkloads(count = RECORDS_PER_PASS) {
  return RECORD_SIZES.map(({ label, recordBytes }) => ({
    name: label,
    recordBytes,
    records: generateRecords(recordBytes, count),
  }));
}
