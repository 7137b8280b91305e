import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '@kinesis-kit/producer';
import { describe, expect, it } from 'vitest';
import { type KinesisConsumerEvents, MemoryCheckpointStore, SHARD_END } from '../src/index.js';
import { byKey, MODES, startCollecting, testOptions } from './support/consume.js';
import { createStream, encode, useLocalKinesis, waitFor } from './support/local.js';

describe.each(MODES)('resharding during consumption (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });

  it.each([true, false])(
    'processes every record through a split and a merge, each key in order (aggregation %s)',
    async (aggregation) => {
      const streamName = await createStream(local.client, 2);
      const checkpoints = new MemoryCheckpointStore();
      const producer = new KinesisProducer({
        streamName,
        client: local.client,
        aggregation,
        ordering: 'per-partition-key',
        lingerMs: 5,
        shardMapRefreshMs: 1000,
      });
      const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
      let written = 0;
      const write = async (count: number) => {
        const puts = [];
        for (let i = 0; i < count; i++) {
          const key = keys[written % keys.length] as string;
          puts.push(producer.put({ partitionKey: key, data: encode(String(written)) }));
          written += 1;
        }
        await Promise.all(puts);
      };
      const run = startCollecting(
        testOptions(mode, local.client, streamName, { checkpoints, maxRecordsPerCall: 50 }),
      );
      const events: string[] = [];
      run.consumer.on('shard_started', (e) => events.push(`start ${e.shardId}`));
      run.consumer.on('shard_ended', (e) => events.push(`end ${e.shardId}`));
      const ended: KinesisConsumerEvents['shard_ended'][] = [];
      run.consumer.on('shard_ended', (e) => ended.push(e));

      await write(300);
      await waitFor(() => run.records.length >= 100, 'reading to be under way');
      await local.client.send(
        new SplitShardCommand({
          StreamName: streamName,
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: (1n << 126n).toString(),
        }),
      );
      await write(300);
      await waitFor(() => run.records.length >= 400, 'reading past the split');
      await local.client.send(
        new MergeShardsCommand({
          StreamName: streamName,
          ShardToMerge: 'shardId-000000000002',
          AdjacentShardToMerge: 'shardId-000000000003',
        }),
      );
      await write(300);
      await producer.close();
      await waitFor(() => run.records.length >= written, 'every record', 20_000);
      await waitFor(() => ended.length >= 3, 'the parents to end');
      await run.consumer.stop();
      await run.done;

      const values = run.records.map((r) => Number(new TextDecoder().decode(r.data)));
      expect(values.length).toBe(written);
      expect(new Set(values).size).toBe(written);
      // Per key: the order written, though the key moved from parent to child shards.
      for (const [, group] of byKey(run.records)) {
        const numbers = group.map(Number);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }
      // Records of every generation were read.
      const shards = new Set(run.records.map((r) => r.shardId));
      expect(shards.has('shardId-000000000000')).toBe(true);
      expect(shards.has('shardId-000000000004')).toBe(true);
      // Parents end (stored SHARD_END) before any of their children starts.
      for (const [parent, children] of [
        ['shardId-000000000000', ['shardId-000000000002', 'shardId-000000000003']],
        ['shardId-000000000002', ['shardId-000000000004']],
        ['shardId-000000000003', ['shardId-000000000004']],
      ] as const) {
        expect(await checkpoints.load(parent)).toBe(SHARD_END);
        for (const child of children) {
          expect(events.indexOf(`end ${parent}`)).toBeLessThan(events.indexOf(`start ${child}`));
        }
      }
      expect(ended.find((e) => e.shardId === 'shardId-000000000000')?.childShardIds).toEqual([
        'shardId-000000000002',
        'shardId-000000000003',
      ]);
    },
    30_000,
  );

  it('after a restart, starts children only once their parents ended, reading parents first', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      aggregation: false,
      ordering: 'per-partition-key',
      lingerMs: 5,
      shardMapRefreshMs: 1000,
    });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    let written = 0;
    const write = async (count: number) => {
      const puts = [];
      for (let i = 0; i < count; i++) {
        const key = keys[written % keys.length] as string;
        puts.push(producer.put({ partitionKey: key, data: encode(String(written)) }));
        written += 1;
      }
      await Promise.all(puts);
    };
    await write(60);
    await local.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (1n << 127n).toString(),
      }),
    );
    await write(60);
    await producer.close();
    // The whole lineage exists before the consumer starts: it must still read the parent first.
    const run = startCollecting(
      testOptions(mode, local.client, streamName, { maxRecordsPerCall: 10 }),
    );
    await waitFor(() => run.records.length >= written, 'every record');
    await run.consumer.stop();
    const parentRecords = run.records.filter((r) => r.shardId === 'shardId-000000000000');
    expect(parentRecords).toHaveLength(60);
    expect(run.records.slice(0, 60)).toEqual(parentRecords);
    for (const [, group] of byKey(run.records)) {
      const numbers = group.map(Number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });
});
