/**
 * Deterministic user records: the same seed gives the same partition keys and bytes on every
 * run, so runs and machines compare like with like.
 */

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
 * mulberry32: a small, fast, seeded 32-bit PRNG (not cryptographic, which is not needed here).
 * @param {number} seed
 * @returns {() => number} next unsigned 32-bit integer
 */
export function createPrng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

/**
 * A 36-character UUID-like key (8-4-4-4-12 hex digits), random from the PRNG.
 * @param {() => number} next
 */
export function uuidLike(next) {
  let hex = '';
  for (let word = 0; word < 4; word++) hex += next().toString(16).padStart(8, '0');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `${groups.join('-')}-${hex.slice(20)}`;
}

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
    const data = Buffer.alloc(recordBytes);
    for (let offset = 0; offset < recordBytes; offset += 4) {
      const word = next();
      for (let byte = 0; byte < 4 && offset + byte < recordBytes; byte++) {
        data[offset + byte] = (word >>> (byte * 8)) & 0xff;
      }
    }
    records.push({ partitionKey, data });
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
