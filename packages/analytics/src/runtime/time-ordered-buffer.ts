/** A buffered row with its time and arrival number (ties keep arrival order). */
interface Entry<Row> {
  readonly row: Row;
  readonly time: number;
  readonly seq: number;
}

/**
 * A min-heap of rows by (time, arrival): takes rows in any order and gives them back in time
 * order, stable for equal times. O(log n) per row. Used to run out-of-order event-time rows
 * through operators that need them sorted, once the watermark has passed them.
 */
export class TimeOrderedBuffer<Row> {
  readonly #heap: Entry<Row>[] = [];
  #seq = 0;

  /** How many rows are buffered. */
  get size(): number {
    return this.#heap.length;
  }

  /** Buffers one row. */
  push(row: Row, time: number): void {
    const heap = this.#heap;
    const entry: Entry<Row> = { row, time, seq: this.#seq++ };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Entry<Row>;
      if (!before(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Removes and passes to `take`, in order, every row with `time <= upToMs`. */
  drain(upToMs: number, take: (row: Row, time: number) => void): void {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as Entry<Row>).time <= upToMs) {
      const top = heap[0] as Entry<Row>;
      const last = heap.pop() as Entry<Row>;
      if (heap.length > 0) this.#siftDown(last);
      take(top.row, top.time);
    }
  }

  #siftDown(entry: Entry<Row>): void {
    const heap = this.#heap;
    const n = heap.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && before(heap[right] as Entry<Row>, heap[child] as Entry<Row>)) child = right;
      const smaller = heap[child] as Entry<Row>;
      if (!before(smaller, entry)) break;
      heap[i] = smaller;
      i = child;
    }
    heap[i] = entry;
  }
}

function before<Row>(a: Entry<Row>, b: Entry<Row>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
