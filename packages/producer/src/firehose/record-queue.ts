import type { PendingFirehoseRecord } from './pending-record.js';

/** The records waiting to be sent, oldest first (retried ones go back to the front). */
export class RecordQueue {
  #records: PendingFirehoseRecord[] = [];
  #head = 0;
  #bytes = 0;

  get size(): number {
    return this.#records.length - this.#head;
  }

  /** Data + delimiter bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  peek(): PendingFirehoseRecord | undefined {
    return this.#records[this.#head];
  }

  shift(): PendingFirehoseRecord | undefined {
    const record = this.#records[this.#head];
    if (record === undefined) return undefined;
    this.#records[this.#head] = undefined as unknown as PendingFirehoseRecord;
    this.#head++;
    this.#bytes -= record.recordBytes;
    // Compact once the consumed prefix dominates, so a long-lived queue does not grow forever.
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    return record;
  }

  push(record: PendingFirehoseRecord): void {
    this.#records.push(record);
    this.#bytes += record.recordBytes;
  }

  /** Puts records back at the front, keeping their order: they are older than the rest. */
  unshift(records: readonly PendingFirehoseRecord[]): void {
    this.#records = [...records, ...this.#records.slice(this.#head)];
    this.#head = 0;
    for (const record of records) this.#bytes += record.recordBytes;
  }

  /** Takes a record out of the queue (an aborted put); returns whether it was there. */
  remove(record: PendingFirehoseRecord): boolean {
    const index = this.#records.indexOf(record, this.#head);
    if (index < 0) return false;
    this.#records.splice(index, 1);
    this.#bytes -= record.recordBytes;
    return true;
  }
}
