/**
 * `npm run bench -- all [--quick]`: every benchmark, within one sitting.
 *
 * The throughput benchmarks run one after another (each alone on the machine, as their
 * protocols require). Then the long memory runs (benchmarks whose package.json declares
 * `benchmark.longMemoryRun`, like soak): they watch memory over a fixed stretch of time, not
 * speed, so they run side by side, as many at once as their declared cores fit the machine's,
 * each through its Nx target, with a line prefixed `[name]` for every line it prints, a line
 * when each starts and ends, and a line a minute while they run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeSummary } from './summary.js';

/** The repository's root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The workspaces' folders, as in the root package.json. */
const WORKSPACE_FOLDERS = ['packages', 'apps', 'benchmarks', 'tools'];

/** How often a line says which long memory runs are still going. */
const HEARTBEAT_MS = 60_000;

/**
 * @typedef {import('./benchmarks.js').Benchmark} Benchmark
 * @typedef {object} AllPlan
 * @property {Benchmark[]} inTurn the throughput benchmarks, one after another
 * @property {Benchmark[][]} memoryBatches the long memory runs, each batch side by side
 */

/**
 * Which benchmarks run in turn and which side by side: long memory runs are packed, in the
 * order given, into batches whose declared cores fit `cores` (a run that needs more than the
 * machine has runs alone).
 * @param {Benchmark[]} benchmarks
 * @param {number} cores the machine's
 * @returns {AllPlan}
 */
export function planAll(benchmarks, cores) {
  const inTurn = benchmarks.filter((benchmark) => benchmark.longMemoryRun === undefined);
  /** @type {Benchmark[][]} */
  const memoryBatches = [];
  let batch = /** @type {Benchmark[]} */ ([]);
  let used = 0;
  for (const benchmark of benchmarks) {
    if (benchmark.longMemoryRun === undefined) continue;
    const need = benchmark.longMemoryRun.cores;
    if (batch.length > 0 && used + need > cores) {
      memoryBatches.push(batch);
      batch = [];
      used = 0;
    }
    batch.push(benchmark);
    used += need;
  }
  if (batch.length > 0) memoryBatches.push(batch);
  return { inTurn, memoryBatches };
}

/** @param {number} startedMs */
const minutesSince = (startedMs) => ((performance.now() - startedMs) / 60_000).toFixed(1);

/**
 * Runs one benchmark's `bench` (or `bench-quick`) target through Nx, which builds what it
 * measures first, with the terminal attached.
 * @param {Benchmark} benchmark
 * @param {boolean} quick
 * @param {string[]} args passed on to the benchmark
 * @returns {boolean} whether it succeeded
 */
export function runBenchmark(benchmark, quick, args) {
  const target = `${benchmark.project}:${quick ? 'bench-quick' : 'bench'}`;
  const result = spawnSync(
    'npx',
    ['nx', 'run', target, ...(args.length > 0 ? ['--', ...args] : [])],
    { stdio: 'inherit', env: { ...process.env, NX_TUI: 'false' } },
  );
  return result.status === 0;
}

/**
 * The workspace packages a benchmark depends on that have a `build` script.
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
 * Runs one batch of long memory runs side by side (their dependencies built first, once) and
 * waits for all of them.
 * @param {Benchmark[]} batch
 * @param {boolean} quick
 * @param {number} startedMs when `all` started
 * @param {(line: string) => void} log
 * @returns {Promise<string[]>} the names of those that failed
 */
async function runSideBySide(batch, quick, startedMs, log) {
  const env = { ...process.env, NX_TUI: 'false' };
  const dependencies = builtDependencies(batch);
  if (dependencies.length > 0) {
    const build = spawnSync(
      'npx',
      ['nx', 'run-many', '-t', 'build', '-p', dependencies.join(','), '--outputStyle=static'],
      { stdio: 'inherit', env },
    );
    if (build.status !== 0) return batch.map((benchmark) => benchmark.name);
  }
  const width = Math.max(...batch.map((benchmark) => benchmark.name.length));
  /** @type {Map<string, number>} name → when it started */
  const running = new Map();
  const heartbeat = setInterval(() => {
    const going = [...running].map(([name, since]) => `${name} ${minutesSince(since)} min`);
    log(`--- long memory runs going: ${going.join(', ')} (${minutesSince(startedMs)} min so far)`);
  }, HEARTBEAT_MS);
  try {
    const outcomes = await Promise.all(
      batch.map(
        (benchmark) =>
          new Promise((resolve) => {
            const target = `${benchmark.project}:${quick ? 'bench-quick' : 'bench'}`;
            const child = spawn('npx', ['nx', 'run', target, '--excludeTaskDependencies'], {
              stdio: ['ignore', 'pipe', 'pipe'],
              env,
            });
            const prefix = `[${benchmark.name}]`.padEnd(width + 2);
            running.set(benchmark.name, performance.now());
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
              resolve({ name: benchmark.name, ok });
            };
            child.once('error', (error) => finish(false, error.message));
            child.once('close', (code, signal) =>
              finish(code === 0, signal ? `signal ${signal}` : `exit code ${code}`),
            );
          }),
      ),
    );
    return outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.name);
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Runs every benchmark: the throughput ones in turn, then the long memory runs side by side;
 * after a full run, rewrites the summary in benchmarks/README.md.
 * @param {Benchmark[]} benchmarks
 * @param {boolean} quick
 * @param {(line: string) => void} [log]
 * @returns {Promise<number>} the exit code
 */
export async function runAll(benchmarks, quick, log = (line) => console.log(line)) {
  const started = performance.now();
  const cores = availableParallelism();
  const { inTurn, memoryBatches } = planAll(benchmarks, cores);
  const memoryCount = memoryBatches.reduce((count, batch) => count + batch.length, 0);
  const batches = memoryBatches.map((batch) => batch.map((b) => b.name).join(' + '));
  log(
    `${inTurn.length} benchmark(s) one after another, then ${memoryCount} long memory run(s) ` +
      `side by side (${batches.join(', then ') || 'none'}; ${cores} cores)`,
  );
  /** @type {string[]} */
  const failed = [];
  let index = 0;
  for (const benchmark of inTurn) {
    index++;
    log(
      `\n=== [${index}/${benchmarks.length}] ${benchmark.name}${quick ? ' --quick' : ''} ` +
        `(${minutesSince(started)} min so far)`,
    );
    if (!runBenchmark(benchmark, quick, [])) failed.push(benchmark.name);
  }
  for (const batch of memoryBatches) {
    const first = index + 1;
    index += batch.length;
    const numbers = first === index ? `${first}` : `${first}–${index}`;
    log(
      `\n=== [${numbers}/${benchmarks.length}] side by side: ${batch.map((b) => b.name).join(', ')}` +
        `${quick ? ' --quick' : ''} (${minutesSince(started)} min so far)`,
    );
    failed.push(...(await runSideBySide(batch, quick, started, log)));
  }
  if (!quick) log(`\nwrote ${writeSummary()}`);
  log(
    `\n${benchmarks.length - failed.length} of ${benchmarks.length} benchmarks ran in ` +
      `${minutesSince(started)} min` +
      (failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''),
  );
  return failed.length === 0 ? 0 : 1;
}
