/**
 * The benchmarks there are: every folder of benchmarks/ whose package.json has a `bench`
 * script (the harness has none), with its description, and whether it is a long memory run.
 *
 * A long memory run (soak) watches memory over a fixed stretch of time rather than measuring
 * speed; its package.json says so, with the CPU it keeps busy in cores:
 *
 *     "benchmark": { "longMemoryRun": { "cores": 0.5 } }
 *
 * `all` runs the other benchmarks one after another first, then the long memory runs side by
 * side, as many at once as their cores fit the machine's (never beside a throughput benchmark).
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
 * @typedef {{ name: string, project: string, dir: string, description: string, hasQuick: boolean,
 *   longMemoryRun: LongMemoryRun | undefined }} Benchmark
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
      longMemoryRun: longMemoryRunOf(name, pkg.benchmark?.longMemoryRun),
    });
  }
  return found;
}

/**
 * The `benchmark.longMemoryRun` field of a benchmark's package.json, checked.
 * @param {string} name
 * @param {unknown} field
 * @returns {LongMemoryRun | undefined}
 */
function longMemoryRunOf(name, field) {
  if (field === undefined) return undefined;
  const cores = /** @type {{ cores?: unknown }} */ (field)?.cores;
  if (typeof cores !== 'number' || !(cores > 0)) {
    throw new Error(
      `benchmarks/${name}/package.json: benchmark.longMemoryRun must be { "cores": <the CPU it ` +
        `keeps busy, > 0> }, got ${JSON.stringify(field)}`,
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
