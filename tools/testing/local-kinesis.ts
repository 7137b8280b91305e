import {
  CreateStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { type LocalKinesis, type LocalKinesisOptions, startLocalKinesis } from '@kinesis-kit/local';
import { deaggregate, type StoredRecord } from '@kinesis-kit/records';
import { afterAll, beforeAll } from 'vitest';

/**
 * What the packages' and apps' tests share to run against the local endpoint over real HTTP:
 * an endpoint per test file, SDK clients, fresh streams, reading a stream back, waiting for a
 * condition.
 */

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An SDK client for the endpoint with SDK retries off (the code under test retries). */
export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** Starts a local endpoint before a test file's tests and stops it after them. */
export function useLocalKinesis(options: LocalKinesisOptions = {}) {
  const context = {} as { kinesis: LocalKinesis; client: KinesisClient };
  beforeAll(async () => {
    context.kinesis = await startLocalKinesis(options);
    context.client = kinesisClient(context.kinesis.endpoint);
  });
  afterAll(async () => {
    context.client?.destroy();
    await context.kinesis?.close();
  });
  return context;
}

let counter = 0;
/** Creates a stream with a name no other test of the process uses. */
export async function createStream(
  client: KinesisClient,
  shardCount: number,
  prefix = 'stream',
): Promise<string> {
  counter += 1;
  const name = `${prefix}-${process.pid}-${counter}`;
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return name;
}

/**
 * Waits until `condition()` holds, checking every few milliseconds; fails naming `what` after
 * `timeoutMs`. Tests wait for states, never for fixed times.
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends a read, waiting out the 5 reads/s per shard limit when the endpoint enforces it. */
async function send<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name !== 'ProvisionedThroughputExceededException') throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Every record of a stream, de-aggregated, shard by shard in sequence order. */
export function readStream(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  return readShards(
    client,
    streamName,
    (iterator) => send(() => client.send(new GetRecordsCommand({ ShardIterator: iterator }))),
    (page) => (page.Records ?? []).length === 0,
  );
}

/**
 * Every record of a stream, de-aggregated, read within the `aws` profile's read limits: a read
 * blocks the shard's next one for its bytes / 2 MiB/s, so rather than call again to find the
 * end (and be throttled, as `readStream` would be), this stops once caught up.
 */
export function readCaughtUp(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  return readShards(
    client,
    streamName,
    (iterator) => client.send(new GetRecordsCommand({ ShardIterator: iterator })),
    (page) => page.MillisBehindLatest === 0,
  );
}

/** Reads every shard from its start with `getPage` until `isLast` says a page ends it. */
async function readShards(
  client: KinesisClient,
  streamName: string,
  getPage: (iterator: string) => Promise<GetRecordsCommandOutput>,
  isLast: (page: GetRecordsCommandOutput) => boolean,
): Promise<StoredRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const records: StoredRecord[] = [];
  for (const shard of Shards) {
    const shardId = shard.ShardId as string;
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await getPage(iterator);
      for (const record of page.Records ?? []) {
        records.push(
          ...deaggregate({
            partitionKey: record.PartitionKey as string,
            data: record.Data as Uint8Array,
            sequenceNumber: record.SequenceNumber as string,
            approximateArrivalTimestamp: record.ApproximateArrivalTimestamp as Date,
            shardId,
          }),
        );
      }
      if (isLast(page)) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
