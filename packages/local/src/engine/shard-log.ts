import type { ShardRecord } from './model.js';

/**
 * One shard's records in memory, in sequence-number order, with the binary searches GetRecords
 * and GetShardIterator need. Trimmed records are dropped from the front in chunks so that
 * trimming costs amortised O(1) per record.
 */
export class ShardLog {
  #records: ShardRecord[] = [];
  /** Index of the first live record in `#records` (the ones before it are trimmed). */
  #start = 0;

  constructor(records: readonly ShardRecord[] = []) {
    this.#records = [...records];
  }

  /** Live records. */
  get size(): number {
    return this.#records.length - this.#start;
  }

  /** The newest record, if any. */
  get last(): ShardRecord | undefined {
    return this.size > 0 ? this.#records[this.#records.length - 1] : undefined;
  }

  /** The oldest live record, if any. */
  get first(): ShardRecord | undefined {
    return this.size > 0 ? this.#records[this.#start] : undefined;
  }

  /** Appends records whose sequence numbers are above every stored one. */
  append(records: readonly ShardRecord[]): void {
    for (const record of records) this.#records.push(record);
  }

  /** Position (absolute index) of the first record with sequence number >= `sequence`. */
  indexAtOrAfter(sequence: bigint): number {
    const records = this.#records;
    let low = this.#start;
    let high = records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((records[middle] as ShardRecord).sequenceNumber < sequence) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Position of the first record that arrived at or after `timestampMs`. */
  indexAtOrAfterTime(timestampMs: number): number {
    const records = this.#records;
    let low = this.#start;
    let high = records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((records[middle] as ShardRecord).arrivalMs < timestampMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The record at an absolute position, or `undefined` past the end. */
  at(index: number): ShardRecord | undefined {
    return index >= this.#start ? this.#records[index] : undefined;
  }

  /** Absolute position one past the newest record. */
  get end(): number {
    return this.#records.length;
  }

  /** Drops records that arrived before `beforeMs`. */
  trim(beforeMs: number): void {
    const cut = this.indexAtOrAfterTime(beforeMs);
    if (cut <= this.#start) return;
    this.#start = cut;
    // Compact once the dead prefix outweighs the live records.
    if (this.#start > 1024 && this.#start > this.size) {
      this.#records = this.#records.slice(this.#start);
      this.#start = 0;
    }
  }
}
