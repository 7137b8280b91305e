/**
 * PutRecords loops with a fixed number of requests in flight: for a fixed time (the write
 * scenario), or until a fixed number of records is stored (loading the read scenario).
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';

/**
 * @typedef {import('./workload.js').Batch} Batch
 * @typedef {{ records: number, elapsedMs: number, latenciesMs: number[],
 *   perShard: Map<string, number> }} WriteResult
 */

/**
 * Sends one batch; throws unless every record was stored (limits are off, so any failed record
 * is a failure of the endpoint or of the benchmark). Counts the records stored per shard.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {Batch} batch
 * @param {WriteResult} result
 */
async function putBatch(client, stream, batch, result) {
  const start = performance.now();
  const output = await client.send(new PutRecordsCommand({ StreamName: stream, Records: batch }));
  result.latenciesMs.push(performance.now() - start);
  const entries = output.Records ?? [];
  if (output.FailedRecordCount || entries.length !== batch.length) {
    const failed = entries.find((entry) => entry.ErrorCode);
    const reason = failed ? `${failed.ErrorCode}: ${failed.ErrorMessage}` : 'no error given';
    throw new Error(
      `PutRecords to ${stream}: ${output.FailedRecordCount ?? '?'} of ${batch.length} records ` +
        `failed (${entries.length} results; first error ${reason}); limits are off, so none ` +
        'should fail',
    );
  }
  for (const entry of entries) {
    const shard = /** @type {string} */ (entry.ShardId);
    result.perShard.set(shard, (result.perShard.get(shard) ?? 0) + 1);
  }
  result.records += batch.length;
}

/**
 * Runs `concurrency` loops, each sending the pool's batches in turn while `more()` says so.
 * Time runs until the last request in flight has its answer.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {Batch[]} batches
 * @param {number} concurrency
 * @param {(sentRecords: number, elapsedMs: number) => boolean} more whether to send another
 *   batch, given the records sent or in flight so far and the time since the start
 * @returns {Promise<WriteResult>}
 */
async function putLoops(client, stream, batches, concurrency, more) {
  /** @type {WriteResult} */
  const result = { records: 0, elapsedMs: 0, latenciesMs: [], perShard: new Map() };
  let next = 0;
  let claimed = 0;
  const start = performance.now();
  const loop = async () => {
    while (more(claimed, performance.now() - start)) {
      const batch = /** @type {Batch} */ (batches[next++ % batches.length]);
      claimed += batch.length;
      await putBatch(client, stream, batch, result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  result.elapsedMs = performance.now() - start;
  return result;
}

/**
 * Writes for `durationMs` (no new request after that), `concurrency` requests in flight.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {Batch[]} batches
 * @param {number} concurrency
 * @param {number} durationMs
 */
export function putRecordsFor(client, stream, batches, concurrency, durationMs) {
  return putLoops(client, stream, batches, concurrency, (_, elapsedMs) => elapsedMs < durationMs);
}

/**
 * Writes exactly `records` records (a multiple of the batch size), `concurrency` requests in
 * flight.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {Batch[]} batches
 * @param {number} concurrency
 * @param {number} records
 */
export function putRecordsCount(client, stream, batches, concurrency, records) {
  const batchSize = batches[0]?.length ?? 0;
  if (batchSize === 0 || records % batchSize !== 0) {
    throw new Error(`${records} records is not a multiple of the batch size ${batchSize}`);
  }
  return putLoops(client, stream, batches, concurrency, (sent) => sent < records);
}
