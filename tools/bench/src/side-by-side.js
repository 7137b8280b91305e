/**
 * Benchmarks that share the machine (`all`'s second phase): each runs through its Nx target in
 * the background, its dependencies built beforehand (so that no two Nx builds race), every line
 * it prints prefixed `[name]`, a line when it ends, and a line a minute saying what is going.
 *
 * Each is told what it runs beside: `KINESIS_KIT_BENCH_BESIDE` holds the names of the
 * benchmarks already going when it starts, or starting with it ("soak, analytics-memory").
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The workspaces' folders, as in the root package.json. */
const WORKSPACE_FOLDERS = ['packages', 'apps', 'benchmarks', 'tools'];

/** How often a line says which benchmarks are still going. */
const HEARTBEAT_MS = 60_000;

/** The environment variable that tells a benchmark what it runs beside. */
const BESIDE_VARIABLE = 'KINESIS_KIT_BENCH_BESIDE';

/**
 * @typedef {import('./benchmarks.js').Benchmark} Benchmark
 */

/** @param {number} startedMs */
export const minutesSince = (startedMs) => ((performance.now() - startedMs) / 60_000).toFixed(1);

/**
 * The workspace packages the benchmarks depend on that have a `build` script.
 * @param {Benchmark[]} benchmarks
 * @returns {string[]} project names
 */
function builtDependencies(benchmarks) {
  /** @type {Map<string, boolean>} package name → has a build script */
  const workspace = new Map();
  for (const folder of WORKSPACE_FOLDERS) {
    const dir = join(ROOT, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      workspace.set(pkg.name, typeof pkg.scripts?.build === 'string');
    }
  }
  const needed = new Set();
  for (const benchmark of benchmarks) {
    const pkg = JSON.parse(readFileSync(join(benchmark.dir, 'package.json'), 'utf8'));
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (workspace.get(name) === true) needed.add(name);
    }
  }
  return [...needed].sort();
}

/**
 * Builds, once, what the benchmarks measure.
 * @param {Benchmark[]} benchmarks
 * @returns {boolean} whether the build succeeded
 */
export function buildDependencies(benchmarks) {
  const dependencies = builtDependencies(benchmarks);
  if (dependencies.length === 0) return true;
  const build = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', dependencies.join(','), '--outputStyle=static'],
    { stdio: 'inherit', env: { ...process.env, NX_TUI: 'false' } },
  );
  return build.status === 0;
}

/**
 * Starts the shared stretch: the heartbeat, and a way to run benchmarks in the background.
 * @param {object} options
 * @param {boolean} options.quick
 * @param {string[]} options.names every benchmark that will run in it (for the prefixes' width)
 * @param {number} options.startedMs when `all` started
 * @param {(line: string) => void} options.log
 */
export function startSideBySide({ quick, names, startedMs, log }) {
  const width = Math.max(...names.map((name) => name.length));
  /** @type {Map<string, number>} name → when it started */
  const running = new Map();
  const heartbeat = setInterval(() => {
    const going = [...running].map(([name, since]) => `${name} ${minutesSince(since)} min`);
    log(`--- going side by side: ${going.join(', ')} (${minutesSince(startedMs)} min so far)`);
  }, HEARTBEAT_MS);

  /**
   * @param {Benchmark} benchmark
   * @returns {Promise<boolean>} whether it succeeded
   */
  const spawnOne = (benchmark) =>
    new Promise((resolve) => {
      const beside = [...running.keys()].filter((name) => name !== benchmark.name);
      const target = `${benchmark.project}:${quick ? 'bench-quick' : 'bench'}`;
      const child = spawn('npx', ['nx', 'run', target, '--excludeTaskDependencies'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NX_TUI: 'false', [BESIDE_VARIABLE]: beside.join(', ') },
      });
      const prefix = `[${benchmark.name}]`.padEnd(width + 2);
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => log(`${prefix} ${line}`));
      }
      const finish = (/** @type {boolean} */ ok, /** @type {string} */ how) => {
        const since = running.get(benchmark.name) ?? performance.now();
        running.delete(benchmark.name);
        log(
          `=== ${benchmark.name} ${ok ? 'done' : `failed (${how})`} after ` +
            `${minutesSince(since)} min (${minutesSince(startedMs)} min so far)`,
        );
        resolve(ok);
      };
      child.once('error', (error) => finish(false, error.message));
      child.once('close', (code, signal) =>
        finish(code === 0, signal ? `signal ${signal}` : `exit code ${code}`),
      );
    });

  return {
    /**
     * Runs benchmarks at once in the background (each told the others); resolves when all
     * have ended.
     * @param {Benchmark[]} benchmarks
     * @returns {Promise<string[]>} the names of those that failed
     */
    async run(benchmarks) {
      for (const benchmark of benchmarks) running.set(benchmark.name, performance.now());
      const outcomes = await Promise.all(benchmarks.map(spawnOne));
      return benchmarks.filter((_, index) => !outcomes[index]).map((benchmark) => benchmark.name);
    },
    /** Ends the heartbeat. */
    stop() {
      clearInterval(heartbeat);
    },
  };
}
