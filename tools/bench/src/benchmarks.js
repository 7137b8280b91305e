/**
 * The benchmarks there are: every folder of benchmarks/ whose package.json has a `bench`
 * script (the harness has none), with its description.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** benchmarks/ */
export const BENCHMARKS_DIR = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
/** benchmarks/results/ */
export const RESULTS_DIR = join(BENCHMARKS_DIR, 'results');

/**
 * @typedef {{ name: string, project: string, dir: string, description: string, hasQuick: boolean }} Benchmark
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
    });
  }
  return found;
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
