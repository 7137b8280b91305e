import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  InvalidArgumentException,
  type KinesisClient,
  LimitExceededException,
  ListStreamConsumersCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SplitShardCommand,
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { startLocalKinesis } from '../../src/index.js';
import { clientFor, uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const SHARD = 'shardId-000000000000';
const text = (value: string) => new TextEncoder().encode(value);
const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

/** A clock the tests move forward to step over the 1 s and 5 s rules without waiting. */
function steppedClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

async function streamWithConsumer(
  client: KinesisClient,
  shardCount = 1,
): Promise<{ streamName: string; streamArn: string; consumerArn: string }> {
  const streamName = uniqueStreamName('fanout');
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  const streamArn = `arn:aws:kinesis:us-east-1:123456789012:stream/${streamName}`;
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' }),
  );
  return { streamName, streamArn, consumerArn: Consumer?.ConsumerARN as string };
}

async function put(client: KinesisClient, streamName: string, values: readonly string[]) {
  const { Records } = await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: values.map((value) => ({ PartitionKey: 'key', Data: text(value) })),
    }),
  );
  return (Records ?? []).map((record) => record.SequenceNumber as string);
}

async function subscribe(
  client: KinesisClient,
  consumerArn: string,
  startingPosition: StartingPosition,
  abortSignal?: AbortSignal,
): Promise<AsyncIterable<SubscribeToShardEventStream>> {
  const output = await client.send(
    new SubscribeToShardCommand({
      ConsumerARN: consumerArn,
      ShardId: SHARD,
      StartingPosition: startingPosition,
    }),
    abortSignal === undefined ? {} : { abortSignal },
  );
  return output.EventStream as AsyncIterable<SubscribeToShardEventStream>;
}

/** Reads events until `done` says so; returns them. */
async function readEvents(
  events: AsyncIterable<SubscribeToShardEventStream>,
  done: (seen: readonly SubscribeToShardEvent[]) => boolean,
): Promise<SubscribeToShardEvent[]> {
  const seen: SubscribeToShardEvent[] = [];
  for await (const event of events) {
    if (event.SubscribeToShardEvent) seen.push(event.SubscribeToShardEvent);
    if (done(seen)) break;
  }
  return seen;
}

const recordsOf = (events: readonly SubscribeToShardEvent[]) =>
  events.flatMap((event) => event.Records ?? []).map((record) => decode(record.Data));

describe('stream consumers', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('registers, describes, lists and deregisters consumers', async () => {
    const { streamName, streamArn, consumerArn } = await streamWithConsumer(local.client);
    expect(consumerArn).toMatch(
      new RegExp(
        `^arn:aws:kinesis:us-east-1:123456789012:stream/${streamName}/consumer/reader:\\d+$`,
      ),
    );
    const described = await local.client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
    );
    expect(described.ConsumerDescription).toMatchObject({
      ConsumerName: 'reader',
      ConsumerARN: consumerArn,
      ConsumerStatus: 'ACTIVE',
      StreamARN: streamArn,
    });
    expect(described.ConsumerDescription?.ConsumerCreationTimestamp).toBeInstanceOf(Date);
    const byName = await local.client.send(
      new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' }),
    );
    expect(byName.ConsumerDescription?.ConsumerARN).toBe(consumerArn);

    const duplicate = await local.client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' }))
      .catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ResourceInUseException);

    for (let i = 1; i < 20; i++) {
      await local.client.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `c${i}` }),
      );
    }
    const tooMany = await local.client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c20' }))
      .catch((error: unknown) => error);
    expect(tooMany).toBeInstanceOf(LimitExceededException);
    expect((tooMany as Error).message).toMatch(/maximum of 20/);

    const firstPage = await local.client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn, MaxResults: 15 }),
    );
    const secondPage = await local.client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn, NextToken: firstPage.NextToken }),
    );
    const names = [...(firstPage.Consumers ?? []), ...(secondPage.Consumers ?? [])].map(
      (consumer) => consumer.ConsumerName,
    );
    expect(names).toEqual(['reader', ...Array.from({ length: 19 }, (_, i) => `c${i + 1}`)]);
    expect(secondPage.NextToken).toBeUndefined();
    const summary = await local.client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    expect(summary.StreamDescriptionSummary?.ConsumerCount).toBe(20);

    await local.client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    const gone = await local.client
      .send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }))
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses to delete a stream with consumers unless told to delete them too', async () => {
    const { streamName } = await streamWithConsumer(local.client);
    const refused = await local.client
      .send(new DeleteStreamCommand({ StreamName: streamName }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ResourceInUseException);
    expect((refused as Error).message).toMatch(/EnforceConsumerDeletion/);
    await local.client.send(
      new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }),
    );
    const summary = await local.client
      .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
      .catch((error: unknown) => error);
    expect(summary).toBeInstanceOf(ResourceNotFoundException);
  });

  it('names what is missing when a consumer is not identified', async () => {
    const error = await local.client
      .send(new DescribeStreamConsumerCommand({ ConsumerName: 'reader' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe(
      'Either ConsumerARN or both ConsumerName and StreamARN must be provided.',
    );
  });
});

describe('a consumer with a registration delay', () => {
  const local = useLocalKinesis({ limits: 'off', streamConsumerDelayMs: 150 });

  it('is CREATING, refuses subscriptions, then becomes ACTIVE; at most 5 are CREATING', async () => {
    const { streamArn, consumerArn } = await streamWithConsumer(local.client);
    const described = await local.client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
    );
    expect(described.ConsumerDescription?.ConsumerStatus).toBe('CREATING');
    const early = await subscribe(local.client, consumerArn, { Type: 'LATEST' }).catch(
      (error: unknown) => error,
    );
    expect(early).toBeInstanceOf(ResourceInUseException);
    expect((early as Error).message).toMatch(/is not in ACTIVE status\.$/);
    for (let i = 1; i < 5; i++) {
      await local.client.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `c${i}` }),
      );
    }
    const sixth = await local.client
      .send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c5' }))
      .catch((error: unknown) => error);
    expect(sixth).toBeInstanceOf(LimitExceededException);
    await expect
      .poll(
        async () =>
          (await local.client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })))
            .ConsumerDescription?.ConsumerStatus,
        { timeout: 5_000, interval: 25 },
      )
      .toBe('ACTIVE');
  });
});

describe.each(['http2', 'http1'] as const)('SubscribeToShard over %s', (protocol) => {
  const clock = steppedClock();
  // A heartbeat far away: every event a test sees before it was pushed by a write.
  const local = useLocalKinesis({ limits: 'off', clock, subscriptionHeartbeatMs: 60_000 });
  const client = () => (protocol === 'http2' ? local.client : local.http1);

  it('pushes records as they are stored, with a continuation number', async () => {
    const { streamName, consumerArn } = await streamWithConsumer(client());
    const events = await subscribe(client(), consumerArn, { Type: 'LATEST' });
    const iterator = events[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as SubscribeToShardEventStream;
    expect(first.SubscribeToShardEvent?.Records).toEqual([]);
    expect(first.SubscribeToShardEvent?.MillisBehindLatest).toBe(0);

    const sequenceNumbers = await put(client(), streamName, ['a', 'b', 'c']);
    const seen: SubscribeToShardEvent[] = [];
    while (recordsOf(seen).length < 3) {
      const next = await iterator.next();
      if (next.done) throw new Error('the subscription ended early');
      if (next.value.SubscribeToShardEvent) seen.push(next.value.SubscribeToShardEvent);
    }
    await iterator.return?.();
    expect(recordsOf(seen)).toEqual(['a', 'b', 'c']);
    const records = seen.flatMap((event) => event.Records ?? []);
    expect(records.map((record) => record.SequenceNumber)).toEqual(sequenceNumbers);
    expect(records[0]?.PartitionKey).toBe('key');
    expect(records[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(seen.at(-1)?.ContinuationSequenceNumber).toBe(sequenceNumbers.at(-1));
  });

  it('resumes after the continuation number without missing or repeating a record', async () => {
    const { streamName, consumerArn } = await streamWithConsumer(client());
    const values = Array.from({ length: 40 }, (_, i) => `r${i}`);
    await put(client(), streamName, values.slice(0, 25));

    const firstRun = await readEvents(
      await subscribe(client(), consumerArn, { Type: 'TRIM_HORIZON' }),
      (seen) => recordsOf(seen).length >= 25,
    );
    const continuation = firstRun.at(-1)?.ContinuationSequenceNumber as string;
    await put(client(), streamName, values.slice(25));

    // The first subscription is still open (the client stopped reading): a call 5 s later
    // takes it over.
    clock.advance(5_000);
    const secondRun = await readEvents(
      await subscribe(client(), consumerArn, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: continuation,
      }),
      (seen) => recordsOf(seen).length >= 15,
    );
    expect([...recordsOf(firstRun), ...recordsOf(secondRun)]).toEqual(values);
  });

  it('refuses a second subscription within 5 s, and lets a later one take over', async () => {
    const { consumerArn } = await streamWithConsumer(client());
    const first = (await subscribe(client(), consumerArn, { Type: 'LATEST' }))[
      Symbol.asyncIterator
    ]();
    await first.next();

    // Real time passes too, so stay well inside the 5 s.
    clock.advance(4_000);
    const refused = await subscribe(client(), consumerArn, { Type: 'LATEST' }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ResourceInUseException);
    expect((refused as Error).message).toBe(
      `Another active subscription exists for this consumer: ${consumerArn}`,
    );

    clock.advance(1_000);
    const second = (await subscribe(client(), consumerArn, { Type: 'LATEST' }))[
      Symbol.asyncIterator
    ]();
    await second.next();
    const ended = await first.next().catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(Error);
    expect((ended as Error).name).toBe('ResourceInUseException');
    await second.return?.();
  });

  it('ends with ChildShards and no continuation number once a split shard is read', async () => {
    const { streamName, consumerArn } = await streamWithConsumer(client());
    await put(client(), streamName, ['before']);
    await client().send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: SHARD,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const events = await readEvents(
      await subscribe(client(), consumerArn, { Type: 'TRIM_HORIZON' }),
      () => false,
    );
    expect(recordsOf(events)).toEqual(['before']);
    const last = events.at(-1);
    expect(last?.ContinuationSequenceNumber).toBeUndefined();
    expect(last?.ChildShards?.map((child) => child.ShardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(last?.ChildShards?.[0]?.ParentShards).toEqual([SHARD]);
  });

  it('frees the subscription as soon as the client aborts it', async () => {
    const { consumerArn } = await streamWithConsumer(client());
    const abort = new AbortController();
    const events = (await subscribe(client(), consumerArn, { Type: 'LATEST' }, abort.signal))[
      Symbol.asyncIterator
    ]();
    await events.next();
    abort.abort();
    await events.next().catch(() => undefined);
    clock.advance(1_000);
    // Within 5 s of the first call, but the first subscription is gone: no ResourceInUse.
    await expect
      .poll(
        () =>
          subscribe(client(), consumerArn, { Type: 'LATEST' }).then(
            async (next) => {
              await next[Symbol.asyncIterator]().return?.();
              return 'subscribed';
            },
            (error: Error) => {
              clock.advance(1_000);
              return error.name;
            },
          ),
        { timeout: 2_000, interval: 20 },
      )
      .toBe('subscribed');
  });

  it('ends the subscription of a consumer that is deregistered', async () => {
    const { consumerArn } = await streamWithConsumer(client());
    const events = (await subscribe(client(), consumerArn, { Type: 'LATEST' }))[
      Symbol.asyncIterator
    ]();
    await events.next();
    await client().send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    const ended = await events.next().catch((error: unknown) => error);
    expect((ended as Error).name).toBe('ResourceNotFoundException');
  });

  it('rejects a sequence number of another shard, naming SubscribeToShard', async () => {
    const { consumerArn } = await streamWithConsumer(client());
    const error = await subscribe(client(), consumerArn, {
      Type: 'AFTER_SEQUENCE_NUMBER',
      SequenceNumber: '12345',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toMatch(
      /^StartingSequenceNumber 12345 used in SubscribeToShard/,
    );
  });
});

describe('subscription lifetime and metrics', () => {
  it('ends a subscription cleanly after its lifetime, and counts what it pushed', async () => {
    await using kinesis = await startLocalKinesis({
      limits: 'off',
      subscriptionLifetimeMs: 300,
      subscriptionHeartbeatMs: 50,
    });
    const client = clientFor(kinesis.endpoint);
    try {
      const { streamName, consumerArn } = await streamWithConsumer(client);
      await put(client, streamName, ['one', 'two']);
      const events = await readEvents(
        await subscribe(client, consumerArn, { Type: 'TRIM_HORIZON' }),
        () => false,
      );
      // The loop ended without an error: the stream closed after 300 ms, with heartbeats on the way.
      expect(recordsOf(events)).toEqual(['one', 'two']);
      expect(events.length).toBeGreaterThan(1);
      expect(events.at(-1)?.ContinuationSequenceNumber).toMatch(/^\d+$/);
      const { metrics } = kinesis.metrics(streamName);
      expect(metrics['SubscribeToShard.Success'].total).toBe(1);
      expect(metrics['SubscribeToShardEvent.Records'].total).toBe(2);
      expect(metrics['SubscribeToShardEvent.Bytes'].total).toBe(
        'one'.length + 'two'.length + 2 * 'key'.length,
      );
      expect(metrics.OutgoingRecords.total).toBe(2);
    } finally {
      client.destroy();
    }
  });
});

describe('durable consumers', () => {
  it('keeps registered consumers across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kinesis-fanout-'));
    try {
      let consumerArn: string;
      {
        await using kinesis = await startLocalKinesis({ dataDir, limits: 'off' });
        const client = clientFor(kinesis.endpoint);
        ({ consumerArn } = await streamWithConsumer(client));
        client.destroy();
      }
      await using kinesis = await startLocalKinesis({ dataDir, limits: 'off' });
      const client = clientFor(kinesis.endpoint);
      const described = await client.send(
        new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }),
      );
      expect(described.ConsumerDescription).toMatchObject({
        ConsumerName: 'reader',
        ConsumerStatus: 'ACTIVE',
      });
      client.destroy();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
