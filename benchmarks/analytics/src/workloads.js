/**
 * The events: page visits as plain row objects, from a seeded PRNG so that every run and
 * machine gets the same ones. Event time advances steadily (a fixed number of events per
 * simulated second) with bounded disorder; URLs come from a fixed set with a Zipf-like skew,
 * as real traffic does (a few pages get most visits, most pages few).
 */
import { createPrng } from '@kinesis-kit/bench-harness';

/**
 * @typedef {{ url: string, ts: number, latencyMs: number, status: number, bytes: number }} Visit
 *   `ts`: event time, epoch ms; `latencyMs`: a whole number of milliseconds (so sums are exact
 *   and every subject's AVG is bit for bit the same)
 * @typedef {object} WorkloadShape
 * @property {number} urls distinct URLs
 * @property {number} zipfExponent the rank-r URL is drawn with weight 1 / r^s
 * @property {number} eventsPerSimulatedSecond how fast event time advances: 1 s per this many events
 * @property {number} maxDisorderMs an event's time is up to this much before its place in the stream
 * @property {number} watermarkDelayMs the watermark trails the newest event time by this much
 * @property {number} batchSize rows per batch the source yields (as a consumer yields batches)
 * @property {number} startMs event time of the first event (a multiple of every window size)
 * @property {number} seed
 */

/** @type {WorkloadShape} */
export const WORKLOAD = {
  urls: 10_000,
  zipfExponent: 1,
  eventsPerSimulatedSecond: 100_000,
  // Less than the watermark delay: no event is late, so every subject sees every event.
  maxDisorderMs: 800,
  watermarkDelayMs: 1000,
  batchSize: 1000,
  startMs: Date.UTC(2026, 10, 1),
  seed: 0x616e61,
};

const STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 304, 404];

/**
 * The `count` URLs, rank 1 first: `https://shop.example/<section>/<n>`, 30-odd characters.
 * @param {number} count
 */
export function urlsOf(count) {
  const sections = ['products', 'category', 'search', 'blog', 'account'];
  return Array.from(
    { length: count },
    (_, rank) => `https://shop.example/${sections[rank % sections.length]}/${rank + 1}`,
  );
}

/**
 * A sampler of ranks 0..n-1 with weight 1 / (rank + 1)^s: the cumulative weights, searched
 * with a uniform draw.
 * @param {number} n
 * @param {number} s
 * @returns {(uniform: number) => number} rank for a uniform number in [0, 1)
 */
function zipfSampler(n, s) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** s;
    cumulative[rank] = total;
  }
  return (uniform) => {
    const target = uniform * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (/** @type {number} */ (cumulative[middle]) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

/**
 * An endless event generator: `next()` gives the next event. Event `i` happens at
 * `startMs + i / eventsPerSimulatedSecond` seconds, minus a uniform disorder of
 * 0..maxDisorderMs; URL by Zipf rank; latency exponential around 100 ms (whole ms); status
 * 200 nine times in ten.
 * @param {WorkloadShape} [shape]
 */
export function createEventGenerator(shape = WORKLOAD) {
  const next = createPrng(shape.seed);
  const uniform = () => next() / 4_294_967_296;
  const urls = urlsOf(shape.urls);
  const rankOf = zipfSampler(shape.urls, shape.zipfExponent);
  const msPerEvent = 1000 / shape.eventsPerSimulatedSecond;
  let index = 0;
  return {
    /** @returns {Visit} */
    next() {
      const nominal = shape.startMs + Math.floor(index * msPerEvent);
      index++;
      return {
        url: /** @type {string} */ (urls[rankOf(uniform())]),
        ts: nominal - Math.floor(uniform() * (shape.maxDisorderMs + 1)),
        latencyMs: 5 + Math.floor(-Math.log(1 - uniform()) * 95),
        status: /** @type {number} */ (STATUSES[next() % STATUSES.length]),
        bytes: 500 + (next() % 20_000),
      };
    },
    /** How many events so far. */
    get count() {
      return index;
    },
  };
}

/**
 * `count` events in batches of `shape.batchSize`, generated up front (outside any timing).
 * @param {number} count
 * @param {WorkloadShape} [shape]
 * @returns {Visit[][]}
 */
export function generateBatches(count, shape = WORKLOAD) {
  const events = createEventGenerator(shape);
  /** @type {Visit[][]} */
  const batches = [];
  for (let done = 0; done < count; done += shape.batchSize) {
    const size = Math.min(shape.batchSize, count - done);
    const batch = new Array(size);
    for (let i = 0; i < size; i++) batch[i] = events.next();
    batches.push(batch);
  }
  return batches;
}

/**
 * The batches as the source a query reads: an async iterable yielding each batch (an array of
 * rows), as fast as it is consumed.
 * @template T
 * @param {readonly T[][]} batches
 * @returns {AsyncIterable<T[]>}
 */
export function sourceOf(batches) {
  return {
    async *[Symbol.asyncIterator]() {
      for (const batch of batches) yield batch;
    },
  };
}
