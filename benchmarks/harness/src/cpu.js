/**
 * CPU time of this process (the benchmark: client, subject, source of records) and of a child
 * process (a server, read from /proc on Linux) during a measurement: it shows which side of the
 * socket limits the rate.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every usual platform. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of process `pid` in milliseconds, or undefined without /proc.
 * @param {number} pid
 * @returns {number | undefined}
 */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses: utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring; the returned function gives the CPU time used since, in milliseconds, by
 * this process and by the child (undefined where unknown).
 * @param {number} childPid
 * @returns {() => { selfCpuMs: number, childCpuMs: number | undefined }}
 */
export function startCpuMeter(childPid) {
  const selfStart = process.cpuUsage();
  const childStart = processCpuMs(childPid);
  return () => {
    const self = process.cpuUsage(selfStart);
    const childEnd = processCpuMs(childPid);
    return {
      selfCpuMs: (self.user + self.system) / 1000,
      childCpuMs:
        childStart === undefined || childEnd === undefined ? undefined : childEnd - childStart,
    };
  };
}
