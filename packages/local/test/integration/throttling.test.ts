import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

/** A manual clock: throughput is per second, and tests move time instead of waiting for it. */
let now = Date.UTC(2026, 10, 25, 12, 0, 0);
const advance = (ms: number) => {
  now += ms;
};

const MAX_HASH_KEY = (1n << 128n) - 1n;
/** Records aimed at one shard of a two-shard stream, by explicit hash key. */
function entries(count: number, dataBytes: number, shard: 0 | 1 = 0): PutRecordsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    PartitionKey: `k${i}`,
    Data: new Uint8Array(dataBytes),
    ExplicitHashKey: (shard === 0 ? 0n : MAX_HASH_KEY).toString(),
  }));
}

async function put(client: KinesisClient, StreamName: string, records: PutRecordsRequestEntry[]) {
  const result = await client.send(new PutRecordsCommand({ StreamName, Records: records }));
  return result.Records ?? [];
}

describe('per-shard throughput limits (profile aws)', () => {
  const local = useLocalKinesis({ clock: { now: () => now } });

  async function stream(): Promise<string> {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    return name;
  }

  it('accepts 1,000 records a second per shard and fails the rest with the AWS error', async () => {
    const name = await stream();
    const first = await put(local.client, name, entries(500, 10));
    const second = await put(local.client, name, entries(500, 10));
    const third = await put(local.client, name, entries(10, 10));
    expect([...first, ...second].every((r) => r.SequenceNumber)).toBe(true);
    expect(third.every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException')).toBe(true);
    expect(third[0]?.ErrorMessage).toBe(
      `Rate exceeded for shard shardId-000000000000 in stream ${name} under account 123456789012.`,
    );
    advance(100);
    const refilled = await put(local.client, name, entries(150, 10));
    expect(refilled.filter((r) => r.SequenceNumber)).toHaveLength(100);
  });

  it('accepts 1 MiB a second per shard, counting data and partition keys', async () => {
    const name = await stream();
    // 4 records of 262,142 data bytes + 2-byte keys fill 1 MiB exactly.
    const exact = entries(4, 262_142).map((e, i) => ({ ...e, PartitionKey: `k${i}` }));
    expect((await put(local.client, name, exact)).every((r) => r.SequenceNumber)).toBe(true);
    const over = await put(local.client, name, entries(1, 1));
    expect(over[0]?.ErrorCode).toBe('ProvisionedThroughputExceededException');
  });

  it('throttles only the saturated shard', async () => {
    const name = await stream();
    await put(local.client, name, entries(500, 10, 0));
    await put(local.client, name, entries(500, 10, 0));
    const mixed = await put(local.client, name, [...entries(3, 10, 0), ...entries(3, 10, 1)]);
    expect(mixed.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ProvisionedThroughputExceededException',
      'ProvisionedThroughputExceededException',
      'ProvisionedThroughputExceededException',
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('keeps sustained acceptance within the limit', async () => {
    const name = await stream();
    let accepted = 0;
    // Ten seconds of 5,000 records/s offered to one shard, in 100 ms steps.
    for (let step = 0; step < 100; step++) {
      const results = await put(local.client, name, entries(500, 10));
      accepted += results.filter((r) => r.SequenceNumber).length;
      advance(100);
    }
    // One second of burst capacity plus 1,000 records/s for the ten seconds.
    expect(accepted).toBeGreaterThanOrEqual(10_000);
    expect(accepted).toBeLessThanOrEqual(11_000);
  });

  it('makes PutRecord throw when the shard is saturated', async () => {
    const name = await stream();
    await put(local.client, name, entries(500, 10));
    await put(local.client, name, entries(500, 10));
    const error = await local.client
      .send(
        new PutRecordCommand({
          StreamName: name,
          PartitionKey: 'k',
          Data: new Uint8Array(1),
          ExplicitHashKey: '0',
        }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(error.message).toBe(
      `Rate exceeded for shard shardId-000000000000 in stream ${name} under account 123456789012.`,
    );
  });

  it('allows five GetRecords calls a second per shard', async () => {
    const name = await stream();
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    for (let call = 0; call < 5; call++) {
      await local.client.send(new GetRecordsCommand({ ShardIterator }));
    }
    const sixth = await local.client.send(new GetRecordsCommand({ ShardIterator })).catch((e) => e);
    expect(sixth).toBeInstanceOf(ProvisionedThroughputExceededException);
    advance(200);
    await expect(
      local.client.send(new GetRecordsCommand({ ShardIterator })),
    ).resolves.toBeDefined();
  });

  it('blocks reads for 5 s after a 10 MiB GetRecords, as AWS does', async () => {
    const name = await stream();
    // Write 10 MiB over 10 simulated seconds (the write limit), then read it in one call.
    for (let second = 0; second < 10; second++) {
      await put(
        local.client,
        name,
        entries(4, 262_142).map((e, i) => ({ ...e, PartitionKey: `k${i}` })),
      );
      advance(1000);
    }
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const big = await local.client.send(new GetRecordsCommand({ ShardIterator }));
    expect(big.Records).toHaveLength(40);
    advance(4900);
    const early = await local.client
      .send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator }))
      .catch((e) => e);
    expect(early).toBeInstanceOf(ProvisionedThroughputExceededException);
    advance(100);
    await expect(
      local.client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator })),
    ).resolves.toMatchObject({ Records: [] });
  });
});

describe('profile off', () => {
  const local = useLocalKinesis({ limits: 'off', clock: { now: () => now } });

  it('accepts any rate but still validates', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    let accepted = 0;
    for (let i = 0; i < 6; i++) {
      accepted += (await put(local.client, name, entries(500, 10))).filter(
        (r) => r.SequenceNumber,
      ).length;
    }
    expect(accepted).toBe(3000);
    const tooBig = await local.client
      .send(new PutRecordCommand({ StreamName: name, PartitionKey: '', Data: new Uint8Array(1) }))
      .catch((e) => e);
    expect(tooBig.name).toBe('ValidationException');
  });
});
