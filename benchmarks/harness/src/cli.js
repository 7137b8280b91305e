/**
 * The command line every benchmark shares: `--quick` (every scenario briefly, shape checked, no
 * files written) and `--runs N` (N ≥ 3 measured runs), or for a long memory run `--duration`
 * and `--rate`; and how a failed run ends.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from './trend.js';

/**
 * Parses `--quick` and `--runs N`; returns the protocol to follow: a copy of `quick` or `full`,
 * with `runs` from `--runs` if given. A full run needs an integer of at least 3 runs (the
 * protocol's minimum); an unknown flag is an error.
 * @template {{ runs: number }} P
 * @param {{ full: P, quick: P, args?: string[] }} options `args`: process.argv's by default
 * @returns {{ quick: boolean, protocol: P }}
 */
export function parseBenchArgs({ full, quick, args }) {
  const { values } = parseArgs({
    args,
    options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } },
  });
  const protocol = { ...(values.quick ? quick : full) };
  if (values.runs !== undefined) protocol.runs = Number(values.runs);
  if (!values.quick && !(Number.isInteger(protocol.runs) && protocol.runs >= 3)) {
    throw new Error(`--runs must be an integer of at least 3, got ${values.runs}`);
  }
  return { quick: values.quick, protocol };
}

/**
 * Parses a long memory run's `--quick`, `--duration <90s|10m>` and `--rate N`; returns the
 * protocol to follow: a copy of `quick` or `full` with `durationMs` and `rateKey` from the
 * flags if given, its warm-up cut to a fifth of the run. The rate must be a positive number; an
 * unknown flag is an error.
 * @template {{ durationMs: number, warmupMs: number }} P
 * @param {{ full: P, quick: P, rateKey: keyof P & string, args?: string[] }} options
 * @returns {{ quick: boolean, protocol: P }}
 */
export function parseMemoryRunArgs({ full, quick, rateKey, args }) {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const protocol = { ...(values.quick ? quick : full) };
  if (values.duration !== undefined) protocol.durationMs = parseDuration(values.duration);
  if (values.rate !== undefined) {
    /** @type {Record<string, unknown>} */ (protocol)[rateKey] = Number(values.rate);
  }
  const rate = /** @type {Record<string, unknown>} */ (protocol)[rateKey];
  if (!(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    throw new Error(`--rate must be a positive number, got ${values.rate}`);
  }
  protocol.warmupMs = Math.min(protocol.warmupMs, protocol.durationMs / 5);
  return { quick: values.quick === true, protocol };
}

/**
 * Runs the benchmark's `main`; if it fails, prints the error's message (not its stack: the
 * messages say what failed) and sets exit code 1.
 * @param {() => Promise<void>} main
 */
export function runMain(main) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
