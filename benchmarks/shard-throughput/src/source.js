/**
 * The source of user records: offers the pool's records in turn at a fixed rate above what the
 * shards take, but never has more than the subject's buffer outstanding (put, not yet
 * settled): when the buffer is full it waits, as a source waits on a producer's `put` while the
 * producer's buffer is full. So the subject's back-pressure, not the source, paces the steady
 * state. While the window is open it counts the user records stored and their put latency
 * (from `put` to stored, time in the buffer included).
 */

/** How often the source offers what its rate allows, in milliseconds. */
const TICK_MS = 5;

/** Offered records a blocked source may catch up on at once, in milliseconds of its rate. */
const MAX_CREDIT_MS = 50;

/**
 * @typedef {import('./workload.js').UserRecord} UserRecord
 * @typedef {{ delivered: number, failed: number, offered: number, latenciesMs: number[] }}
 *   SourceWindow user records stored (settled while the window was open), failed, and put;
 *   the latency of each stored one
 * @typedef {object} Source
 * @property {() => void} openWindow starts counting from zero
 * @property {() => SourceWindow} closeWindow stops counting
 * @property {() => void} stop offers no more records
 * @property {() => number} outstanding puts not settled yet
 * @property {() => { failed: number, lastFailure: unknown }} failures over the whole run
 */

/**
 * Starts offering `pool`'s records to `put`.
 * @param {(record: UserRecord) => Promise<unknown>} put
 * @param {UserRecord[]} pool
 * @param {{ offeredPerSec: number, bufferRecords: number }} options
 * @returns {Source}
 */
export function startSource(put, pool, { offeredPerSec, bufferRecords }) {
  let next = 0;
  let outstanding = 0;
  let counting = false;
  /** @type {SourceWindow} */
  let window = { delivered: 0, failed: 0, offered: 0, latenciesMs: [] };
  let failed = 0;
  /** @type {unknown} */
  let lastFailure;
  let credit = 0;
  let last = performance.now();
  const maxCredit = (offeredPerSec * MAX_CREDIT_MS) / 1000;

  const offer = () => {
    const record = /** @type {UserRecord} */ (pool[next]);
    next = next + 1 === pool.length ? 0 : next + 1;
    outstanding++;
    if (counting) window.offered++;
    const start = performance.now();
    put(record).then(
      () => {
        outstanding--;
        if (!counting) return;
        window.delivered++;
        window.latenciesMs.push(performance.now() - start);
      },
      (error) => {
        outstanding--;
        failed++;
        lastFailure = error;
        if (counting) window.failed++;
      },
    );
  };

  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const tick = () => {
    const now = performance.now();
    credit = Math.min(maxCredit, credit + ((now - last) * offeredPerSec) / 1000);
    last = now;
    const count = Math.min(Math.floor(credit), bufferRecords - outstanding);
    for (let offered = 0; offered < count; offered++) offer();
    if (count > 0) credit -= count;
    timer = setTimeout(tick, TICK_MS);
  };
  tick();

  return {
    openWindow() {
      window = { delivered: 0, failed: 0, offered: 0, latenciesMs: [] };
      counting = true;
    },
    closeWindow() {
      counting = false;
      return window;
    },
    stop() {
      clearTimeout(timer);
    },
    outstanding: () => outstanding,
    failures: () => ({ failed, lastFailure }),
  };
}
