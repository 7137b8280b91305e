import {
  CreateStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  InvalidArgumentException,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import { partitionKeyToHashKey } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const text = (value: string) => new TextEncoder().encode(value);
const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

async function createStream(client: KinesisClient, shardCount = 1): Promise<string> {
  const name = uniqueStreamName();
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return name;
}

async function iterator(
  client: KinesisClient,
  StreamName: string,
  ShardIteratorType:
    | 'TRIM_HORIZON'
    | 'LATEST'
    | 'AT_SEQUENCE_NUMBER'
    | 'AFTER_SEQUENCE_NUMBER'
    | 'AT_TIMESTAMP',
  extra: { StartingSequenceNumber?: string; Timestamp?: Date; ShardId?: string } = {},
): Promise<string> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType,
      ...extra,
    }),
  );
  return ShardIterator as string;
}

describe.each(['http2', 'http1'] as const)('record operations over %s', (protocol) => {
  const local = useLocalKinesis({ limits: 'off' });
  const client = () => (protocol === 'http2' ? local.client : local.http1);

  it('stores records in order and reads them back with their sequence numbers', async () => {
    const name = await createStream(client());
    const first = await client().send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'user-1', Data: text('one') }),
    );
    expect(first).toMatchObject({ ShardId: 'shardId-000000000000', EncryptionType: 'NONE' });
    expect(first.SequenceNumber).toMatch(/^\d{56}$/);
    const batch = await client().send(
      new PutRecordsCommand({
        StreamName: name,
        Records: [
          { PartitionKey: 'user-2', Data: text('two') },
          { PartitionKey: 'user-3', Data: new Uint8Array(0) },
        ],
      }),
    );
    expect(batch.FailedRecordCount).toBe(0);
    const sequences = [first.SequenceNumber, ...(batch.Records ?? []).map((r) => r.SequenceNumber)];
    const asBigInts = sequences.map((s) => BigInt(s as string));
    expect(asBigInts).toEqual([...asBigInts].sort((a, b) => (a < b ? -1 : 1)));

    const read = await client().send(
      new GetRecordsCommand({ ShardIterator: await iterator(client(), name, 'TRIM_HORIZON') }),
    );
    expect(read.Records?.map((r) => [r.PartitionKey, decode(r.Data), r.SequenceNumber])).toEqual([
      ['user-1', 'one', sequences[0]],
      ['user-2', 'two', sequences[1]],
      ['user-3', '', sequences[2]],
    ]);
    expect(read.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(read.MillisBehindLatest).toBe(0);
    const next = await client().send(
      new GetRecordsCommand({ ShardIterator: read.NextShardIterator }),
    );
    expect(next.Records).toEqual([]);
  });

  it('routes records to the shard owning their hash key, explicit or derived', async () => {
    const name = await createStream(client(), 4);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const result = await client().send(
      new PutRecordsCommand({
        StreamName: name,
        Records: [
          ...keys.map((key) => ({ PartitionKey: key, Data: text(key) })),
          { PartitionKey: 'x', Data: text('x'), ExplicitHashKey: ((1n << 128n) - 1n).toString() },
        ],
      }),
    );
    const quarter = (1n << 128n) / 4n;
    keys.forEach((key, index) => {
      const expected = Number(partitionKeyToHashKey(key) / quarter);
      expect(result.Records?.[index]?.ShardId).toBe(`shardId-00000000000${expected}`);
    });
    expect(result.Records?.[8]?.ShardId).toBe('shardId-000000000003');
  });

  it('positions iterators at, after, latest and by timestamp', async () => {
    const name = await createStream(client());
    const put = async (value: string) =>
      (
        await client().send(
          new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: text(value) }),
        )
      ).SequenceNumber as string;
    const one = await put('one');
    const two = await put('two');
    const read = async (shardIterator: string) =>
      (await client().send(new GetRecordsCommand({ ShardIterator: shardIterator }))).Records?.map(
        (r) => decode(r.Data),
      );
    expect(
      await read(
        await iterator(client(), name, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: two }),
      ),
    ).toEqual(['two']);
    expect(
      await read(
        await iterator(client(), name, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: one }),
      ),
    ).toEqual(['two']);
    const latest = await iterator(client(), name, 'LATEST');
    expect(await read(latest)).toEqual([]);
    await put('three');
    expect(await read(latest)).toEqual(['three']);
    expect(
      await read(await iterator(client(), name, 'AT_TIMESTAMP', { Timestamp: new Date(0) })),
    ).toEqual(['one', 'two', 'three']);
  });

  it('honours Limit and hands out a working NextShardIterator', async () => {
    const name = await createStream(client());
    await client().send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 25 }, (_, i) => ({
          PartitionKey: `k${i}`,
          Data: text(`${i}`),
        })),
      }),
    );
    let shardIterator: string | undefined = await iterator(client(), name, 'TRIM_HORIZON');
    const seen: string[] = [];
    let calls = 0;
    while (shardIterator && seen.length < 25) {
      const page: GetRecordsCommandOutput = await client().send(
        new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 10 }),
      );
      seen.push(...(page.Records ?? []).map((r) => decode(r.Data)));
      shardIterator = page.NextShardIterator;
      calls++;
    }
    expect(calls).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `${i}`));
  });

  it('keeps SequenceNumberForOrdering order', async () => {
    const name = await createStream(client(), 2);
    const first = await client().send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: text('1') }),
    );
    const second = await client().send(
      new PutRecordCommand({
        StreamName: name,
        PartitionKey: 'k',
        Data: text('2'),
        SequenceNumberForOrdering: first.SequenceNumber,
      }),
    );
    expect(BigInt(second.SequenceNumber as string)).toBeGreaterThan(
      BigInt(first.SequenceNumber as string),
    );
  });

  it('rejects oversize records, bad hash keys and bad iterators with the AWS errors', async () => {
    const name = await createStream(client());
    const big = await client()
      .send(
        new PutRecordCommand({
          StreamName: name,
          PartitionKey: 'k',
          Data: new Uint8Array(1_048_577),
        }),
      )
      .catch((e) => e);
    expect(big).toBeInstanceOf(ValidationException);
    expect(big.message).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    const hashKey = await client()
      .send(
        new PutRecordCommand({
          StreamName: name,
          PartitionKey: 'k',
          Data: text('x'),
          ExplicitHashKey: (1n << 128n).toString(),
        }),
      )
      .catch((e) => e);
    expect(hashKey).toBeInstanceOf(InvalidArgumentException);
    expect(hashKey.message).toBe(
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${1n << 128n}`,
    );
    const tooMany = await client()
      .send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: text('x') })),
        }),
      )
      .catch((e) => e);
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toMatch(
      /at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
    );
    const bad = await client()
      .send(new GetRecordsCommand({ ShardIterator: Buffer.from('nonsense').toString('base64') }))
      .catch((e) => e);
    expect(bad).toBeInstanceOf(InvalidArgumentException);
    expect(bad.message).toBe('Invalid ShardIterator.');
    const noShard = await client()
      .send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-000000000009',
          ShardIteratorType: 'LATEST',
        }),
      )
      .catch((e) => e);
    expect(noShard).toBeInstanceOf(ResourceNotFoundException);
    expect(noShard.message).toBe(
      `Shard shardId-000000000009 in stream ${name} under account 123456789012 does not exist`,
    );
    const mixed = await client()
      .send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'LATEST',
          StartingSequenceNumber: '1',
        }),
      )
      .catch((e) => e);
    expect(mixed.message).toMatch(/Request specified LATEST and also a StartingSequenceNumber\.$/);
  });

  it('refuses a PutRecords request over the request size limit', async () => {
    const name = await createStream(client());
    const error = await client()
      .send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 11 }, (_, i) => ({
            PartitionKey: `k${i}`,
            Data: new Uint8Array(1_000_000),
          })),
        }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect(error.message).toBe('Records size exceeds 10 MB limit');
  });
});

describe('shard iterator expiry', () => {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const local = useLocalKinesis({ limits: 'off', clock: { now: () => now } });

  it('expires iterators five minutes after they were issued', async () => {
    const name = await createStream(local.client);
    const shardIterator = await iterator(local.client, name, 'TRIM_HORIZON');
    now += 299_999;
    const fresh = await local.client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
    expect(fresh.Records).toEqual([]);
    now += 2;
    const error = await local.client
      .send(new GetRecordsCommand({ ShardIterator: shardIterator }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpiredIteratorException);
    expect(error.message).toBe(
      'Iterator expired. The iterator was created at time Wed Nov 25 12:00:00 UTC 2026 while right now it is Wed Nov 25 12:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds.',
    );
  });
});

describe('a shorter shard iterator lifetime', () => {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const local = useLocalKinesis({
    limits: 'off',
    clock: { now: () => now },
    shardIteratorTtlMs: 1_000,
  });

  it('expires iterators after shardIteratorTtlMs, naming it in the message', async () => {
    const name = await createStream(local.client);
    const shardIterator = await iterator(local.client, name, 'TRIM_HORIZON');
    now += 1_000;
    const fresh = await local.client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
    now += 1;
    const error = await local.client
      .send(new GetRecordsCommand({ ShardIterator: shardIterator }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpiredIteratorException);
    expect(error.message).toMatch(/tolerated delay of 1000 milliseconds\.$/);
    // The iterator GetRecords returned is fresh.
    await expect(
      local.client.send(new GetRecordsCommand({ ShardIterator: fresh.NextShardIterator })),
    ).resolves.toMatchObject({ Records: [] });
  });
});

describe('unsigned and malformed requests', () => {
  const local = useLocalKinesis();

  it('answers a request without a signature as AWS does', async () => {
    const response = await fetch(local.kinesis.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});
