/**
 * The capacity planner: shards a write workload needs, with and without KPL aggregation
 * (`estimateShards`, from the shard limits), and the per-shard rate the producer actually
 * reached for the nearest record size in the latest full shard-throughput run.
 */
import { estimateShards } from '@kinesis-kit/records';
import { readResults } from './benchmarks.js';

/**
 * @typedef {object} PlanInput
 * @property {number} recordBytes data + partition key bytes of a user record
 * @property {number} recordsPerSec user records written per second
 * @property {number} [partitionKeyBytes] of `recordBytes` (default 36)
 * @property {number} [targetUtilization] fraction of each shard's limits to plan for (default 1)
 */

/**
 * The plan as lines of text.
 * @param {PlanInput} input
 * @returns {string[]}
 */
export function planLines(input) {
  const lines = [
    `workload: ${input.recordsPerSec.toLocaleString('en-US')} user records/s of ${input.recordBytes} B` +
      ` (${((input.recordsPerSec * input.recordBytes) / 2 ** 20).toFixed(2)} MiB/s)`,
    '',
  ];
  for (const aggregation of [false, true]) {
    const estimate = estimateShards({
      recordBytes: input.recordBytes,
      recordsPerSec: input.recordsPerSec,
      aggregation,
      ...(input.partitionKeyBytes === undefined
        ? {}
        : { partitionKeyBytes: input.partitionKeyBytes }),
      ...(input.targetUtilization === undefined
        ? {}
        : { targetUtilization: input.targetUtilization }),
    });
    lines.push(
      `${aggregation ? 'with aggregation:   ' : 'without aggregation:'} ${estimate.shards} shard(s)` +
        ` (binding: ${estimate.binding === 'records' ? '1,000 records/s' : '1 MiB/s'} per shard;` +
        ` ${Math.round(estimate.kinesisRecordsPerSec).toLocaleString('en-US')} Kinesis records/s,` +
        ` ${(estimate.bytesPerSec / 2 ** 20).toFixed(2)} MiB/s)`,
    );
  }
  lines.push('', ...measuredLines(input.recordBytes));
  return lines;
}

/** @param {number} recordBytes */
function measuredLines(recordBytes) {
  const results = readResults('shard-throughput');
  if (results === undefined)
    return ['measured: no full shard-throughput results yet (npm run bench -- shard-throughput)'];
  const rows = results.scenarios.filter(
    (/** @type {any} */ row) =>
      row.subject === 'kinesis-kit' &&
      row.params.shards === 1 &&
      row.params.partitionKeyChars === 36,
  );
  if (rows.length === 0)
    return ['measured: the shard-throughput results have no 1-shard kinesis-kit rows'];
  // Nearest by ratio: 200 B is nearer 100 B than 1 KiB.
  const distance = (/** @type {any} */ row) =>
    Math.abs(Math.log(row.params.recordBytes / recordBytes));
  const nearest = rows.reduce((best, row) => (distance(row) < distance(best) ? row : best));
  const size = nearest.params.recordBytes;
  const lines = [
    `measured by shard-throughput (${results.date}) for ${size} B records, the nearest size, one shard:`,
  ];
  for (const row of rows.filter(
    (/** @type {any} */ candidate) => candidate.params.recordBytes === size,
  )) {
    lines.push(
      `  KinesisProducer, aggregation ${row.params.aggregation ? 'on ' : 'off'}: ` +
        `${row.metrics.userRecordsPerSecPerShard.toLocaleString('en-US')} user records/s per shard ` +
        `(limitFraction ${row.metrics.limitFraction})`,
    );
  }
  return lines;
}
