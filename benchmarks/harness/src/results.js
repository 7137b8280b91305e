/**
 * The result files of a full run: benchmarks/results/<benchmark>.json (the result-file object of
 * the benchmark protocol, BENCHMARKS.md) and benchmarks/results/<benchmark>.md (its report).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} ResultRow one scenario measured on one subject
 * @property {string} name the scenario
 * @property {string} subject
 * @property {Record<string, unknown>} params
 * @property {Record<string, unknown>} metrics
 * @property {number} runs
 * @typedef {object} ResultFile what every result file holds, at least
 * @property {string} benchmark its name, which names the files too
 * @property {string} date when it ran, ISO 8601 to the second (see `resultDate`)
 * @property {{ cpu: string, cores: number, node: string }} machine
 * @property {ResultRow[]} scenarios
 */

/** benchmarks/results/, where full runs write their results. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/**
 * The result file's date: ISO 8601 in UTC, to the second (`2026-11-25T12:00:00Z`).
 * @param {Date} date
 */
export function resultDate(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Writes `<benchmark>.json` (the results, 2-space JSON) and `<benchmark>.md` (`markdown`), and
 * `<benchmark>.<extension>` for each of `extraFiles` (e.g. `{ svg: chart }`).
 * @param {{ benchmark: string }} results
 * @param {string} markdown the report
 * @param {string} [dir] where to write them; benchmarks/results/ by default
 * @param {Record<string, string>} [extraFiles] more files' contents, by extension
 * @returns {Promise<string[]>} the paths written
 */
export async function writeResults(results, markdown, dir = RESULTS_DIR, extraFiles = {}) {
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${results.benchmark}.json`);
  const report = join(dir, `${results.benchmark}.md`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(report, markdown);
  const written = [json, report];
  for (const [extension, content] of Object.entries(extraFiles)) {
    const path = join(dir, `${results.benchmark}.${extension}`);
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}
