/**
 * CPU time of the server (a child process, from /proc on Linux) and of this process (the
 * client) during a measurement: it shows which side of the socket limits the rate.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every usual platform. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of process `pid` in milliseconds, or undefined where /proc is not
 * available.
 * @param {number} pid
 * @returns {number | undefined}
 */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses: state is field 3, utime 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring; the returned function gives the CPU time used since, by the server and by
 * this process, in milliseconds (server undefined where unknown).
 * @param {number} serverPid
 * @returns {() => { serverCpuMs: number | undefined, clientCpuMs: number }}
 */
export function startCpuMeter(serverPid) {
  const serverStart = processCpuMs(serverPid);
  const clientStart = process.cpuUsage();
  return () => {
    const serverEnd = processCpuMs(serverPid);
    const client = process.cpuUsage(clientStart);
    return {
      serverCpuMs:
        serverStart === undefined || serverEnd === undefined ? undefined : serverEnd - serverStart,
      clientCpuMs: (client.user + client.system) / 1000,
    };
  };
}
