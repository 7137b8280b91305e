/**
 * Stream lifecycle around each measurement: a fresh stream before, deleted after, so that no
 * run reads or pays for the records of another.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';

/** How long a stream may take to become ACTIVE, or to disappear. */
const STATE_TIMEOUT_MS = 30_000;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a provisioned stream and waits until it is ACTIVE.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} name
 * @param {number} shards
 */
export async function createStream(client, name, shards) {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const deadline = performance.now() + STATE_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (summary?.StreamStatus === 'ACTIVE') return;
    await sleep(20);
  }
  throw new Error(`stream ${name} did not become ACTIVE within ${STATE_TIMEOUT_MS} ms`);
}

/**
 * Deletes a stream and waits until it is gone.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} name
 */
export async function deleteStream(client, name) {
  await client.send(new DeleteStreamCommand({ StreamName: name }));
  const deadline = performance.now() + STATE_TIMEOUT_MS;
  while (performance.now() < deadline) {
    try {
      await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
      throw error;
    }
    await sleep(20);
  }
  throw new Error(`stream ${name} was not deleted within ${STATE_TIMEOUT_MS} ms`);
}

/**
 * The ids of the stream's shards.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} name
 * @returns {Promise<string[]>}
 */
export async function listShardIds(client, name) {
  const { Shards: shards = [] } = await client.send(new ListShardsCommand({ StreamName: name }));
  return shards.map((shard) => /** @type {string} */ (shard.ShardId));
}
