/**
 * The timing loop: repeat a task for at least a given time and count the user records it
 * processed, after a full garbage collection. (The statistics of the runs are the harness's.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, run before each measurement so that no subject pays for the
 * garbage another one left behind. Node exposes `gc` only with --expose-gc; this turns it on
 * for a fresh context, which is the usual way to get it without a command-line flag.
 * @type {() => void}
 */
export const collectGarbage = (() => {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();

/**
 * Runs `task` back to back until at least `minMs` have passed (at least once) and returns the
 * user records processed per second. `task` returns how many user records it processed.
 * @param {() => number} task
 * @param {number} minMs
 * @returns {{ userRecordsPerSec: number, passes: number, elapsedMs: number }}
 */
export function measure(task, minMs) {
  let passes = 0;
  let userRecords = 0;
  const start = performance.now();
  let elapsedMs = 0;
  do {
    userRecords += task();
    passes++;
    elapsedMs = performance.now() - start;
  } while (elapsedMs < minMs);
  return { userRecordsPerSec: (userRecords * 1000) / elapsedMs, passes, elapsedMs };
}
