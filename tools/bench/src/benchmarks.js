/**
 * The benchmarks there are: every folder of benchmarks/ whose package.json has a `bench`
 * script (the harness has none), with its description and how `all` may schedule it.
 *
 * A long memory run (soak, analytics-memory) watches memory over a fixed stretch of time
 * rather than measuring speed; its package.json says so, with the CPU it keeps busy in cores:
 *
 *     "benchmark": { "longMemoryRun": { "cores": 0.5 } }
 *
 * A limit-bound benchmark (shard-throughput, read-throughput) measures against per-shard
 * limits, not against the CPU, so it may run beside the long memory runs; its package.json says
 * so, with the most CPU it keeps busy (its process and its endpoint's together):
 *
 *     "benchmark": { "besideLongMemoryRuns": { "cores": 0.9 } }
 *
 * `all` runs the others (CPU-bound) one after another, each alone; then the long memory runs
 * side by side, as many at once as their cores fit the machine's, and beside them the
 * limit-bound benchmarks one after another, those whose cores fit beside them (see planAll).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** benchmarks/ */
export const BENCHMARKS_DIR = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
/** benchmarks/results/ */
export const RESULTS_DIR = join(BENCHMARKS_DIR, 'results');

/**
 * @typedef {{ cores: number }} LongMemoryRun
 * @typedef {{ cores: number }} BesideLongMemoryRuns
 * @typedef {object} Scheduling what a benchmark's package.json declares under `benchmark`
 * @property {LongMemoryRun | undefined} longMemoryRun
 * @property {BesideLongMemoryRuns | undefined} besideLongMemoryRuns
 * @typedef {{ name: string, project: string, dir: string, description: string, hasQuick: boolean }
 *   & Scheduling} Benchmark
 * @returns {Benchmark[]} sorted by name
 */
export function listBenchmarks() {
  /** @type {Benchmark[]} */
  const found = [];
  for (const name of readdirSync(BENCHMARKS_DIR).sort()) {
    const manifest = join(BENCHMARKS_DIR, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof pkg.scripts?.bench !== 'string') continue;
    found.push({
      name,
      project: pkg.name,
      dir: join(BENCHMARKS_DIR, name),
      description: pkg.description ?? '',
      hasQuick: typeof pkg.scripts['bench-quick'] === 'string',
      ...schedulingOf(name, pkg.benchmark),
    });
  }
  return found;
}

/** What each declaration under `benchmark` means, for the errors. */
const DECLARATIONS = {
  longMemoryRun: 'the CPU it keeps busy',
  besideLongMemoryRuns: 'the most CPU it keeps busy, with any endpoint it starts',
};

/**
 * The `benchmark` field of a benchmark's package.json, checked: each declaration is
 * `{ "cores": <number > 0> }`, a benchmark is a long memory run or runs beside them, not both,
 * and nothing else is declared.
 * @param {string} name the benchmark's folder, for the errors
 * @param {unknown} field
 * @returns {Scheduling}
 */
export function schedulingOf(name, field) {
  const where = `benchmarks/${name}/package.json`;
  const declared = /** @type {Record<string, unknown>} */ (field ?? {});
  for (const key of Object.keys(declared)) {
    if (!(key in DECLARATIONS)) {
      throw new Error(
        `${where}: benchmark.${key} is not a declaration; known: ${Object.keys(DECLARATIONS).join(', ')}`,
      );
    }
  }
  const longMemoryRun = coresOf(where, 'longMemoryRun', declared.longMemoryRun);
  const besideLongMemoryRuns = coresOf(
    where,
    'besideLongMemoryRuns',
    declared.besideLongMemoryRuns,
  );
  if (longMemoryRun !== undefined && besideLongMemoryRuns !== undefined) {
    throw new Error(
      `${where}: a benchmark is a long memory run or runs beside them, not both ` +
        '(benchmark.longMemoryRun and benchmark.besideLongMemoryRuns)',
    );
  }
  return { longMemoryRun, besideLongMemoryRuns };
}

/**
 * One `{ "cores": N }` declaration, checked.
 * @param {string} where
 * @param {keyof typeof DECLARATIONS} key
 * @param {unknown} value
 * @returns {{ cores: number } | undefined}
 */
function coresOf(where, key, value) {
  if (value === undefined) return undefined;
  const cores = /** @type {{ cores?: unknown }} */ (value)?.cores;
  if (typeof cores !== 'number' || !(cores > 0)) {
    throw new Error(
      `${where}: benchmark.${key} must be { "cores": <${DECLARATIONS[key]}, > 0> }, ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  return { cores };
}

/**
 * A benchmark's latest full results, or undefined when it has none yet.
 * @param {string} name
 * @returns {any}
 */
export function readResults(name) {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}
