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
export async function readStream(
  client: KinesisClient,
  streamName: string,
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
      const page: GetRecordsCommandOutput = await send(() =>
        client.send(new GetRecordsCommand({ ShardIterator: iterator })),
      );
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
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
