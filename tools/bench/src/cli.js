#!/usr/bin/env node
/**
 * `npm run bench [-- <command>]`: the benchmarks' one entry point.
 *   (nothing)                 lists the benchmarks
 *   <name> [--quick] [args]   runs one (its own flags after the name)
 *   all [--quick]             runs every benchmark in turn, then rewrites benchmarks/README.md
 *   plan --record-bytes N --records-per-sec N [--partition-key-bytes N] [--utilization F]
 *   summary                   rewrites benchmarks/README.md from the latest results
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { listBenchmarks } from './benchmarks.js';
import { planLines } from './plan.js';
import { writeSummary } from './summary.js';

const USAGE = `usage: npm run bench -- [<benchmark> [--quick] | all [--quick] | plan --record-bytes N --records-per-sec N | summary]`;

/**
 * Runs one benchmark's `bench` (or `bench-quick`) target through Nx, which builds what it
 * measures first, with the terminal attached.
 * @param {import('./benchmarks.js').Benchmark} benchmark
 * @param {boolean} quick
 * @param {string[]} args passed on to the benchmark
 * @returns {boolean} whether it succeeded
 */
function runBenchmark(benchmark, quick, args) {
  const target = `${benchmark.project}:${quick ? 'bench-quick' : 'bench'}`;
  const result = spawnSync(
    'npx',
    ['nx', 'run', target, ...(args.length > 0 ? ['--', ...args] : [])],
    {
      stdio: 'inherit',
      env: { ...process.env, NX_TUI: 'false' },
    },
  );
  return result.status === 0;
}

/** @param {string} text @param {string} flag */
function positiveNumber(text, flag) {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${flag} must be a positive number, got ${JSON.stringify(text)}`);
  }
  return value;
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  const benchmarks = listBenchmarks();
  if (command === undefined) {
    console.log('benchmarks (npm run bench -- <name> [--quick]):');
    const width = Math.max(...benchmarks.map((benchmark) => benchmark.name.length));
    for (const benchmark of benchmarks) {
      console.log(`  ${benchmark.name.padEnd(width)}  ${benchmark.description}`);
    }
    console.log('\nalso: all [--quick], plan --record-bytes N --records-per-sec N, summary');
    return 0;
  }
  if (command === 'summary') {
    console.log(`wrote ${writeSummary()}`);
    return 0;
  }
  if (command === 'plan') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'record-bytes': { type: 'string' },
        'records-per-sec': { type: 'string' },
        'partition-key-bytes': { type: 'string' },
        utilization: { type: 'string' },
      },
    });
    const input = {
      recordBytes: positiveNumber(/** @type {string} */ (values['record-bytes']), '--record-bytes'),
      recordsPerSec: positiveNumber(
        /** @type {string} */ (values['records-per-sec']),
        '--records-per-sec',
      ),
      ...(values['partition-key-bytes'] === undefined
        ? {}
        : {
            partitionKeyBytes: positiveNumber(
              values['partition-key-bytes'],
              '--partition-key-bytes',
            ),
          }),
      ...(values.utilization === undefined
        ? {}
        : { targetUtilization: positiveNumber(values.utilization, '--utilization') }),
    };
    for (const line of planLines(input)) console.log(line);
    return 0;
  }
  if (command === 'all') {
    const quick = rest.includes('--quick');
    const started = performance.now();
    const failed = [];
    benchmarks.forEach((benchmark, index) => {
      const elapsed = ((performance.now() - started) / 60_000).toFixed(1);
      console.log(
        `\n=== [${index + 1}/${benchmarks.length}] ${benchmark.name}${quick ? ' --quick' : ''} (${elapsed} min so far)`,
      );
      if (!runBenchmark(benchmark, quick, [])) failed.push(benchmark.name);
    });
    if (!quick) console.log(`\nwrote ${writeSummary()}`);
    const minutes = ((performance.now() - started) / 60_000).toFixed(1);
    console.log(
      `\n${benchmarks.length - failed.length} of ${benchmarks.length} benchmarks ran in ${minutes} min` +
        (failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''),
    );
    return failed.length === 0 ? 0 : 1;
  }
  const benchmark = benchmarks.find((candidate) => candidate.name === command);
  if (benchmark === undefined) {
    console.error(`no benchmark named ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  }
  const quick = rest.includes('--quick');
  return runBenchmark(
    benchmark,
    quick,
    rest.filter((arg) => arg !== '--quick'),
  )
    ? 0
    : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exitCode = 2;
}
