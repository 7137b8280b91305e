/**
 * The scenarios: record sizes × aggregation on and off on 1 shard, and on 4 shards for the small
 * records (100 B), with random 36-character partition keys; plus 100 B records with aggregation
 * and 12-character keys, on 1 and 4 shards.
 * Measurements are grouped by record size, partition-key length and shard count: a group runs
 * every subject of its scenarios once, on one endpoint, and its measurements fill the rows of
 * its scenarios (aggregation on and off, or on only).
 */
import { UUID_LIKE_CHARS } from '@kinesis-kit/bench-harness';

/** Data bytes of the user records: 100 B, 1 KiB, 10 KiB, 100 KiB. */
export const RECORD_SIZES = [100, 1024, 10_240, 102_400];

/** Shards of the streams. */
export const SHARD_COUNTS = [1, 4];

/**
 * Record sizes measured on more than one shard. Spreading small records over shards is what
 * 4 shards test (a writer must keep 4 shards' worth of records and requests going: PutRecord's
 * round trips and aws-kinesis-agg's shard-unaware aggregates fall behind there); 1 KiB, 10 KiB
 * and 100 KiB on 4 shards gave the producer the same per-shard fractions as on 1 shard, and
 * the baselines the fractions 100 B on 4 shards already shows (full run of 2026-11-26), so
 * they are not run.
 */
export const MULTI_SHARD_RECORD_SIZES = [100];

/** Length of the partition keys of most scenarios: UUID-like keys. */
export const LONG_KEY_CHARS = UUID_LIKE_CHARS;

/**
 * Length of the partition keys of the short-key scenarios (`u-` and 10 random characters, like a
 * user or visitor id): short enough for aggregated 100 B records to reach 8× baseline 2.
 */
export const SHORT_KEY_CHARS = 12;

/** Record sizes that also get a short-key scenario (aggregation on only). */
export const SHORT_KEY_RECORD_SIZES = [100];

/** @typedef {'aggregated' | 'plain'} Family aggregation on or off */

/**
 * @typedef {object} Group
 * @property {number} recordBytes
 * @property {number} partitionKeyChars
 * @property {number} shards
 * @property {Family[]} families the scenarios the group's measurements fill
 */

/**
 * A size in a few characters: `100B`, `1KiB`, `100KiB`.
 * @param {number} bytes
 */
export function sizeName(bytes) {
  return bytes % 1024 === 0 ? `${bytes / 1024}KiB` : `${bytes}B`;
}

/**
 * The name of a scenario: `aggregated-100B-1shard`, `plain-10KiB-4shards`, and with keys other
 * than the 36-character ones, `aggregated-100B-1shard-key12`.
 * @param {Family} family
 * @param {{ recordBytes: number, shards: number, partitionKeyChars: number }} group
 */
export function scenarioName(family, { recordBytes, shards, partitionKeyChars }) {
  const keys = partitionKeyChars === LONG_KEY_CHARS ? '' : `-key${partitionKeyChars}`;
  return `${family}-${sizeName(recordBytes)}-${shards}shard${shards === 1 ? '' : 's'}${keys}`;
}

/**
 * A group in a few characters, for progress lines and errors: `100B × 4` (record size × shards),
 * `100B × 4 key12`.
 * @param {Group} group
 */
export function groupLabel({ recordBytes, shards, partitionKeyChars }) {
  const keys = partitionKeyChars === LONG_KEY_CHARS ? '' : ` key${partitionKeyChars}`;
  return `${sizeName(recordBytes)} × ${shards}${keys}`;
}

/**
 * Every group, or (for --quick) a few.
 * @param {boolean} quick
 * @returns {Group[]}
 */
export function createGroups(quick) {
  /** @type {Family[]} */
  const both = ['aggregated', 'plain'];
  /** @type {Family[]} */
  const aggregatedOnly = ['aggregated'];
  if (quick) {
    return [
      { recordBytes: 100, partitionKeyChars: LONG_KEY_CHARS, shards: 1, families: both },
      { recordBytes: 10_240, partitionKeyChars: LONG_KEY_CHARS, shards: 1, families: both },
      {
        recordBytes: 100,
        partitionKeyChars: SHORT_KEY_CHARS,
        shards: 4,
        families: aggregatedOnly,
      },
    ];
  }
  // Each short-key group right after the 36-character group of its size and shard count.
  return SHARD_COUNTS.flatMap((shards) =>
    RECORD_SIZES.filter(
      (recordBytes) => shards === 1 || MULTI_SHARD_RECORD_SIZES.includes(recordBytes),
    ).flatMap((recordBytes) => [
      { recordBytes, partitionKeyChars: LONG_KEY_CHARS, shards, families: both },
      ...(SHORT_KEY_RECORD_SIZES.includes(recordBytes)
        ? [{ recordBytes, partitionKeyChars: SHORT_KEY_CHARS, shards, families: aggregatedOnly }]
        : []),
    ]),
  );
}

/**
 * Whether `subject` is measured in `group`: it belongs to one of the group's families (a
 * subject of both families is measured in every group).
 * @param {{ family: Family | 'both' }} subject
 * @param {Group} group
 */
export function measuresIn(subject, group) {
  return subject.family === 'both' || group.families.includes(subject.family);
}
