/**
 * The protocol: a warm-up, then measured runs, interleaved: in each run every scenario measures
 * every subject in turn, the order of the subjects alternating from one run to the next.
 */
import { collectGarbage, formatThousands, inRunOrder } from '@kinesis-kit/bench-harness';
import { measure } from './measure.js';

/**
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {import('./scenarios.js').Entry} Entry
 * @typedef {{ warmupMs: number, runMs: number, runs: number }} Protocol
 */

/**
 * @param {Entry} entry
 * @param {number} ms
 */
function measureEntry(entry, ms) {
  collectGarbage();
  return measure(entry.task, ms).userRecordsPerSec;
}

/**
 * Warms up, then fills each entry's `perRun` with records/s, one per run; logs a line per
 * scenario per run.
 * @param {Scenario[]} scenarios
 * @param {Protocol} protocol
 * @param {(line: string) => void} log
 */
export function runProtocol(scenarios, protocol, log) {
  if (protocol.warmupMs > 0) {
    log(`warm-up: ${protocol.warmupMs} ms per scenario and subject`);
    for (const scenario of scenarios) {
      for (const entry of scenario.entries) measureEntry(entry, protocol.warmupMs);
    }
  }
  for (let run = 0; run < protocol.runs; run++) {
    for (const scenario of scenarios) {
      for (const entry of inRunOrder(scenario.entries, run)) {
        entry.perRun.push(measureEntry(entry, protocol.runMs));
      }
      log(progressLine(scenario, run, protocol.runs));
    }
  }
}

/**
 * @param {Scenario} scenario
 * @param {number} run
 * @param {number} runs
 */
function progressLine(scenario, run, runs) {
  const rates = scenario.entries.map((entry) => {
    const rate = formatThousands(Math.round(/** @type {number} */ (entry.perRun[run])));
    return `${entry.subject.name} ${rate.padStart(11)} rec/s`;
  });
  const [ours, theirs] = scenario.entries.map((entry) => entry.perRun[run] ?? 0);
  const ratio = theirs ? `${((ours ?? 0) / theirs).toFixed(2)}x` : '-';
  return `run ${run + 1}/${runs}  ${scenario.name.padEnd(18)} ${rates.join('  ')}  ratio ${ratio}`;
}
