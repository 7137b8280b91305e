/**
 * The command line every benchmark shares: `--quick` (every scenario briefly, shape checked, no
 * files written) and `--runs N` (N ≥ 3 measured runs), and how a failed run ends.
 */
import { parseArgs } from 'node:util';

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
