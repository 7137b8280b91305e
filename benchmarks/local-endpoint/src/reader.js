/**
 * Reading a stream back: for every shard in parallel, GetShardIterator(TRIM_HORIZON) and then
 * GetRecords until the shard's records have all been read; whole passes repeated for a minimum
 * time, so that fast subjects are timed for as long as slow ones.
 */
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';

/** GetRecords' largest Limit. */
export const GET_RECORDS_LIMIT = 10_000;

/** Empty GetRecords answers in a row after which a shard that is short of records fails. */
const MAX_EMPTY_READS = 5;

/**
 * @typedef {{ records: number, elapsedMs: number, latenciesMs: number[], requests: number,
 *   passes: number }} ReadResult
 */

/**
 * Reads one shard from its start until `expected` records have come back; checks every
 * record's data size.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {string} shardId
 * @param {number} expected
 * @param {number} recordBytes
 * @param {ReadResult} result
 */
async function readShard(client, stream, shardId, expected, recordBytes, result) {
  const { ShardIterator: first } = await client.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let iterator = first;
  let count = 0;
  let empty = 0;
  const fail = (/** @type {string} */ why) => {
    throw new Error(`GetRecords on ${stream}/${shardId}: ${count} of ${expected} read, ${why}`);
  };
  while (count < expected) {
    if (!iterator) fail('then no next shard iterator');
    const start = performance.now();
    const output = await client.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }),
    );
    result.latenciesMs.push(performance.now() - start);
    result.requests++;
    const records = output.Records ?? [];
    for (const record of records) {
      if (record.Data?.byteLength !== recordBytes)
        fail(`a record has ${record.Data?.byteLength} B`);
    }
    count += records.length;
    empty = records.length === 0 ? empty + 1 : 0;
    if (empty >= MAX_EMPTY_READS) fail(`then ${MAX_EMPTY_READS} empty answers in a row`);
    iterator = output.NextShardIterator;
  }
  if (count !== expected) fail('more records than were written');
  result.records += count;
}

/**
 * Reads the whole stream, every shard in parallel, pass after pass, until at least `minMs` have
 * passed (at least one pass); `perShard` says how many records each shard must yield per pass
 * (as counted from the PutRecords answers).
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {Map<string, number>} perShard
 * @param {number} recordBytes
 * @param {number} minMs
 * @returns {Promise<ReadResult>}
 */
export async function readAllFor(client, stream, perShard, recordBytes, minMs) {
  /** @type {ReadResult} */
  const result = { records: 0, elapsedMs: 0, latenciesMs: [], requests: 0, passes: 0 };
  const start = performance.now();
  do {
    await Promise.all(
      [...perShard].map(([shardId, expected]) =>
        readShard(client, stream, shardId, expected, recordBytes, result),
      ),
    );
    result.passes++;
    result.elapsedMs = performance.now() - start;
  } while (result.elapsedMs < minMs);
  return result;
}
