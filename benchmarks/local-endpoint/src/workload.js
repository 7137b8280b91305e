/**
 * The records the benchmark writes: PutRecords batches of 500 records of 100 random data bytes
 * with random partition keys, from a seeded PRNG, built once before anything is timed and
 * reused in turn, so that every subject gets the same requests and the client spends no time
 * making them.
 */
import { createPrng, randomBytes, UUID_LIKE_CHARS, uuidLike } from '@kinesis-kit/bench-harness';

/**
 * @typedef {{ PartitionKey: string, Data: Uint8Array }} PutEntry
 * @typedef {PutEntry[]} Batch
 */

/** Data bytes per record. */
export const RECORD_BYTES = 100;

/** Records per PutRecords request (the API's maximum). */
export const RECORDS_PER_REQUEST = 500;

/** Length of the random partition keys (UUID-like). */
export const PARTITION_KEY_CHARS = UUID_LIKE_CHARS;

/** Batches in the pool: 32 × 500 = 16,000 distinct records, sent round-robin. */
export const BATCHES_IN_POOL = 32;

/**
 * The pool of PutRecords batches, the same on every run.
 * @param {number} [batches]
 * @param {number} [seed]
 * @returns {Batch[]}
 */
export function createBatches(batches = BATCHES_IN_POOL, seed = 0x6b696e) {
  const next = createPrng(seed);
  return Array.from({ length: batches }, () =>
    Array.from({ length: RECORDS_PER_REQUEST }, () => ({
      PartitionKey: uuidLike(next),
      Data: randomBytes(next, RECORD_BYTES),
    })),
  );
}
