import type { ListShardsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisProducer } from '../src/index.js';
import { createStream, kinesisClient, readStream, useLocalKinesis } from './support/local.js';

describe('KinesisProducer shard map', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('reloads a stale shard map when records land on unexpected shards, and loses nothing', async () => {
    const streamName = await createStream(local.client, 2);
    // A client whose first ListShards answer is stale: one shard covering every hash key, as if
    // the stream had been split since.
    const client = kinesisClient(local.kinesis.endpoint);
    let listShardsCalls = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'ListShardsCommand' && listShardsCalls++ === 0) {
          const output = result.output as ListShardsCommandOutput;
          const [first] = output.Shards ?? [];
          output.Shards = first
            ? [
                {
                  ...first,
                  HashKeyRange: {
                    StartingHashKey: '0',
                    EndingHashKey: ((1n << 128n) - 1n).toString(),
                  },
                },
              ]
            : [];
        }
        return result;
      },
      { step: 'initialize', name: 'staleShardMap' },
    );
    // Plain records land by their own keys, so the stale prediction shows at once.
    const producer = new KinesisProducer({ streamName, client, lingerMs: 5, aggregation: false });
    const refreshed: number[] = [];
    producer.on('shards_refreshed', (event) => refreshed.push(event.openShards));
    const first = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        producer.put({ partitionKey: `a${i}`, data: new Uint8Array([1]) }),
      ),
    );
    // Records hashing to the second shard landed there although predicted for the first.
    expect(new Set(first.map((r) => r.shardId))).toEqual(
      new Set(['shardId-000000000000', 'shardId-000000000001']),
    );
    await new Promise<void>((resolve) => {
      if (refreshed.length > 0) resolve();
      else producer.on('shards_refreshed', () => resolve());
    });
    expect(refreshed).toEqual([2]);
    const second = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        producer.put({ partitionKey: `b${i}`, data: new Uint8Array([2]) }),
      ),
    );
    await producer.close();
    client.destroy();
    expect(new Set(second.map((r) => r.shardId)).size).toBe(2);
    expect((await readStream(local.client, streamName)).length).toBe(400);
    expect(listShardsCalls).toBe(2);
  });
});
