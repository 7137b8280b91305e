#!/usr/bin/env node
/**
 * `npm run bench [-- <command>]`: the benchmarks' one entry point.
 *   (nothing)                 lists the benchmarks
 *   <name> [--quick] [args]   runs one (its own flags after the name)
 *   all [--quick]             runs every benchmark: the CPU-bound ones in turn, then the long
 *                             memory runs side by side with the limit-bound ones beside them
 *                             (see all.js), then rewrites benchmarks/README.md
 *   plan --record-bytes N --records-per-sec N [--partition-key-bytes N] [--utilization F]
 *   summary                   rewrites benchmarks/README.md from the latest results
 */
import { parseArgs } from 'node:util';
import { runAll, runBenchmark } from './all.js';
import { listBenchmarks } from './benchmarks.js';
import { planLines } from './plan.js';
import { writeSummary } from './summary.js';

const USAGE = `usage: npm run bench -- [<benchmark> [--quick] | all [--quick] | plan --record-bytes N --records-per-sec N | summary]`;

/** @param {string} text @param {string} flag */
function positiveNumber(text, flag) {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${flag} must be a positive number, got ${JSON.stringify(text)}`);
  }
  return value;
}

async function main() {
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
  if (command === 'all') return runAll(benchmarks, rest.includes('--quick'));
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
  process.exitCode = await main();
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exitCode = 2;
}
