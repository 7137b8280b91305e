/**
 * @kinesis-kit/bench-harness: what every benchmark shares. See README.md.
 */

export { ranBesideFromEnvironment, ranBesideText } from './beside.js';
export { parseBenchArgs, parseMemoryRunArgs, runMain } from './cli.js';
export { startCpuMeter } from './cpu.js';
export {
  killEndpointProcessesOnExit,
  startEndpointProcess,
  startServerProcess,
} from './endpoint-process.js';
export { finishRun } from './finish.js';
export { collectGarbage } from './gc.js';
export {
  describeMachine,
  describeMachineUnderLoad,
  loadAverage1m,
  machineSummary,
} from './machine.js';
export { rateMetrics, ratioMetrics } from './metrics.js';
export { inRunOrder } from './order.js';
export { createPrng, randomBytes, UUID_LIKE_CHARS, uuidLike } from './random.js';
export { RESULTS_DIR, resultDate, writeResults } from './results.js';
export { positiveMetricProblems, shapeProblems } from './shape.js';
export { median, percentile, round, summarize } from './stats.js';
export { svgBarChart } from './svg-chart.js';
export {
  formatCompact,
  formatRatio,
  formatSpread,
  formatThousands,
  markdownTable,
} from './table.js';
export { parseDuration, trendOf } from './trend.js';
export { goalVerdict } from './verdict.js';
