/**
 * A fresh stream for every measurement, created (and ACTIVE) before the clock starts and deleted
 * after, so that no subject pays for another's records or inherits a shard's spent burst.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
} from '@aws-sdk/client-kinesis';

/** How long a stream may take to become ACTIVE. */
const ACTIVE_TIMEOUT_MS = 30_000;

/**
 * Creates a provisioned stream of `shards` shards and waits until it is ACTIVE.
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} name
 * @param {number} shards
 */
export async function createStream(client, name, shards) {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const deadline = performance.now() + ACTIVE_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (summary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stream ${name} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS} ms`);
}

/**
 * Deletes a stream (its records go with it: the endpoint keeps them in memory).
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} name
 */
export async function deleteStream(client, name) {
  await client.send(new DeleteStreamCommand({ StreamName: name }));
}
