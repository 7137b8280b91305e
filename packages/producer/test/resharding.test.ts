import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisProducer, type PutResult } from '../src/index.js';
import { createStream, readStream, useLocalKinesis } from './support/local.js';

const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

describe('KinesisProducer while the stream is resharded', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it.each([true, false])(
    'loses nothing through a split and a merge (aggregation %s)',
    async (aggregation) => {
      const streamName = await createStream(local.client, 2);
      const producer = new KinesisProducer({
        streamName,
        client: local.client,
        aggregation,
        lingerMs: 5,
        shardMapRefreshMs: 1000,
      });
      const refreshes: number[] = [];
      let onRefresh = () => {};
      producer.on('shards_refreshed', (event) => {
        refreshes.push(event.openShards);
        onRefresh();
      });
      const refreshed = () =>
        new Promise<void>((resolve) => {
          onRefresh = resolve;
        });
      const puts: Promise<PutResult>[] = [];
      const put = (count: number) => {
        for (let i = 0; i < count; i++) {
          const n = puts.length;
          // Keys spread over the whole hash key space, so every shard gets records.
          puts.push(
            producer.put({ partitionKey: `key-${n % 40}`, data: new TextEncoder().encode(`${n}`) }),
          );
        }
        return Promise.all(puts);
      };
      await put(500);
      await local.client.send(
        new SplitShardCommand({
          StreamName: streamName,
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: (1n << 126n).toString(),
        }),
      );
      let next = refreshed();
      await put(500);
      // Records landed on the children, not where the producer predicted: it reloads its map.
      await next;
      next = refreshed();
      await local.client.send(
        new MergeShardsCommand({
          StreamName: streamName,
          ShardToMerge: 'shardId-000000000002',
          AdjacentShardToMerge: 'shardId-000000000003',
        }),
      );
      await put(500);
      await next;
      const results = await put(500);
      await producer.close();
      expect(refreshes).toEqual([3, 2]);
      // Records land on the children once the parents close.
      expect(new Set(results.slice(-100).map((r) => r.shardId)).has('shardId-000000000000')).toBe(
        false,
      );
      const stored = (await readStream(local.client, streamName)).map((r) =>
        Number(decode(r.data)),
      );
      expect(stored.length).toBe(2000);
      expect(new Set(stored).size).toBe(2000);
    },
    20_000,
  );
});
