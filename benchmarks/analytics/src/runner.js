/**
 * The timed runs: a warm-up pass, then measured runs, interleaved: in each run every scenario
 * runs every subject over the same pre-generated events, the subjects' order alternating from
 * run to run. Each measurement starts after a full garbage collection and records the wall time
 * and this process's CPU time: the engine runs in this thread, so CPU / wall shows how much of
 * a core the process got on a shared machine.
 */
import { collectGarbage, formatThousands, inRunOrder } from '@kinesis-kit/bench-harness';
import { sourceOf } from './workloads.js';

/**
 * @typedef {import('./subjects.js').Scenario} Scenario
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./workloads.js').Visit} Visit
 * @typedef {{ eventsPerPass: number, warmupPasses: number, runs: number }} ThroughputProtocol
 * @typedef {object} Measurement one pass of one subject
 * @property {number} eventsPerSec events / wall time
 * @property {number} eventsPerCpuSec events / CPU time of the process
 * @property {number} cpuPerWall CPU time / wall time (about 1 when the process had a core)
 * @typedef {{ scenario: Scenario, subject: Subject, runs: Measurement[] }} Entry
 */

/**
 * One pass of `subject` over `batches`, timed.
 * @param {Subject} subject
 * @param {Visit[][]} batches
 * @param {number} events
 * @returns {Promise<Measurement>}
 */
async function measurePass(subject, batches, events) {
  collectGarbage();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const stats = await subject.run(sourceOf(batches));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  if (stats.rowsIn !== events) {
    throw new Error(`${subject.name} took ${stats.rowsIn} of ${events} events`);
  }
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    eventsPerSec: (events * 1000) / wallMs,
    eventsPerCpuSec: (events * 1000) / cpuMs,
    cpuPerWall: cpuMs / wallMs,
  };
}

/**
 * Warms up, then measures; logs a line per scenario per run.
 * @param {Scenario[]} scenarios
 * @param {Visit[][]} batches
 * @param {ThroughputProtocol} protocol
 * @param {(line: string) => void} log
 * @returns {Promise<Entry[]>} one per scenario and subject, in the scenarios' order
 */
export async function runThroughput(scenarios, batches, protocol, log) {
  const events = batches.reduce((sum, batch) => sum + batch.length, 0);
  /** @type {Entry[]} */
  const entries = scenarios.flatMap((scenario) =>
    scenario.subjects.map((subject) => ({ scenario, subject, runs: [] })),
  );
  for (let pass = 0; pass < protocol.warmupPasses; pass++) {
    log(`warm-up ${pass + 1}/${protocol.warmupPasses}: one pass of each subject`);
    for (const entry of entries) await measurePass(entry.subject, batches, events);
  }
  for (let run = 0; run < protocol.runs; run++) {
    for (const scenario of scenarios) {
      const own = entries.filter((entry) => entry.scenario === scenario);
      for (const entry of inRunOrder(own, run)) {
        entry.runs.push(await measurePass(entry.subject, batches, events));
      }
      log(progressLine(scenario.name, own, run, protocol.runs));
    }
  }
  return entries;
}

/**
 * `run 2/5  tumble-10s-count  flink-sql 1,234,567 ev/s  ...  hand-written ...  (cpu/wall 0.98)`
 * @param {string} name
 * @param {Entry[]} entries
 * @param {number} run
 * @param {number} runs
 */
function progressLine(name, entries, run, runs) {
  const cells = entries.map((entry) => {
    const m = /** @type {Measurement} */ (entry.runs[run]);
    return `${entry.subject.name} ${formatThousands(Math.round(m.eventsPerSec)).padStart(10)} ev/s`;
  });
  const cpu = entries.map((entry) => entry.runs[run]?.cpuPerWall.toFixed(2)).join('/');
  return `run ${run + 1}/${runs}  ${name.padEnd(17)} ${cells.join('  ')}  (cpu/wall ${cpu})`;
}
