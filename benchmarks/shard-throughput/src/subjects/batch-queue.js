/**
 * The queue a hand-rolled writer keeps between `put` and its sending loops: items wait until a
 * batch is full (items or bytes) or its oldest item has waited `lingerMs`, then go to the next
 * loop that asks, oldest first.
 */

/**
 * @template {{ bytes: number }} T
 */
export class BatchQueue {
  /** @type {{ item: T, enqueuedMs: number }[]} */
  #items = [];
  #head = 0;
  #bytes = 0;
  /** @type {((batch: T[] | undefined) => void)[]} */
  #takers = [];
  /** @type {NodeJS.Timeout | undefined} */
  #timer;
  #closed = false;

  /**
   * @param {{ maxItems: number, maxBytes: number, lingerMs: number }} options
   */
  constructor({ maxItems, maxBytes, lingerMs }) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.lingerMs = lingerMs;
  }

  get size() {
    return this.#items.length - this.#head;
  }

  /** @param {T} item */
  push(item) {
    this.#items.push({ item, enqueuedMs: performance.now() });
    this.#bytes += item.bytes;
    this.#serve();
  }

  /**
   * The next batch, once one is ready; undefined once the queue is closed.
   * @returns {Promise<T[] | undefined>}
   */
  take() {
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#takers.push(resolve);
      this.#serve();
    });
  }

  /**
   * Closes the queue: loops waiting for a batch get undefined.
   * @returns {T[]} the items never taken
   */
  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    const left = this.#items.slice(this.#head).map((queued) => queued.item);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    for (const taker of this.#takers.splice(0)) taker(undefined);
    return left;
  }

  #ready() {
    const head = this.#items[this.#head];
    if (!head) return false;
    return (
      this.size >= this.maxItems ||
      this.#bytes >= this.maxBytes ||
      performance.now() - head.enqueuedMs >= this.lingerMs
    );
  }

  #serve() {
    while (this.#takers.length > 0 && this.#ready()) {
      const taker = /** @type {(batch: T[]) => void} */ (this.#takers.shift());
      taker(this.#batch());
    }
    const head = this.#items[this.#head];
    if (this.#takers.length === 0 || !head || this.#timer) return;
    const delay = Math.max(0, head.enqueuedMs + this.lingerMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#serve();
    }, delay);
  }

  /** Takes the oldest items, up to `maxItems` and `maxBytes` (at least one). */
  #batch() {
    /** @type {T[]} */
    const batch = [];
    let bytes = 0;
    while (batch.length < this.maxItems && this.#head < this.#items.length) {
      const { item } = /** @type {{ item: T }} */ (this.#items[this.#head]);
      if (batch.length > 0 && bytes + item.bytes > this.maxBytes) break;
      batch.push(item);
      bytes += item.bytes;
      this.#head++;
    }
    this.#bytes -= bytes;
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }
}
