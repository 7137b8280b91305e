/**
 * Correctness before speed (untimed): every subject must give exactly the results of the
 * hand-written loop that applies the same watermark: the same (window, url) pairs with the same
 * value, each once, as a first final result, and the same number of late events. A mismatch
 * fails the benchmark.
 */
import { handWrittenSubject } from './subjects.js';
import { sourceOf } from './workloads.js';

/**
 * @typedef {import('./subjects.js').Scenario} Scenario
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./subjects.js').PassStats} PassStats
 * @typedef {import('./workloads.js').Visit} Visit
 * @typedef {{ values: Map<string, unknown>, problems: string[], stats: PassStats, windows: number }} Collected
 */

/** @param {unknown} value a TIMESTAMP as the subjects give it: a `Date` (or epoch ms) */
function epochMs(value) {
  return value instanceof Date ? value.getTime() : Number(value);
}

/**
 * Runs `subject` over `batches`, keyed by `window_start|url` (KDA rows have no window_end: the
 * window is its start and the scenario's size).
 * @param {Subject} subject
 * @param {Scenario} scenario
 * @param {Visit[][]} batches
 * @returns {Promise<Collected>}
 */
async function collect(subject, scenario, batches) {
  /** @type {Map<string, unknown>} */
  const values = new Map();
  const starts = new Set();
  /** @type {string[]} */
  const problems = [];
  const stats = await subject.run(sourceOf(batches), (row, kind, revision) => {
    const start = epochMs(row.window_start);
    const key = `${start}|${row.url}`;
    if (kind !== 'insert' || revision !== 0) {
      if (problems.length < 5) problems.push(`${key}: a ${kind} result of revision ${revision}`);
      return;
    }
    if ('window_end' in row && epochMs(row.window_end) !== start + scenario.window.sizeMs) {
      if (problems.length < 5) problems.push(`${key}: window_end ${String(row.window_end)}`);
    }
    if (values.has(key)) {
      if (problems.length < 5) problems.push(`${key}: emitted twice`);
      return;
    }
    values.set(key, row[scenario.valueColumn]);
    starts.add(start);
  });
  return { values, problems, stats, windows: starts.size };
}

/**
 * What differs between a subject's results and the reference's (at most a few examples).
 * @param {Collected} got
 * @param {Collected} want
 * @returns {string[]}
 */
function differences(got, want) {
  const found = [...got.problems];
  let missing = 0;
  let wrong = 0;
  for (const [key, value] of want.values) {
    if (!got.values.has(key)) {
      missing++;
      if (found.length < 5) found.push(`${key}: missing (expected ${String(value)})`);
    } else if (got.values.get(key) !== value) {
      wrong++;
      if (found.length < 5) {
        found.push(`${key}: ${String(got.values.get(key))}, expected ${String(value)}`);
      }
    }
  }
  const extra = [...got.values.keys()].filter((key) => !want.values.has(key));
  if (extra.length > 0 && found.length < 5) found.push(`${extra[0]}: not expected`);
  if (missing + wrong + extra.length > 0) {
    found.push(
      `${missing} missing, ${wrong} wrong, ${extra.length} unexpected of ${want.values.size}`,
    );
  }
  if (got.stats.rowsIn !== want.stats.rowsIn) {
    found.push(`${got.stats.rowsIn} events in, expected ${want.stats.rowsIn}`);
  }
  if (got.stats.rowsLate !== want.stats.rowsLate) {
    found.push(`${got.stats.rowsLate} late events, expected ${want.stats.rowsLate}`);
  }
  if (got.stats.errors !== 0) found.push(`${got.stats.errors} errors`);
  return found;
}

/**
 * Checks every subject of every scenario against the hand-written loop with the subject's
 * watermark delay; throws listing the differences. Returns, per scenario, what one pass gives
 * (result rows, windows, late events per subject), for the report.
 * @param {Scenario[]} scenarios
 * @param {Visit[][]} batches
 * @param {(line: string) => void} log
 * @returns {Promise<Record<string, Record<string, { resultRows: number, windows: number, lateEvents: number }>>>}
 */
export async function verifyAll(scenarios, batches, log) {
  /** @type {Record<string, Record<string, { resultRows: number, windows: number, lateEvents: number }>>} */
  const perPass = {};
  const failures = [];
  for (const scenario of scenarios) {
    perPass[scenario.name] = {};
    /** @type {Map<number, Collected>} by watermark delay */
    const references = new Map();
    for (const subject of scenario.subjects) {
      let reference = references.get(subject.watermarkDelayMs);
      if (reference === undefined) {
        const loop = handWrittenSubject(scenario.window, subject.watermarkDelayMs);
        reference = await collect(loop, scenario, batches);
        references.set(subject.watermarkDelayMs, reference);
      }
      const got = await collect(subject, scenario, batches);
      const found = differences(got, reference);
      const late = got.stats.rowsLate;
      log(
        `  ${scenario.name} / ${subject.name}: ${got.values.size} results in ${got.windows} windows` +
          `${late > 0 ? `, ${late} late events` : ''}: ${found.length === 0 ? 'identical' : 'DIFFERENT'}`,
      );
      if (found.length > 0)
        failures.push(`${scenario.name} / ${subject.name}:\n  ${found.join('\n  ')}`);
      /** @type {Record<string, { resultRows: number, windows: number, lateEvents: number }>} */ (
        perPass[scenario.name]
      )[subject.name] = { resultRows: got.values.size, windows: got.windows, lateEvents: late };
    }
  }
  if (failures.length > 0) {
    throw new Error(`results differ from the hand-written loop's:\n${failures.join('\n')}`);
  }
  return perPass;
}
