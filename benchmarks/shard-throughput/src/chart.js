/**
 * The chart: user records per second per shard of every scenario and subject, each bar against
 * the ceiling the shard limits allow for its record size and packing.
 */
import { svgBarChart } from '@kinesis-kit/bench-harness';

/** @typedef {import('./report.js').Results} Results */

/**
 * @param {Results} results
 * @returns {string} the SVG document
 */
export function toChart(results) {
  const labels = new Map(results.subjects.map((subject) => [subject.name, subject.label]));
  const names = [...new Set(results.scenarios.map((row) => row.name))];
  const groups = names.map((name) => ({
    label: name,
    bars: results.scenarios
      .filter((row) => row.name === name)
      .map(({ subject, params, metrics }) => {
        const perShard = Number(metrics.userRecordsPerSecPerShard);
        const fraction = Number(metrics.limitFraction);
        return {
          series: labels.get(subject) ?? subject,
          value: perShard,
          text: `${perShard.toLocaleString('en-US')} (${Math.round(fraction * 100)}% of limit)`,
          reference: Number(params.ceilingUserRecordsPerSecPerShard),
        };
      }),
  }));
  return svgBarChart({
    title: 'Shard throughput: user records per second per shard, against the limit',
    subtitle:
      `kinesis-kit-local --limits aws, ${results.date}, median of ${results.protocol.runs} ` +
      'runs; the tick is the most the shard limits allow for that record size and packing',
    axisLabel: 'user records per second per shard',
    scale: 'log',
    series: [
      ...new Set(results.scenarios.map((row) => labels.get(row.subject) ?? row.subject)),
    ].map((name) => ({ name })),
    groups,
    referenceLabel: 'shard limit (1,000 records/s or 1 MiB/s)',
  });
}
