/**
 * The protocol: a warm-up, then measured runs, interleaved: in each run every scenario measures
 * every subject in turn, the order of the subjects reversed from one run to the next.
 */
import { formatThousands, inRunOrder } from '@kinesis-kit/bench-harness';

/**
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {import('./scenarios.js').Budget} Budget
 * @typedef {import('./scenarios.js').Sample} Sample
 * @typedef {import('./servers.js').Running} Running
 * @typedef {{ warmup: Budget | null, budget: Budget, runs: number }} Protocol
 * @typedef {{ running: Running, samples: Sample[] }} Entry
 * @typedef {{ scenario: Scenario, entries: Entry[] }} Measured
 */

/**
 * Measures once; an error names the scenario and subject, and how the server ended if it did.
 * @param {Scenario} scenario
 * @param {Running} running
 * @param {Budget} budget
 */
async function measureOnce(scenario, running, budget) {
  try {
    return await scenario.measure(running, budget);
  } catch (error) {
    const { child, tail } = running.server;
    const ended = child.exitCode ?? child.signalCode;
    const server = ended === null ? '' : `\nthe server had exited (${ended}):\n${tail()}`;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${scenario.name} on ${running.subject.name} failed: ${message}${server}`, {
      cause: error,
    });
  }
}

/** @param {number} fraction of one core */
const percent = (fraction) => `${Math.round(fraction * 100)}%`.padStart(4);

/**
 * @param {string} label
 * @param {Scenario} scenario
 * @param {Running} running
 * @param {Sample} sample
 */
function progressLine(label, scenario, running, sample) {
  const rate = formatThousands(Math.round(sample.recordsPerSec)).padStart(9);
  const server =
    sample.serverCpuMs === undefined ? '  ?' : percent(sample.serverCpuMs / sample.elapsedMs);
  const client = percent(sample.clientCpuMs / sample.elapsedMs);
  const passes = scenario.params.operation === 'GetRecords' ? `  passes ${sample.passes}` : '';
  return (
    `${label.padEnd(9)} ${scenario.name.padEnd(21)} ${running.subject.name.padEnd(34)}` +
    `${rate} rec/s  cpu server ${server} client ${client}${passes}`
  );
}

/**
 * Warms every subject up on every scenario, then fills each entry's samples, one per run;
 * logs a line per measurement.
 * @param {Scenario[]} scenarios
 * @param {Running[]} subjects
 * @param {Protocol} protocol
 * @param {(line: string) => void} log
 * @returns {Promise<Measured[]>}
 */
export async function runProtocol(scenarios, subjects, protocol, log) {
  if (protocol.warmup) {
    const { writeMs, readRecords, readMs } = protocol.warmup;
    log(
      `warm-up: ${writeMs} ms of writes, then ${readRecords} records read back for ` +
        `≥ ${readMs} ms, per subject`,
    );
    for (const scenario of scenarios) {
      for (const running of subjects) {
        const sample = await measureOnce(scenario, running, protocol.warmup);
        log(progressLine('warm-up', scenario, running, sample));
      }
    }
  }
  const measured = scenarios.map((scenario) => ({
    scenario,
    entries: subjects.map((running) => ({ running, samples: /** @type {Sample[]} */ ([]) })),
  }));
  for (let run = 0; run < protocol.runs; run++) {
    for (const { scenario, entries } of measured) {
      for (const entry of inRunOrder(entries, run)) {
        const sample = await measureOnce(scenario, entry.running, protocol.budget);
        entry.samples.push(sample);
        log(progressLine(`run ${run + 1}/${protocol.runs}`, scenario, entry.running, sample));
      }
    }
  }
  return measured;
}
