/**
 * The timing loop: repeat a task for at least a given time and count the user records it
 * processed. (The statistics of the runs, and the garbage collection before each, are the harness's.)
 */

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
