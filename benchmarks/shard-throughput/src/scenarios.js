/**
 * The scenarios: record sizes × aggregation on and off × 1 and 4 shards. Measurements are
 * grouped by record size and shard count: a group runs every subject once, on one endpoint,
 * and its measurements fill the rows of both its scenarios (aggregation on and off).
 */

/** Data bytes of the user records: 100 B, 1 KiB, 10 KiB, 100 KiB. */
export const RECORD_SIZES = [100, 1024, 10_240, 102_400];

/** Shards of the streams. */
export const SHARD_COUNTS = [1, 4];

/** @typedef {{ recordBytes: number, shards: number }} Group */

/**
 * A size in a few characters: `100B`, `1KiB`, `100KiB`.
 * @param {number} bytes
 */
export function sizeName(bytes) {
  return bytes % 1024 === 0 ? `${bytes / 1024}KiB` : `${bytes}B`;
}

/**
 * The name of a scenario: `aggregated-100B-1shard`, `plain-10KiB-4shards`.
 * @param {'aggregated' | 'plain'} family aggregation on or off
 * @param {Group} group
 */
export function scenarioName(family, { recordBytes, shards }) {
  return `${family}-${sizeName(recordBytes)}-${shards}shard${shards === 1 ? '' : 's'}`;
}

/**
 * Every group, or (for --quick) a couple.
 * @param {boolean} quick
 * @returns {Group[]}
 */
export function createGroups(quick) {
  if (quick) {
    return [
      { recordBytes: 100, shards: 1 },
      { recordBytes: 10_240, shards: 4 },
    ];
  }
  return SHARD_COUNTS.flatMap((shards) =>
    RECORD_SIZES.map((recordBytes) => ({ recordBytes, shards })),
  );
}
