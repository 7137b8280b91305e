import { partitionKeyToHashKey, type UserRecord } from '@kinesis-kit/records';

/**
 * The hash keys of the partition keys seen lately. Streams are mostly keyed by something with
 * far fewer values than records (a page, a device, a user): the MD5 of a key is then taken once
 * per key instead of once per record. Bounded, with two generations: a key found in the older
 * one moves to the newer; when the newer holds `capacity` keys, it becomes the older one and
 * the keys not seen since are dropped. At most 2 × `capacity` keys are held, each a copy of at
 * most 256 characters (the partition key limit).
 */
export class HashKeyCache {
  readonly #capacity: number;
  #newer = new Map<string, bigint>();
  #older = new Map<string, bigint>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The record's hash key: its `explicitHashKey` when set, else its partition key's. */
  of(record: UserRecord): bigint {
    if (record.explicitHashKey !== undefined) return BigInt(record.explicitHashKey);
    const key = record.partitionKey;
    const seen = this.#newer.get(key);
    if (seen !== undefined) return seen;
    const older = this.#older.get(key);
    if (this.#newer.size >= this.#capacity) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
    const hashKey = older ?? partitionKeyToHashKey(key);
    this.#newer.set(copyOf(key), hashKey);
    return hashKey;
  }
}

/**
 * A copy of a key, not the key: a key cut from a larger string (`line.slice(0, 20)`) keeps that
 * whole string alive in V8, and the cache outlives the record.
 */
function copyOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('utf8');
}
