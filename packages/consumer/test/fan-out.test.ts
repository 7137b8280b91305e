import {
  DescribeStreamConsumerCommand,
  ListStreamConsumersCommand,
  ResourceNotFoundException,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisConsumer, KinesisRequestError } from '../src/index.js';
import { startCollecting, testOptions, text } from './support/consume.js';
import {
  createStream,
  encode,
  kinesisClient,
  putPlain,
  useLocalKinesis,
  waitFor,
} from './support/local.js';

const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const arnOf = (streamName: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/${streamName}`;

/** Counts the SubscribeToShard calls a client sends. */
function countSubscriptions(client: ReturnType<typeof kinesisClient>): { count: number } {
  const calls = { count: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === SubscribeToShardCommand.name) calls.count += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countSubscriptions' },
  );
  return calls;
}

describe('enhanced fan-out', () => {
  describe('short subscriptions', () => {
    // Subscriptions end after 150 ms, so a test sees many renewals.
    const local = useLocalKinesis({
      limits: 'off',
      subscriptionLifetimeMs: 150,
      subscriptionHeartbeatMs: 50,
    });

    it('renews ended subscriptions from the continuation number: nothing lost or repeated', async () => {
      const streamName = await createStream(local.client, 1);
      const client = kinesisClient(local.kinesis.endpoint);
      const subscriptions = countSubscriptions(client);
      const run = startCollecting(
        testOptions('fan-out', client, streamName, { maxRecordsPerCall: 7 }),
      );
      let written = 0;
      // Writes spread over several subscription lifetimes.
      while (subscriptions.count < 4 || written < 200) {
        await putPlain(
          local.client,
          streamName,
          range(20).map((i) => ({ partitionKey: 'p', data: encode(String(written + i)) })),
        );
        written += 20;
        await waitFor(() => run.records.length >= written, `${written} records`);
      }
      await run.consumer.stop();
      await run.done;
      expect(run.records.map((record) => Number(text(record)))).toEqual(range(written));
      expect(subscriptions.count).toBeGreaterThanOrEqual(4);
      client.destroy();
    });
  });

  describe('registration', () => {
    const local = useLocalKinesis({ limits: 'off', streamConsumerDelayMs: 300 });

    it('registers the consumer, waits until it is ACTIVE, and reuses it on the next start', async () => {
      const streamName = await createStream(local.client, 1);
      await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('first') }]);
      const first = startCollecting(
        testOptions('fan-out', local.client, streamName, { consumerName: 'dashboard' }),
      );
      await waitFor(() => first.records.length === 1, 'the first record');
      await first.consumer.stop();
      await first.done;
      const { ConsumerDescription } = await local.client.send(
        new DescribeStreamConsumerCommand({
          StreamARN: arnOf(streamName),
          ConsumerName: 'dashboard',
        }),
      );
      expect(ConsumerDescription?.ConsumerStatus).toBe('ACTIVE');

      await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('second') }]);
      const second = startCollecting(
        testOptions('fan-out', local.client, streamName, {
          consumerName: 'dashboard',
          initialPosition: 'TRIM_HORIZON',
          deregisterOnStop: true,
        }),
      );
      await waitFor(() => second.records.length === 2, 'both records');
      await second.consumer.stop();
      await second.done;
      const { Consumers } = await local.client.send(
        new ListStreamConsumersCommand({ StreamARN: arnOf(streamName) }),
      );
      // One registration, reused, then removed by deregisterOnStop (DELETING for 300 ms).
      expect((Consumers ?? []).filter((c) => c.ConsumerStatus !== 'DELETING')).toEqual([]);
      await expect
        .poll(
          () =>
            local.client
              .send(
                new DescribeStreamConsumerCommand({
                  ConsumerARN: ConsumerDescription?.ConsumerARN,
                }),
              )
              .catch((error: unknown) => error),
          { timeout: 5_000, interval: 50 },
        )
        .toBeInstanceOf(ResourceNotFoundException);
    });

    it('stops quietly while the consumer is being registered, and still deregisters it', async () => {
      const streamName = await createStream(local.client, 1);
      const consumer = new KinesisConsumer(
        testOptions('fan-out', local.client, streamName, {
          consumerName: 'slow',
          deregisterOnStop: true,
        }),
      );
      const done = consumer.run({ eachBatch: () => {} });
      const status = () =>
        local.client
          .send(
            new DescribeStreamConsumerCommand({
              StreamARN: arnOf(streamName),
              ConsumerName: 'slow',
            }),
          )
          .then(
            (output) => output.ConsumerDescription?.ConsumerStatus,
            (error: Error) => error.name,
          );
      // Registered, not ACTIVE yet (CREATING for 300 ms) when the stop comes.
      await expect.poll(status, { timeout: 5_000, interval: 10 }).toBe('CREATING');
      await consumer.stop();
      await expect(done).resolves.toBeUndefined();
      // Its ARN never reached the reader; it is deregistered by stream and name.
      await expect.poll(status, { timeout: 5_000, interval: 25 }).toBe('ResourceNotFoundException');
    });
  });

  describe('faults', () => {
    const local = useLocalKinesis({
      limits: 'off',
      subscriptionLifetimeMs: 300,
      faults: {
        seed: 7,
        rules: [
          { operations: ['SubscribeToShard'], errorRate: 0.3, errorTypes: ['InternalFailure'] },
          { operations: ['SubscribeToShard'], dropRate: 0.2 },
        ],
      },
    });

    it('retries failed and dropped subscriptions, losing and repeating nothing', async () => {
      const streamName = await createStream(local.client, 2);
      const values = range(300).map((i) => ({
        partitionKey: `k${i % 13}`,
        data: encode(String(i)),
      }));
      const run = startCollecting(testOptions('fan-out', local.client, streamName));
      await putPlain(local.client, streamName, values.slice(0, 150));
      await waitFor(() => run.records.length >= 150, 'the first half');
      await putPlain(local.client, streamName, values.slice(150));
      await waitFor(() => run.records.length >= 300, 'every record');
      await run.consumer.stop();
      await run.done;
      expect(run.records.map(text).sort()).toEqual(
        values.map((v) => new TextDecoder().decode(v.data)).sort(),
      );
      const { counters } = local.kinesis.faults();
      expect(counters.InternalFailure + counters.dropped).toBeGreaterThan(0);
    });

    it('fails fast with a typed error on a stream that does not exist', async () => {
      const consumer = new KinesisConsumer(testOptions('fan-out', local.client, 'no-such-stream'));
      const error = await consumer.run({ eachBatch: () => {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KinesisRequestError);
      expect((error as KinesisRequestError).awsCode).toBe('ResourceNotFoundException');
    });
  });
});
