/**
 * The metrics of one subject in one scenario, from its samples (one per run): medians with the
 * spread over the runs, latency percentiles and the throttled fraction over all runs, and the
 * ratio to baseline 2 measured in the same runs.
 */
import {
  percentile,
  rateMetrics,
  ratioMetrics,
  round,
  summarize,
} from '@kinesis-kit/bench-harness';

/** @typedef {import('./measure.js').Sample} Sample */

/**
 * @param {Sample[]} samples
 * @param {(sample: Sample) => number} pick
 */
const medianOf = (samples, pick) => summarize(samples.map(pick)).median;

/**
 * @param {Sample[]} samples
 * @param {number} shards
 * @param {Sample[] | undefined} baseline baseline 2's samples, for the ratio (none for itself)
 * @returns {Record<string, unknown>}
 */
export function metricsOf(samples, shards, baseline) {
  const rates = samples.map((sample) => sample.userRecordsPerSec);
  const fractions = samples.map((sample) => sample.limit.limitFraction);
  const fractionStats = summarize(fractions);
  const middle = [...samples].sort((a, b) => a.limit.limitFraction - b.limit.limitFraction)[
    Math.floor(samples.length / 2)
  ];
  const latencies = samples.flatMap((sample) => sample.latenciesMs);
  const sent = samples.reduce((sum, sample) => sum + sample.kinesis.sent, 0);
  const throttled = samples.reduce((sum, sample) => sum + sample.kinesis.throttled, 0);
  const endpointCpu = medianOf(
    samples,
    (sample) => (sample.endpointCpuMs ?? Number.NaN) / sample.seconds / 1000,
  );
  /** @type {Record<string, unknown>} */
  const metrics = {
    ...rateMetrics('userRecordsPerSec', rates),
    userRecordsPerSecPerShard: Math.round(summarize(rates).median / shards),
    bytesPerSecPerShard: Math.round(medianOf(samples, (sample) => sample.bytesPerSecPerShard)),
    kinesisRecordsPerSecPerShard: Math.round(
      medianOf(samples, (sample) => sample.kinesisRecordsPerSecPerShard),
    ),
    // One accepted record more or less moves a shard's limitFraction by about 1 / this (when
    // the records limit binds, or the Kinesis records are of about one size).
    kinesisRecordsPerShardInWindow: round(
      medianOf(samples, (sample) => sample.kinesisRecordsPerSecPerShard * sample.seconds),
      1,
    ),
    windowSeconds: round(
      medianOf(samples, (sample) => sample.seconds),
      2,
    ),
    limitFraction: round(fractionStats.median, 3),
    limitFractionMin: round(fractionStats.min, 3),
    limitFractionMax: round(fractionStats.max, 3),
    limitFractionPerRun: fractions.map((fraction) => round(fraction, 3)),
    binding: middle?.limit.binding,
    minShardLimitFraction: round(
      Math.min(...samples.map((sample) => sample.limit.minShardLimitFraction)),
      3,
    ),
    throttledFraction: sent === 0 ? 0 : round(throttled / sent, 4),
    kinesisRecordsSent: sent,
    kinesisRecordsThrottled: throttled,
    throttledFractionWholeMeasurement: round(
      medianOf(samples, (sample) => sample.wholeThrottledFraction),
      4,
    ),
    latencyMs: {
      p50: round(percentile(latencies, 0.5), 1),
      p99: round(percentile(latencies, 0.99), 1),
    },
    clientCpuCores: round(
      medianOf(samples, (sample) => sample.clientCpuMs / sample.seconds / 1000),
      3,
    ),
    endpointCpuCores: Number.isFinite(endpointCpu) ? round(endpointCpu, 3) : null,
    requestsPerSec: Math.round(
      medianOf(samples, (sample) => sample.kinesis.requests / sample.seconds),
    ),
    failedUserRecords: samples.reduce((sum, sample) => sum + sample.failedUserRecords, 0),
  };
  const factors = samples.map((sample) => sample.diagnostics.rateFactor);
  if (factors.length > 0 && factors.every((factor) => factor !== undefined)) {
    metrics.producerRateFactorAtWindowEnd = round(summarize(factors).median, 3);
  }
  if (baseline) {
    Object.assign(
      metrics,
      ratioMetrics(
        'ratioVsPutRecords',
        rates,
        baseline.map((sample) => sample.userRecordsPerSec),
      ),
    );
  }
  return metrics;
}
