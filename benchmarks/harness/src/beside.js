/**
 * What a benchmark shared the machine with: `npm run bench -- all` runs the limit-bound
 * benchmarks while the long memory runs go, and names those in `KINESIS_KIT_BENCH_BESIDE`.
 */

/**
 * The benchmarks that were running when this one started (none when run alone).
 * @returns {string[]}
 */
export function ranBesideFromEnvironment() {
  return (process.env.KINESIS_KIT_BENCH_BESIDE ?? '')
    .split(',')
    .flatMap((name) => name.trim() || []);
}

/**
 * How a report says it: `alone`, or which benchmarks it started beside and why that does not
 * move its figures.
 * @param {string[]} ranBeside
 */
export function ranBesideText(ranBeside) {
  return ranBeside.length === 0
    ? 'alone'
    : `started while ${ranBeside.join(', ')} ran (\`npm run bench -- all\`: long memory runs, ` +
        'beside which the per-shard limits bind, not the CPU)';
}
