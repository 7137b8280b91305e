import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  LimitExceededException,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateMaxRecordSizeCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const MAX_HASH_KEY = ((1n << 128n) - 1n).toString();

describe.each(['http2', 'http1'] as const)('stream operations over %s', (protocol) => {
  const local = useLocalKinesis({ shardLimit: 40 });
  const client = () => (protocol === 'http2' ? local.client : local.http1);

  it('creates a provisioned stream whose shards split the hash key space evenly', async () => {
    const name = uniqueStreamName();
    await client().send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    const { StreamDescription } = await client().send(
      new DescribeStreamCommand({ StreamName: name }),
    );
    expect(StreamDescription).toMatchObject({
      StreamName: name,
      StreamARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`,
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      HasMoreShards: false,
      EncryptionType: 'NONE',
    });
    expect(StreamDescription?.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(StreamDescription?.Shards?.map((s) => [s.ShardId, s.HashKeyRange])).toEqual([
      [
        'shardId-000000000000',
        { StartingHashKey: '0', EndingHashKey: '170141183460469231731687303715884105727' },
      ],
      [
        'shardId-000000000001',
        { StartingHashKey: '170141183460469231731687303715884105728', EndingHashKey: MAX_HASH_KEY },
      ],
    ]);
    expect(StreamDescription?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(
      /^\d{56}$/,
    );
  });

  it('creates an on-demand stream', async () => {
    const name = uniqueStreamName();
    await client().send(
      new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    const { StreamDescriptionSummary } = await client().send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    expect(StreamDescriptionSummary).toMatchObject({
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      OpenShardCount: 4,
      ConsumerCount: 0,
    });
  });

  it('refuses a second stream of the same name', async () => {
    const name = uniqueStreamName();
    await client().send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const error = await client()
      .send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error.message).toBe(`Stream ${name} under account 123456789012 already exists.`);
  });

  it('enforces the account shard limit', async () => {
    const error = await client()
      .send(new CreateStreamCommand({ StreamName: uniqueStreamName(), ShardCount: 41 }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.message).toMatch(
      /would exceed the shard limit for the account 123456789012 in us-east-1/,
    );
    const limits = await client().send(new DescribeLimitsCommand({}));
    expect(limits).toMatchObject({ ShardLimit: 40, OnDemandStreamCountLimit: 50 });
  });

  it('answers for a missing stream with ResourceNotFoundException, by name or ARN', async () => {
    const byName = await client()
      .send(new DescribeStreamCommand({ StreamName: 'nope' }))
      .catch((e) => e);
    expect(byName).toBeInstanceOf(ResourceNotFoundException);
    expect(byName.message).toBe('Stream nope under account 123456789012 not found.');
    const byArn = await client()
      .send(
        new DescribeStreamSummaryCommand({
          StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/nope',
        }),
      )
      .catch((e) => e);
    expect(byArn).toBeInstanceOf(ResourceNotFoundException);
  });

  it('addresses a stream by its ARN everywhere', async () => {
    const name = uniqueStreamName();
    await client().send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const StreamARN = `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;
    const { StreamDescriptionSummary } = await client().send(
      new DescribeStreamSummaryCommand({ StreamARN }),
    );
    expect(StreamDescriptionSummary?.StreamName).toBe(name);
    await client().send(new UpdateMaxRecordSizeCommand({ StreamARN, MaxRecordSizeInKiB: 2048 }));
    const after = await client().send(new DescribeStreamSummaryCommand({ StreamARN }));
    expect(after.StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(2048);
    await client().send(new DeleteStreamCommand({ StreamARN }));
    await expect(
      client().send(new DescribeStreamCommand({ StreamName: name })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists streams in pages', async () => {
    const prefix = uniqueStreamName('list');
    for (const suffix of ['a', 'b', 'c']) {
      await client().send(
        new CreateStreamCommand({ StreamName: `${prefix}-${suffix}`, ShardCount: 1 }),
      );
    }
    const names: string[] = [];
    let page = await client().send(new ListStreamsCommand({ Limit: 2 }));
    names.push(...(page.StreamNames ?? []));
    while (page.HasMoreStreams && page.NextToken) {
      page = await client().send(new ListStreamsCommand({ Limit: 2, NextToken: page.NextToken }));
      names.push(...(page.StreamNames ?? []));
    }
    expect(names.filter((n) => n.startsWith(prefix))).toEqual(
      ['a', 'b', 'c'].map((s) => `${prefix}-${s}`),
    );
    expect(names).toEqual([...names].sort());
    expect(page.StreamSummaries?.[0]?.StreamARN).toMatch(
      /^arn:aws:kinesis:us-east-1:123456789012:stream\//,
    );
  });

  it('lists shards in pages and refuses a NextToken with a StreamName', async () => {
    const name = uniqueStreamName();
    await client().send(new CreateStreamCommand({ StreamName: name, ShardCount: 5 }));
    const ids: string[] = [];
    let page = await client().send(new ListShardsCommand({ StreamName: name, MaxResults: 2 }));
    ids.push(...(page.Shards ?? []).map((s) => s.ShardId ?? ''));
    while (page.NextToken) {
      page = await client().send(
        new ListShardsCommand({ NextToken: page.NextToken, MaxResults: 2 }),
      );
      ids.push(...(page.Shards ?? []).map((s) => s.ShardId ?? ''));
    }
    expect(ids).toEqual([0, 1, 2, 3, 4].map((i) => `shardId-00000000000${i}`));
    const both = await client()
      .send(new ListShardsCommand({ StreamName: name, NextToken: 'abc' }))
      .catch((e) => e);
    expect(both).toBeInstanceOf(InvalidArgumentException);
    expect(both.message).toBe('NextToken and StreamName cannot be provided together.');
    const after = await client().send(
      new ListShardsCommand({
        StreamName: name,
        ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' },
      }),
    );
    expect(after.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    const latest = await client().send(
      new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(latest.Shards).toHaveLength(5);
  });

  it('raises and lowers retention within AWS rules', async () => {
    const name = uniqueStreamName();
    await client().send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await client().send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }),
    );
    const shorter = await client()
      .send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 30 }),
      )
      .catch((e) => e);
    expect(shorter).toBeInstanceOf(InvalidArgumentException);
    expect(shorter.message).toBe(
      `Requested retention period (30 hours) for stream ${name} can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.`,
    );
    const tooShort = await client()
      .send(
        new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 12 }),
      )
      .catch((e) => e);
    expect(tooShort.message).toBe(
      'Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.',
    );
    await client().send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 }),
    );
    const { StreamDescriptionSummary } = await client().send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    expect(StreamDescriptionSummary?.RetentionPeriodHours).toBe(24);
  });

  it('adds, lists and removes tags', async () => {
    const name = uniqueStreamName();
    await client().send(
      new CreateStreamCommand({ StreamName: name, ShardCount: 1, Tags: { team: 'web' } }),
    );
    await client().send(
      new AddTagsToStreamCommand({ StreamName: name, Tags: { env: 'dev', app: 'demo' } }),
    );
    const listed = await client().send(
      new ListTagsForStreamCommand({ StreamName: name, Limit: 2 }),
    );
    expect(listed).toMatchObject({
      Tags: [
        { Key: 'app', Value: 'demo' },
        { Key: 'env', Value: 'dev' },
      ],
      HasMoreTags: true,
    });
    await client().send(
      new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['env', 'team'] }),
    );
    const rest = await client().send(new ListTagsForStreamCommand({ StreamName: name }));
    expect(rest.Tags).toEqual([{ Key: 'app', Value: 'demo' }]);
  });
});
