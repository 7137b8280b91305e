import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalKinesis } from '../../src/index.js';
import { clientFor, uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

describe('stream lifecycle with creation and deletion delays', () => {
  const local = useLocalKinesis({ createStreamDelayMs: 300, deleteStreamDelayMs: 300 });

  it('is CREATING, refuses writes, then becomes ACTIVE for the SDK waiter', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const summary = await local.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('CREATING');
    const write = await local.client
      .send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array(1) }))
      .catch((e) => e);
    expect(write).toBeInstanceOf(ResourceNotFoundException);
    const change = await local.client
      .send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }),
      )
      .catch((e) => e);
    expect(change).toBeInstanceOf(ResourceInUseException);
    expect(change.message).toBe(
      `Stream ${name} under account 123456789012 not ACTIVE, instead in state CREATING`,
    );
    await waitUntilStreamExists(
      { client: local.client, maxWaitTime: 10, minDelay: 1 },
      { StreamName: name },
    );
    const active = await local.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(active.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
  });

  it('refuses reads of a stream still being created', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const error = await local.client
      .send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'LATEST',
        }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error.message).toBe(
      `Stream ${name} under account 123456789012 not ACTIVE, instead in state CREATING`,
    );
  });

  it('is DELETING, then gone', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitUntilStreamExists(
      { client: local.client, maxWaitTime: 10, minDelay: 1 },
      { StreamName: name },
    );
    await local.client.send(new DeleteStreamCommand({ StreamName: name }));
    const deleting = await local.client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    expect(deleting.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
    for (;;) {
      const { StreamNames = [] } = await local.client.send(new ListStreamsCommand({}));
      if (!StreamNames.includes(name)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});

describe('retention', () => {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const local = useLocalKinesis({ limits: 'off', clock: { now: () => now } });

  it('stops returning records older than the retention period', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    now += 23 * 3_600_000;
    await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array([2]) }),
    );
    now += 2 * 3_600_000;
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await local.client.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records.map((r) => r.Data?.[0])).toEqual([2]);
  });
});

describe('a stream re-created under the same name', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const local = useLocalKinesis({ limits: 'off', clock: { now: () => now } });

  it('is not read through an iterator of the earlier one, even within the same millisecond', async () => {
    const name = uniqueStreamName();
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    await local.client.send(new DeleteStreamCommand({ StreamName: name }));
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array([2]) }),
    );
    await expect(
      local.client.send(new GetRecordsCommand({ ShardIterator })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('start-up options', () => {
  it('refuses streams it cannot create, naming them', async () => {
    await expect(
      startLocalKinesis({ streams: [{ name: 'bad name!', shardCount: 1 }] }),
    ).rejects.toMatchObject({
      code: 'InvalidOption',
    });
    await expect(startLocalKinesis({ streams: [{ name: 'ok', shardCount: 0 }] })).rejects.toThrow(
      'needs a name of 1–128 characters',
    );
  });

  it('accepts a headers timeout longer than the request timeout', async () => {
    const endpoint = await startLocalKinesis({ headersTimeoutMs: 120_000 });
    await endpoint.close();
  });
});

describe('durable restart', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second endpoint on a data dir in use, until the first closes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kinesis-kit-lock-'));
    dirs.push(dataDir);
    const first = await startLocalKinesis({ dataDir });
    await expect(startLocalKinesis({ dataDir })).rejects.toMatchObject({
      name: 'LocalKinesisError',
      code: 'DataDirLocked',
    });
    await first.close();
    const second = await startLocalKinesis({ dataDir });
    await second.close();
  });

  it('names the address it cannot listen on and leaves the data dir free', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kinesis-kit-listen-'));
    dirs.push(dataDir);
    await using taken = await startLocalKinesis();
    await expect(startLocalKinesis({ dataDir, port: taken.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${taken.port}`,
    );
    const retry = await startLocalKinesis({ dataDir });
    await retry.close();
  });

  it('restores streams, shards, tags, records and the sequence counter', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kinesis-kit-restart-'));
    dirs.push(dataDir);
    const first = await startLocalKinesis({ dataDir, limits: 'off' });
    const client = clientFor(first.endpoint);
    await client.send(
      new CreateStreamCommand({ StreamName: 'kept', ShardCount: 2, Tags: { team: 'web' } }),
    );
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 72 }),
    );
    const put = await client.send(
      new PutRecordCommand({
        StreamName: 'kept',
        PartitionKey: 'k',
        Data: new TextEncoder().encode('hello'),
      }),
    );
    client.destroy();
    await first.close();

    await using second = await startLocalKinesis({ dataDir, limits: 'off' });
    const again = clientFor(second.endpoint);
    const summary = await again.send(new DescribeStreamSummaryCommand({ StreamName: 'kept' }));
    expect(summary.StreamDescriptionSummary).toMatchObject({
      OpenShardCount: 2,
      RetentionPeriodHours: 72,
    });
    const { Tags } = await again.send(new ListTagsForStreamCommand({ StreamName: 'kept' }));
    expect(Tags).toEqual([{ Key: 'team', Value: 'web' }]);
    const { ShardIterator } = await again.send(
      new GetShardIteratorCommand({
        StreamName: 'kept',
        ShardId: put.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await again.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records.map((r) => [r.SequenceNumber, new TextDecoder().decode(r.Data)])).toEqual([
      [put.SequenceNumber, 'hello'],
    ]);
    const later = await again.send(
      new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'k', Data: new Uint8Array(1) }),
    );
    expect(BigInt(later.SequenceNumber as string)).toBeGreaterThan(
      BigInt(put.SequenceNumber as string),
    );
    again.destroy();
  });
});
