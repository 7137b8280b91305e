/**
 * `npm run bench -- all [--quick]`: every benchmark, within one sitting, in three phases.
 *
 * 1. The CPU-bound benchmarks (codec, http-ingest, local-endpoint, analytics) one after
 *    another, each alone on the machine, as their protocols require.
 * 2. The long memory runs (benchmarks whose package.json declares `benchmark.longMemoryRun`,
 *    like soak): they watch memory over a fixed stretch of time, not speed, so they run side by
 *    side, as many at once as their declared cores fit the machine's. At the same time, the
 *    limit-bound benchmarks (`benchmark.besideLongMemoryRuns`: shard-throughput,
 *    read-throughput), which measure against per-shard limits rather than the CPU, run one
 *    after another beside them, those whose cores fit beside the busiest batch of memory runs.
 *    Every line these print is prefixed `[name]`; a line says when each starts and ends, and a
 *    line a minute what is going.
 * 3. The limit-bound benchmarks that did not fit beside the memory runs, one after another,
 *    alone.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { buildDependencies, minutesSince, startSideBySide } from './side-by-side.js';
import { writeSummary } from './summary.js';

/**
 * @typedef {import('./benchmarks.js').Benchmark} Benchmark
 * @typedef {object} AllPlan
 * @property {Benchmark[]} alone the CPU-bound benchmarks, one after another, each alone
 * @property {Benchmark[][]} memoryBatches the long memory runs, each batch side by side
 * @property {Benchmark[]} besideMemoryRuns the limit-bound benchmarks that run one after
 *   another while the memory batches go
 * @property {Benchmark[]} afterMemoryRuns the limit-bound benchmarks whose cores do not fit
 *   beside the memory runs (or with no memory runs to run beside): one after another, alone
 */

/**
 * The cores a batch of long memory runs keeps busy.
 * @param {Benchmark[]} batch
 */
const coresOf = (batch) =>
  batch.reduce((sum, benchmark) => sum + (benchmark.longMemoryRun?.cores ?? 0), 0);

/**
 * Which benchmarks run alone and which side by side: long memory runs are packed, in the order
 * given, into batches whose declared cores fit `cores` (a run that needs more than the machine
 * has runs alone); a limit-bound benchmark runs beside them when its cores plus those of the
 * busiest batch fit `cores`, else alone after them.
 * @param {Benchmark[]} benchmarks
 * @param {number} cores the machine's
 * @returns {AllPlan}
 */
export function planAll(benchmarks, cores) {
  const alone = benchmarks.filter(
    (benchmark) =>
      benchmark.longMemoryRun === undefined && benchmark.besideLongMemoryRuns === undefined,
  );
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
  const busiest = Math.max(0, ...memoryBatches.map(coresOf));
  const limitBound = benchmarks.filter((benchmark) => benchmark.besideLongMemoryRuns);
  const fits = (/** @type {Benchmark} */ benchmark) =>
    memoryBatches.length > 0 && busiest + (benchmark.besideLongMemoryRuns?.cores ?? 0) <= cores;
  return {
    alone,
    memoryBatches,
    besideMemoryRuns: limitBound.filter(fits),
    afterMemoryRuns: limitBound.filter((benchmark) => !fits(benchmark)),
  };
}

/** @param {Benchmark[]} benchmarks */
const namesOf = (benchmarks) => benchmarks.map((benchmark) => benchmark.name).join(', ');

/**
 * The plan, as `all` prints it first.
 * @param {AllPlan} plan
 * @param {number} cores
 * @returns {string[]}
 */
export function describePlan({ alone, memoryBatches, besideMemoryRuns, afterMemoryRuns }, cores) {
  const batches = memoryBatches
    .map((batch) => `${batch.map((b) => b.name).join(' + ')} (${coresOf(batch)} cores)`)
    .join(', then ');
  return [
    `plan on ${cores} cores:`,
    `  1. one after another, each alone: ${namesOf(alone) || 'none'}`,
    `  2. long memory runs side by side: ${batches || 'none'}` +
      (besideMemoryRuns.length > 0
        ? `; beside them, one after another: ${namesOf(besideMemoryRuns)}`
        : ''),
    `  3. one after another, each alone: ${namesOf(afterMemoryRuns) || 'none'}`,
  ];
}

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
 * Runs every benchmark in the three phases of `planAll`; after a full run, rewrites the summary
 * in benchmarks/README.md.
 * @param {Benchmark[]} benchmarks
 * @param {boolean} quick
 * @param {(line: string) => void} [log]
 * @returns {Promise<number>} the exit code
 */
export async function runAll(benchmarks, quick, log = (line) => console.log(line)) {
  const started = performance.now();
  const cores = availableParallelism();
  const plan = planAll(benchmarks, cores);
  for (const line of describePlan(plan, cores)) log(line);
  const { alone, memoryBatches, besideMemoryRuns, afterMemoryRuns } = plan;
  const order = [...alone, ...memoryBatches.flat(), ...besideMemoryRuns, ...afterMemoryRuns];
  /** @param {Benchmark[]} these */
  const numbers = (these) => {
    const first = order.indexOf(/** @type {Benchmark} */ (these[0])) + 1;
    const last = first + these.length - 1;
    return `[${first === last ? first : `${first}–${last}`}/${order.length}]`;
  };
  /** @param {Benchmark[]} these @param {string} [how] */
  const startLine = (these, how = '') =>
    `=== ${numbers(these)} ${how}${namesOf(these)}${quick ? ' --quick' : ''} ` +
    `(${minutesSince(started)} min so far)`;
  /** @type {string[]} */
  const failed = [];
  for (const benchmark of alone) {
    log(`\n${startLine([benchmark])}`);
    if (!runBenchmark(benchmark, quick, [])) failed.push(benchmark.name);
  }
  const sideBySide = [...memoryBatches.flat(), ...besideMemoryRuns];
  if (sideBySide.length > 0) {
    failed.push(
      ...(buildDependencies(sideBySide)
        ? await runSideBySide({ memoryBatches, besideMemoryRuns, quick, started, log, startLine })
        : sideBySide.map((benchmark) => benchmark.name)),
    );
  }
  for (const benchmark of afterMemoryRuns) {
    log(`\n${startLine([benchmark], 'alone, after the long memory runs: ')}`);
    if (!runBenchmark(benchmark, quick, [])) failed.push(benchmark.name);
  }
  if (!quick) log(`\nwrote ${writeSummary()}`);
  log(
    `\n${order.length - failed.length} of ${order.length} benchmarks ran in ` +
      `${minutesSince(started)} min` +
      (failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''),
  );
  return failed.length === 0 ? 0 : 1;
}

/**
 * Phase 2: the long memory runs side by side, batch after batch, and beside them the
 * limit-bound benchmarks one after another; returns the names of those that failed. The memory
 * runs start first, so the first limit-bound benchmark is told it runs beside them.
 * @param {object} options
 * @param {Benchmark[][]} options.memoryBatches
 * @param {Benchmark[]} options.besideMemoryRuns
 * @param {boolean} options.quick
 * @param {number} options.started when `all` started (ms)
 * @param {(line: string) => void} options.log
 * @param {(these: Benchmark[], how?: string) => string} options.startLine
 * @returns {Promise<string[]>}
 */
async function runSideBySide({ memoryBatches, besideMemoryRuns, quick, started, log, startLine }) {
  /** @type {string[]} */
  const failed = [];
  const shared = startSideBySide({
    quick,
    names: [...memoryBatches.flat(), ...besideMemoryRuns].map((benchmark) => benchmark.name),
    startedMs: started,
    log,
  });
  const memoryRuns = async () => {
    for (const batch of memoryBatches) {
      log(`\n${startLine(batch, 'side by side: ')}`);
      failed.push(...(await shared.run(batch)));
    }
  };
  const limitBound = async () => {
    for (const benchmark of besideMemoryRuns) {
      log(`\n${startLine([benchmark], 'beside the long memory runs: ')}`);
      failed.push(...(await shared.run([benchmark])));
    }
  };
  try {
    await Promise.all([memoryRuns(), limitBound()]);
  } finally {
    shared.stop();
  }
  return failed;
}
