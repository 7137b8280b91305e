import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { deaggregate, type StoredRecord } from '@kinesis-kit/records';

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
