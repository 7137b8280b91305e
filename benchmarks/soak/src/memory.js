/**
 * Memory samples: a process reports its own (RSS and V8 heap, from process.memoryUsage());
 * the endpoint, which reports nothing, is read from /proc/<pid>/status (RSS only).
 */
import { readFileSync } from 'node:fs';

const MiB = 1024 * 1024;

/** @typedef {{ t: number, rssMiB: number, heapUsedMiB?: number }} MemorySample */

/**
 * This process's memory now, after a full garbage collection when the process runs with
 * `--expose-gc` (the soak's children do): the heap then holds only what is live, so a leak
 * shows as growth and lazy collection does not. `t` in seconds since `startedAt`.
 * @param {number} startedAtMs
 * @returns {MemorySample}
 */
export function ownMemory(startedAtMs) {
  /** @type {{ gc?: () => void }} */ (globalThis).gc?.();
  const usage = process.memoryUsage();
  return {
    t: (performance.now() - startedAtMs) / 1000,
    rssMiB: usage.rss / MiB,
    heapUsedMiB: usage.heapUsed / MiB,
  };
}

/**
 * Another process's resident memory in MiB, from /proc; undefined once it has exited.
 * @param {number} pid
 * @returns {number | undefined}
 */
export function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}
