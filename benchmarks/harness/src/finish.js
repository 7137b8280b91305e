/**
 * The end of a run: what it prints (its table, its verdicts); the report and any extra files
 * (such as a chart) are rendered either way, so that a quick run (CI's) finds one that fails;
 * then a --quick run checks that the results have the expected shape and writes nothing; a
 * full run writes the result files.
 */
import { writeResults } from './results.js';

/**
 * @template {{ benchmark: string }} R
 * @param {object} run
 * @param {boolean} run.quick
 * @param {R} run.results
 * @param {() => string[]} run.shapeProblems what is wrong with the results' shape (quick runs)
 * @param {(results: R) => string} run.toMarkdown the report (written by full runs)
 * @param {(line: string) => void} run.log
 * @param {string[]} [run.printed] what to show first, each after a blank line (the table, the
 *   goals' verdicts), quick or full
 * @param {(results: R) => Record<string, string>} [run.extraFiles] more files of a full run,
 *   by extension (e.g. `{ svg: chart }`), written next to the JSON and the report
 * @returns {Promise<void>} rejects, listing the problems, when a quick run's shape is wrong
 */
export async function finishRun({
  quick,
  results,
  shapeProblems,
  toMarkdown,
  log,
  extraFiles,
  printed = [],
}) {
  for (const text of printed) {
    log('');
    log(text);
  }
  const markdown = toMarkdown(results);
  const extra = extraFiles ? extraFiles(results) : {};
  if (quick) {
    const problems = shapeProblems();
    if (problems.length !== 0) {
      throw new Error(`results have the wrong shape:\n${problems.join('\n')}`);
    }
    log('\nquick run: results have the expected shape, the report renders (no files written)');
    return;
  }
  for (const path of await writeResults(results, markdown, undefined, extra)) {
    log(`wrote ${path}`);
  }
}
