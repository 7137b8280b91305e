/**
 * The machine description every result file carries, and how busy the machine is.
 */
import { arch, cpus, loadavg, platform, release } from 'node:os';

/** @typedef {{ cpu: string, cores: number, node: string, os: string }} Machine */

/**
 * CPU model, cores, Node version and operating system of this machine.
 * @returns {Machine}
 */
export function describeMachine() {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

/**
 * The machine in one line, for the Markdown report: `CPU, N cores, Node vX, os`.
 * @param {Machine} machine
 */
export function machineSummary(machine) {
  return `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.os}`;
}

/**
 * The 1-minute load average (0 where the platform has none): on a shared machine, how far to
 * trust absolute rates.
 */
export function loadAverage1m() {
  return loadavg()[0] ?? 0;
}

/**
 * The result file's `machine`, with the 1-minute load average at the start and at the end of
 * the run: the machine is shared, and how busy it was says how far to trust absolute rates.
 * @param {number} loadAtStart the load average when the run began (`loadAverage1m()`)
 */
export function describeMachineUnderLoad(loadAtStart) {
  return {
    ...describeMachine(),
    loadAverage1m: {
      start: Math.round(loadAtStart * 100) / 100,
      end: Math.round(loadAverage1m() * 100) / 100,
    },
  };
}
