/**
 * Records waiting to be sent, oldest first, with their total size. Retried records go back to
 * the front, since they are older than the rest; an aborted put can be taken out from anywhere.
 * A head index rather than `Array.shift()` keeps taking from the front cheap on long queues.
 */
export class RecordQueue<T extends { readonly recordBytes: number }> {
  #records: T[] = [];
  #head = 0;
  #bytes = 0;

  get size(): number {
    return this.#records.length - this.#head;
  }

  /** The `recordBytes` of every record waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  peek(): T | undefined {
    return this.#records[this.#head];
  }

  shift(): T | undefined {
    const record = this.#records[this.#head];
    if (record === undefined) return undefined;
    this.#records[this.#head] = undefined as unknown as T;
    this.#head++;
    this.#bytes -= record.recordBytes;
    // Compact once the consumed prefix dominates, so a long-lived queue does not grow forever.
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    return record;
  }

  push(record: T): void {
    this.#records.push(record);
    this.#bytes += record.recordBytes;
  }

  /** Puts records back at the front, keeping their order: they are older than the rest. */
  unshift(records: readonly T[]): void {
    this.#records = [...records, ...this.#records.slice(this.#head)];
    this.#head = 0;
    for (const record of records) this.#bytes += record.recordBytes;
  }

  /** Takes a record out of the queue (an aborted put); returns whether it was there. */
  remove(record: T): boolean {
    const index = this.#records.indexOf(record, this.#head);
    if (index < 0) return false;
    this.#records.splice(index, 1);
    this.#bytes -= record.recordBytes;
    return true;
  }

  /** Empties the queue, returning its records oldest first. */
  drain(): T[] {
    const records = this.#records.slice(this.#head);
    this.#records = [];
    this.#head = 0;
    this.#bytes = 0;
    return records;
  }
}
