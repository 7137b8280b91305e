import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
  type ShardFilter,
  SplitShardCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKinesis, startLocalKinesis } from '../../src/index.js';
import { clientFor, uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const ACCOUNT = '123456789012';
const MAX_HASH_KEY = (1n << 128n) - 1n;
const HALF = 1n << 127n;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

/** Where an error's type and message can be compared at once. */
async function failureOf(call: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { type: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail, it succeeded');
}

async function createStream(client: KinesisClient, shardCount: number): Promise<string> {
  const name = uniqueStreamName('reshard');
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return name;
}

async function listShards(client: KinesisClient, name: string, filter?: ShardFilter) {
  const { Shards = [] } = await client.send(
    new ListShardsCommand({ StreamName: name, ...(filter ? { ShardFilter: filter } : {}) }),
  );
  return Shards;
}

const ids = (shards: Shard[]) => shards.map((shard) => shard.ShardId);
const shardId = (index: number) => `shardId-${String(index).padStart(12, '0')}`;

interface ReadRecord {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly data: string;
  readonly sequenceNumber: string;
}

/**
 * Reads a stream as a careful consumer does: a shard only once all its parents are read to
 * their end, following the ChildShards each closed shard hands out at its end.
 */
async function readParentsFirst(client: KinesisClient, name: string): Promise<ReadRecord[]> {
  const shards = await listShards(client, name);
  const known = new Set(ids(shards));
  const done = new Set<string>();
  const records: ReadRecord[] = [];
  const parentsOf = (shard: Shard) =>
    [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && known.has(id),
    );
  while (done.size < shards.length) {
    const ready = shards.find(
      (shard) => !done.has(shard.ShardId as string) && parentsOf(shard).every((id) => done.has(id)),
    );
    if (!ready) throw new Error('no shard is ready to read');
    const id = ready.ShardId as string;
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: id,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    const closed = ready.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        records.push({
          shardId: id,
          partitionKey: record.PartitionKey as string,
          data: text(record.Data),
          sequenceNumber: record.SequenceNumber as string,
        });
      }
      if (closed && page.NextShardIterator === undefined) {
        const expected = shards
          .filter((child) => parentsOf(child).includes(id))
          .map((child) => child.ShardId);
        expect(page.ChildShards?.map((child) => child.ShardId)).toEqual(expected);
      }
      // An open shard is read until it has nothing more; a closed one until its end.
      iterator = !closed && (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
    }
    done.add(id);
  }
  return records;
}

describe('resharding', () => {
  const local = useLocalKinesis({ limits: 'off', shardLimit: 60 });

  it('splits a shard: the parent closes, two children take its hash key range', async () => {
    const client = local.client;
    const name = await createStream(client, 1);
    const before = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: bytes('before') }),
    );
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: HALF.toString(),
      }),
    );
    const shards = await listShards(client, name);
    expect(shards.map((s) => [s.ShardId, s.ParentShardId, s.HashKeyRange])).toEqual([
      [shardId(0), undefined, { StartingHashKey: '0', EndingHashKey: MAX_HASH_KEY.toString() }],
      [shardId(1), shardId(0), { StartingHashKey: '0', EndingHashKey: (HALF - 1n).toString() }],
      [
        shardId(2),
        shardId(0),
        { StartingHashKey: HALF.toString(), EndingHashKey: MAX_HASH_KEY.toString() },
      ],
    ]);
    const [parent, left, right] = shards as [Shard, Shard, Shard];
    const ending = BigInt(parent.SequenceNumberRange?.EndingSequenceNumber as string);
    expect(ending).toBeGreaterThanOrEqual(BigInt(before.SequenceNumber as string));
    for (const child of [left, right]) {
      expect(child.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
      expect(BigInt(child.SequenceNumberRange?.StartingSequenceNumber as string)).toBeGreaterThan(
        ending,
      );
    }
    const after = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: bytes('after') }),
    );
    expect([shardId(1), shardId(2)]).toContain(after.ShardId);
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    expect(StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });
  });

  it('merges two adjacent shards into one child with both parents', async () => {
    const client = local.client;
    const name = await createStream(client, 2);
    await client.send(
      new MergeShardsCommand({
        StreamName: name,
        ShardToMerge: shardId(0),
        AdjacentShardToMerge: shardId(1),
      }),
    );
    const shards = await listShards(client, name);
    expect(shards).toHaveLength(3);
    const child = shards[2] as Shard;
    expect(child).toMatchObject({
      ShardId: shardId(2),
      ParentShardId: shardId(0),
      AdjacentParentShardId: shardId(1),
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX_HASH_KEY.toString() },
    });
    const start = BigInt(child.SequenceNumberRange?.StartingSequenceNumber as string);
    for (const parent of shards.slice(0, 2)) {
      expect(BigInt(parent.SequenceNumberRange?.EndingSequenceNumber as string)).toBeLessThan(
        start,
      );
    }
  });

  it('reads a closed shard to its end, then hands out its children instead of an iterator', async () => {
    const client = local.client;
    const name = await createStream(client, 1);
    for (const data of ['one', 'two', 'three']) {
      await client.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: bytes(data) }),
      );
    }
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: shardId(0),
        NewStartingHashKey: HALF.toString(),
      }),
    );
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: shardId(0),
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const first = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 2 }));
    expect(first.Records?.map((r) => text(r.Data))).toEqual(['one', 'two']);
    expect(first.NextShardIterator).toBeDefined();
    expect(first.ChildShards).toBeUndefined();
    const last = await client.send(
      new GetRecordsCommand({ ShardIterator: first.NextShardIterator }),
    );
    expect(last.Records?.map((r) => text(r.Data))).toEqual(['three']);
    expect(last.NextShardIterator).toBeUndefined();
    expect(last.ChildShards).toEqual([
      {
        ShardId: shardId(1),
        ParentShards: [shardId(0)],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (HALF - 1n).toString() },
      },
      {
        ShardId: shardId(2),
        ParentShards: [shardId(0)],
        HashKeyRange: { StartingHashKey: HALF.toString(), EndingHashKey: MAX_HASH_KEY.toString() },
      },
    ]);
  });

  it('refuses to split or merge a shard that is already closed', async () => {
    const client = local.client;
    const name = await createStream(client, 2);
    await client.send(
      new MergeShardsCommand({
        StreamName: name,
        ShardToMerge: shardId(0),
        AdjacentShardToMerge: shardId(1),
      }),
    );
    const closed = `Shard ${shardId(0)} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`;
    expect(
      await failureOf(
        client.send(
          new SplitShardCommand({
            StreamName: name,
            ShardToSplit: shardId(0),
            NewStartingHashKey: '100',
          }),
        ),
      ),
    ).toEqual({ type: 'InvalidArgumentException', message: closed });
    expect(
      await failureOf(
        client.send(
          new MergeShardsCommand({
            StreamName: name,
            ShardToMerge: shardId(0),
            AdjacentShardToMerge: shardId(2),
          }),
        ),
      ),
    ).toEqual({ type: 'InvalidArgumentException', message: closed });
  });

  it('refuses a NewStartingHashKey at the start of the shard, one past it, or at its end', async () => {
    const client = local.client;
    const name = await createStream(client, 2);
    const end = (HALF - 1n).toString();
    for (const key of ['0', '1', end, MAX_HASH_KEY.toString()]) {
      expect(
        await failureOf(
          client.send(
            new SplitShardCommand({
              StreamName: name,
              ShardToSplit: shardId(0),
              NewStartingHashKey: key,
            }),
          ),
        ),
      ).toEqual({
        type: 'InvalidArgumentException',
        message: `NewStartingHashKey ${key} used in SplitShard() on shard ${shardId(0)} in stream ${name} under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey ${end}.`,
      });
    }
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: shardId(0),
        NewStartingHashKey: '2',
      }),
    );
    expect(
      (await listShards(client, name, { Type: 'AT_LATEST' })).map((s) => s.HashKeyRange),
    ).toEqual([
      { StartingHashKey: HALF.toString(), EndingHashKey: MAX_HASH_KEY.toString() },
      { StartingHashKey: '0', EndingHashKey: '1' },
      { StartingHashKey: '2', EndingHashKey: end },
    ]);
  });

  it('refuses to merge shards that are not adjacent, and unknown shards and streams', async () => {
    const client = local.client;
    const name = await createStream(client, 3);
    expect(
      await failureOf(
        client.send(
          new MergeShardsCommand({
            StreamName: name,
            ShardToMerge: shardId(0),
            AdjacentShardToMerge: shardId(2),
          }),
        ),
      ),
    ).toEqual({
      type: 'InvalidArgumentException',
      message: `Shards ${shardId(0)} and ${shardId(2)} in stream ${name} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`,
    });
    expect(
      await failureOf(
        client.send(
          new SplitShardCommand({
            StreamName: name,
            ShardToSplit: shardId(9),
            NewStartingHashKey: '5',
          }),
        ),
      ),
    ).toEqual({
      type: 'ResourceNotFoundException',
      message: `Could not find shard ${shardId(9)} in stream ${name} under account ${ACCOUNT}.`,
    });
    expect(
      await failureOf(
        client.send(
          new MergeShardsCommand({
            StreamName: 'missing',
            ShardToMerge: '0',
            AdjacentShardToMerge: '1',
          }),
        ),
      ),
    ).toEqual({
      type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT} not found.`,
    });
    // The adjacent shard may come first: the union of the two ranges is what counts.
    await client.send(
      new MergeShardsCommand({ StreamName: name, ShardToMerge: '2', AdjacentShardToMerge: '1' }),
    );
    expect((await listShards(client, name))[3]).toMatchObject({
      ParentShardId: shardId(2),
      AdjacentParentShardId: shardId(1),
    });
  });

  it('scales uniformly: at most double, at least half, even ranges with a real lineage', async () => {
    const client = local.client;
    const name = await createStream(client, 3);
    const scale = (target: number) =>
      client.send(
        new UpdateShardCountCommand({
          StreamName: name,
          TargetShardCount: target,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
    expect(await failureOf(scale(7))).toEqual({
      type: 'InvalidArgumentException',
      message:
        'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 3 Target shard count: 7',
    });
    expect(await failureOf(scale(1))).toEqual({
      type: 'InvalidArgumentException',
      message:
        'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 3 Target shard count: 1',
    });
    const up = await scale(5);
    expect(up).toMatchObject({ StreamName: name, CurrentShardCount: 3, TargetShardCount: 5 });
    const even = (count: number) => {
      const width = (MAX_HASH_KEY + 1n) / BigInt(count);
      return Array.from({ length: count }, (_, i) => ({
        StartingHashKey: (width * BigInt(i)).toString(),
        EndingHashKey: (i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n).toString(),
      }));
    };
    const openRanges = async () =>
      (await listShards(client, name, { Type: 'AT_LATEST' }))
        .map((s) => s.HashKeyRange)
        .sort((a, b) =>
          BigInt(a?.StartingHashKey ?? 0) < BigInt(b?.StartingHashKey ?? 0) ? -1 : 1,
        );
    expect(await openRanges()).toEqual(even(5));
    await scale(3);
    expect(await openRanges()).toEqual(even(3));
    // Every shard but the three originals descends from shards of the stream.
    const shards = await listShards(client, name);
    const known = new Set(ids(shards));
    for (const shard of shards.slice(3)) {
      expect(known.has(shard.ParentShardId as string)).toBe(true);
      if (shard.AdjacentParentShardId) expect(known.has(shard.AdjacentParentShardId)).toBe(true);
    }
  });

  it('allows 10 UpdateShardCount calls per stream in 24 hours', async () => {
    const client = local.client;
    const name = await createStream(client, 1);
    for (let call = 0; call < 10; call++) {
      await client.send(
        new UpdateShardCountCommand({
          StreamName: name,
          TargetShardCount: call % 2 === 0 ? 2 : 1,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
    }
    expect(
      await failureOf(
        client.send(
          new UpdateShardCountCommand({
            StreamName: name,
            TargetShardCount: 2,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
      ),
    ).toMatchObject({ type: 'LimitExceededException' });
    // Splitting by hand is not counted.
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: (await listShards(client, name, { Type: 'AT_LATEST' }))[0]?.ShardId,
        NewStartingHashKey: HALF.toString(),
      }),
    );
  });

  it('refuses resharding past the shard limit', async () => {
    const client = local.client;
    const name = await createStream(client, 30);
    expect(
      await failureOf(
        client.send(
          new UpdateShardCountCommand({
            StreamName: name,
            TargetShardCount: 60,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
      ),
    ).toMatchObject({
      type: 'LimitExceededException',
      message: expect.stringMatching(
        /^This request would exceed the shard limit for the account 123456789012 in us-east-1\. Current shard count for the account: \d+\. Limit: 60\. Number of additional shards that would have resulted from this request: 30\./,
      ),
    });
  });

  it('lets ListShards filters see the lineage', async () => {
    const client = local.client;
    const name = await createStream(client, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeSplit = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: shardId(0),
        NewStartingHashKey: HALF.toString(),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const afterSplit = new Date();
    const children = [shardId(1), shardId(2)];
    expect(ids(await listShards(client, name, { Type: 'AT_LATEST' }))).toEqual(children);
    expect(ids(await listShards(client, name, { Type: 'AT_TRIM_HORIZON' }))).toEqual([shardId(0)]);
    expect(ids(await listShards(client, name, { Type: 'FROM_TRIM_HORIZON' }))).toEqual([
      shardId(0),
      ...children,
    ]);
    expect(
      ids(await listShards(client, name, { Type: 'AT_TIMESTAMP', Timestamp: beforeSplit })),
    ).toEqual([shardId(0)]);
    expect(
      ids(await listShards(client, name, { Type: 'AT_TIMESTAMP', Timestamp: afterSplit })),
    ).toEqual(children);
    expect(
      ids(await listShards(client, name, { Type: 'FROM_TIMESTAMP', Timestamp: beforeSplit })),
    ).toEqual([shardId(0), ...children]);
    expect(
      ids(await listShards(client, name, { Type: 'FROM_TIMESTAMP', Timestamp: afterSplit })),
    ).toEqual(children);
  });

  it('switches a stream between modes, and refuses to reshard an on-demand stream', async () => {
    const client = local.client;
    const name = await createStream(client, 1);
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
    await client.send(
      new UpdateStreamModeCommand({
        StreamARN: arn,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      }),
    );
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamARN: arn }));
    expect(summary.StreamDescriptionSummary?.StreamModeDetails).toEqual({
      StreamMode: 'ON_DEMAND',
    });
    expect(
      await failureOf(
        client.send(
          new SplitShardCommand({
            StreamARN: arn,
            ShardToSplit: shardId(0),
            NewStartingHashKey: HALF.toString(),
          }),
        ),
      ),
    ).toEqual({
      type: 'ValidationException',
      message: `Request is invalid. Stream ${name} under account ${ACCOUNT} is in On-Demand mode.`,
    });
    await client.send(
      new UpdateStreamModeCommand({
        StreamARN: arn,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      }),
    );
    await client.send(
      new SplitShardCommand({
        StreamARN: arn,
        ShardToSplit: shardId(0),
        NewStartingHashKey: HALF.toString(),
      }),
    );
  });

  it.each(['split', 'merge', 'scale'] as const)(
    'keeps every acknowledged record, once, in per-key order, under write load (%s)',
    async (change) => {
      const client = local.client;
      const name = await createStream(client, 2);
      const acknowledged = new Map<string, string[]>();
      let resharded = false;
      const writer = async (writerId: number) => {
        let counter = 0;
        // Each writer goes on for a few calls that start after the reshard has answered.
        let callsAfter = 0;
        while (callsAfter < 3) {
          if (resharded) callsAfter++;
          const keys = Array.from({ length: 8 }, (_, i) => `w${writerId}-k${i}`);
          const { Records = [] } = await client.send(
            new PutRecordsCommand({
              StreamName: name,
              Records: keys.map((key) => ({ PartitionKey: key, Data: bytes(`${key}:${counter}`) })),
            }),
          );
          Records.forEach((result, i) => {
            const key = keys[i] as string;
            if (result.SequenceNumber === undefined) return;
            const list = acknowledged.get(key) ?? [];
            list.push(`${key}:${counter}`);
            acknowledged.set(key, list);
          });
          counter++;
        }
      };
      const writers = [0, 1, 2].map(writer);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (change === 'split') {
        await client.send(
          new SplitShardCommand({
            StreamName: name,
            ShardToSplit: shardId(0),
            NewStartingHashKey: (HALF / 2n).toString(),
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
        await client.send(
          new SplitShardCommand({
            StreamName: name,
            ShardToSplit: shardId(1),
            NewStartingHashKey: (HALF + HALF / 2n).toString(),
          }),
        );
      } else if (change === 'merge') {
        await client.send(
          new MergeShardsCommand({
            StreamName: name,
            ShardToMerge: shardId(0),
            AdjacentShardToMerge: shardId(1),
          }),
        );
      } else {
        await client.send(
          new UpdateShardCountCommand({
            StreamName: name,
            TargetShardCount: 3,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
      }
      resharded = true;
      await Promise.all(writers);

      const read = await readParentsFirst(client, name);
      const seen = new Map<string, string[]>();
      for (const record of read) {
        const list = seen.get(record.partitionKey) ?? [];
        list.push(record.data);
        seen.set(record.partitionKey, list);
      }
      expect(seen).toEqual(acknowledged);
      const sequenceNumbers = read.map((record) => record.sequenceNumber);
      expect(new Set(sequenceNumbers).size).toBe(sequenceNumbers.length);
      expect(new Set(read.map((record) => record.shardId)).size).toBeGreaterThan(2);
    },
  );
});

describe('a stream that is UPDATING', () => {
  const local = useLocalKinesis({ limits: 'off', updateStreamDelayMs: 300 });

  it('takes writes but refuses another reshard until it is ACTIVE again', async () => {
    const client = local.client;
    const name = await createStream(client, 2);
    await client.send(
      new MergeShardsCommand({
        StreamName: name,
        ShardToMerge: shardId(0),
        AdjacentShardToMerge: shardId(1),
      }),
    );
    const status = async () =>
      (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
        .StreamDescriptionSummary?.StreamStatus;
    expect(await status()).toBe('UPDATING');
    const put = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: bytes('during') }),
    );
    expect(put.ShardId).toBe(shardId(2));
    expect(
      await failureOf(
        client.send(
          new SplitShardCommand({
            StreamName: name,
            ShardToSplit: shardId(2),
            NewStartingHashKey: HALF.toString(),
          }),
        ),
      ),
    ).toEqual({
      type: 'ResourceInUseException',
      message: `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    });
    while ((await status()) === 'UPDATING') await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await status()).toBe('ACTIVE');
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: shardId(2),
        NewStartingHashKey: HALF.toString(),
      }),
    );
  });
});

describe('resharding in a durable endpoint', () => {
  let dataDir: string;
  let kinesis: LocalKinesis | undefined;
  let client: KinesisClient | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kinesis-reshard-'));
  });
  afterAll(async () => {
    client?.destroy();
    await kinesis?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    client?.destroy();
    await kinesis?.close();
    kinesis = await startLocalKinesis({ dataDir, limits: 'off', fsync: 'never' });
    client = clientFor(kinesis.endpoint);
    return client;
  };

  it('restores closed shards, their children and the records of both after a restart', async () => {
    let c = await start();
    const name = await createStream(c, 2);
    const put = (data: string) =>
      c.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'key', Data: bytes(data) }));
    await put('in parent');
    await c.send(
      new MergeShardsCommand({
        StreamName: name,
        ShardToMerge: shardId(0),
        AdjacentShardToMerge: shardId(1),
      }),
    );
    await put('in merged');
    await c.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: shardId(2),
        NewStartingHashKey: HALF.toString(),
      }),
    );
    await put('in split');
    const before = await listShards(c, name);
    const recordsBefore = await readParentsFirst(c, name);

    c = await start();
    expect(await listShards(c, name)).toEqual(before);
    const recordsAfter = await readParentsFirst(c, name);
    expect(recordsAfter).toEqual(recordsBefore);
    expect(recordsAfter.map((record) => record.data)).toEqual([
      'in parent',
      'in merged',
      'in split',
    ]);
    const next = await put('after restart');
    expect([shardId(3), shardId(4)]).toContain(next.ShardId);
    expect(BigInt(next.SequenceNumber as string)).toBeGreaterThan(
      BigInt(recordsAfter[2]?.sequenceNumber as string),
    );
  });
});
