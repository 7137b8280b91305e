/**
 * The records the throughput scenarios read: a stream whose every shard holds a backlog larger
 * than what can be read in a measurement, written once (limits off) into a data directory that
 * each measurement's endpoint then opens under AWS limits. Writing is not measured.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createPrng, randomBytes, uuidLike } from '@kinesis-kit/bench-harness';
import { clientFor } from './client.js';
import { startEndpoint } from './endpoint.js';

/** Data bytes of each backlog record; its partition key has 36 characters. */
export const BACKLOG_RECORD_BYTES = 1024;
const RECORDS_PER_PUT = 500;
/**
 * A full run's backlog per shard: more than a reader at 2 MiB/s takes in the warm-up and the
 * window (28 s) plus a first 10 MiB GetRecords answer.
 */
export const READ_LIMIT_BACKLOG_BYTES = 48 * 1024 * 1024;
const HASH_KEYS = 2n ** 128n;

/**
 * Writes `bytesPerShard` (data + partition key) to every shard of a new stream of `shardCount`
 * shards, in a new data directory.
 * @param {{ shardCount: number, bytesPerShard: number, log: (line: string) => void }} options
 * @returns {Promise<{ dataDir: string, streamName: string }>}
 */
export async function prepareBacklog({ shardCount, bytesPerShard, log }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'kinesis-kit-read-bench-'));
  const streamName = `backlog-${shardCount}`;
  const endpoint = await startEndpoint({ limits: 'off', dataDir });
  const client = clientFor(endpoint.url);
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    const next = createPrng(0x7265 + shardCount);
    const perShard = Math.ceil(bytesPerShard / (BACKLOG_RECORD_BYTES + 36));
    for (let shard = 0; shard < shardCount; shard++) {
      // A hash key inside the shard's range puts every record there, whatever its key.
      const hashKey = ((HASH_KEYS / BigInt(shardCount)) * BigInt(shard) + 1n).toString();
      for (let written = 0; written < perShard; written += RECORDS_PER_PUT) {
        const count = Math.min(RECORDS_PER_PUT, perShard - written);
        const { FailedRecordCount } = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: Array.from({ length: count }, () => ({
              PartitionKey: uuidLike(next),
              ExplicitHashKey: hashKey,
              Data: randomBytes(next, BACKLOG_RECORD_BYTES),
            })),
          }),
        );
        if (FailedRecordCount) throw new Error(`backlog: ${FailedRecordCount} records failed`);
      }
    }
    log(
      `backlog: ${shardCount} shard(s) × ${(bytesPerShard / 2 ** 20).toFixed(0)} MiB of ` +
        `${BACKLOG_RECORD_BYTES} B records in ${dataDir}`,
    );
  } finally {
    client.destroy();
    await endpoint.stop();
  }
  return { dataDir, streamName };
}
