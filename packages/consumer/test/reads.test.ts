import {
  type GetShardIteratorCommandInput,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '@kinesis-kit/producer';
import { aggregate } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { type ConsumerRecord, MemoryCheckpointStore } from '../src/index.js';
import { startCollecting, testOptions, text } from './support/consume.js';
import {
  createStream,
  encode,
  kinesisClient,
  putPlain,
  useLocalKinesis,
  waitFor,
} from './support/local.js';

/** Records the input of every GetShardIterator call the client sends. */
function recordIteratorRequests(client: KinesisClient): GetShardIteratorCommandInput[] {
  const inputs: GetShardIteratorCommandInput[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetShardIteratorCommand') {
        inputs.push(args.input as GetShardIteratorCommandInput);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordIteratorRequests' },
  );
  return inputs;
}

const numbers = (records: readonly ConsumerRecord[]) => records.map((r) => Number(text(r)));
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

// GetRecords' own hazards (iterators, 5 calls/s, 2 MiB/s shared): fan-out has its own suite in
// fan-out.test.ts.
describe.each(['polling'] as const)('reading under adverse conditions (%s)', (mode) => {
  describe('expired shard iterators', () => {
    // The endpoint's clock jumps past the 5-minute iterator lifetime on demand.
    let offsetMs = 0;
    const local = useLocalKinesis({ limits: 'off', clock: { now: () => Date.now() + offsetMs } });

    it('re-acquires an expired iterator right after the last record processed', async () => {
      const streamName = await createStream(local.client, 1);
      await putPlain(
        local.client,
        streamName,
        range(100).map((i) => ({ partitionKey: 'p', data: encode(String(i)) })),
      );
      const client = kinesisClient(local.kinesis.endpoint);
      const iteratorRequests = recordIteratorRequests(client);
      let batches = 0;
      let lastOfThirdBatch: string | undefined;
      const run = startCollecting(
        testOptions(mode, client, streamName, { maxRecordsPerCall: 10 }),
        (batch) => {
          batches += 1;
          if (batches === 3) {
            // The handler outlives the iterator the reader holds for the next read.
            lastOfThirdBatch = batch.records.at(-1)?.sequenceNumber;
            offsetMs += 301_000;
          }
        },
      );
      await waitFor(() => run.records.length >= 100, 'every record');
      await run.consumer.stop();
      client.destroy();
      expect(numbers(run.records)).toEqual(range(100));
      expect(iteratorRequests.map((input) => input.ShardIteratorType)).toEqual([
        'TRIM_HORIZON',
        'AFTER_SEQUENCE_NUMBER',
      ]);
      expect(iteratorRequests[1]?.StartingSequenceNumber).toBe(lastOfThirdBatch);
    });

    it('re-acquires an iterator that expired before its first read at the same position inside an aggregate', async () => {
      const streamName = await createStream(local.client, 1);
      const packed = aggregate(
        range(10).map((i) => ({ partitionKey: 'p', data: encode(`u${i}`) })),
      );
      const put = await local.client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: [
            { PartitionKey: 'p', Data: packed },
            { PartitionKey: 'p', Data: encode('after') },
          ],
        }),
      );
      const sequenceNumber = put.Records?.[0]?.SequenceNumber as string;
      const checkpoints = new MemoryCheckpointStore();
      await checkpoints.save('shardId-000000000000', { sequenceNumber, subSequenceNumber: 3 });
      const client = kinesisClient(local.kinesis.endpoint);
      const iteratorRequests = recordIteratorRequests(client);
      // The first iterator expires before it is used.
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === 'GetShardIteratorCommand' && iteratorRequests.length === 1) {
            offsetMs += 301_000;
          }
          return result;
        },
        { step: 'initialize', name: 'expireFirstIterator' },
      );
      const run = startCollecting(testOptions(mode, client, streamName, { checkpoints }));
      await waitFor(() => run.records.length >= 7, 'the records after the checkpoint');
      await run.consumer.stop();
      client.destroy();
      expect(run.records.map(text)).toEqual(['u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'after']);
      expect(iteratorRequests).toMatchObject([
        { ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber },
        { ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber },
      ]);
    });
  });

  describe('iterators that expire between idle polls', () => {
    // Iterators live 250 ms; a caught-up shard is polled every 300 ms.
    const local = useLocalKinesis({ limits: 'off', shardIteratorTtlMs: 250 });

    it.each(['TRIM_HORIZON', 'LATEST'] as const)(
      'keeps reading across expiries without losing or repeating a record (%s)',
      async (initialPosition) => {
        const streamName = await createStream(local.client, 1);
        await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('old') }]);
        const client = kinesisClient(local.kinesis.endpoint);
        const iteratorRequests = recordIteratorRequests(client);
        const run = startCollecting(
          testOptions(mode, client, streamName, { initialPosition, pollIntervalMs: 300 }),
        );
        // Idle polls find their iterator expired and take a new one, again and again.
        await waitFor(() => iteratorRequests.length >= 3, 'iterators to expire');
        await putPlain(
          local.client,
          streamName,
          range(5).map((i) => ({ partitionKey: 'p', data: encode(`new-${i}`) })),
        );
        const expected = [
          ...(initialPosition === 'TRIM_HORIZON' ? ['old'] : []),
          ...range(5).map((i) => `new-${i}`),
        ];
        await waitFor(() => run.records.length >= expected.length, 'the new records');
        const before = iteratorRequests.length;
        await waitFor(() => iteratorRequests.length > before, 'another expiry after them');
        await run.consumer.stop();
        client.destroy();
        expect(run.records.map(text)).toEqual(expected);
        const types = new Set(iteratorRequests.slice(1).map((input) => input.ShardIteratorType));
        expect(types).toEqual(
          new Set(
            initialPosition === 'TRIM_HORIZON'
              ? ['AFTER_SEQUENCE_NUMBER']
              : ['AT_TIMESTAMP', 'AFTER_SEQUENCE_NUMBER'],
          ),
        );
      },
    );
  });

  describe('throttled reads', () => {
    const local = useLocalKinesis({ limits: 'off' });

    it('backs off and retries throttled GetRecords calls, losing and repeating nothing', async () => {
      const streamName = await createStream(local.client, 2);
      await putPlain(
        local.client,
        streamName,
        range(200).map((i) => ({ partitionKey: `k${i % 13}`, data: encode(String(i)) })),
      );
      local.kinesis.setFaults({
        seed: 7,
        rules: [{ operations: ['GetRecords'], errorRate: 0.4, errorTypes: ['Throttling'] }],
      });
      try {
        const run = startCollecting(
          testOptions(mode, local.client, streamName, { maxRecordsPerCall: 20 }),
        );
        let throttledEvents = 0;
        run.consumer.on('shard_throttled', () => {
          throttledEvents += 1;
        });
        await waitFor(() => run.records.length >= 200, 'every record', 20_000);
        await run.consumer.stop();
        const injected = local.kinesis.faults().counters.Throttling;
        expect(injected).toBeGreaterThan(0);
        expect(throttledEvents).toBe(injected);
        expect(run.consumer.metrics().throttles).toBe(injected);
        expect(numbers(run.records).sort((a, b) => a - b)).toEqual(range(200));
      } finally {
        local.kinesis.setFaults(undefined);
      }
    });

    it('retries transient service errors and fails fast on a stream that does not exist', async () => {
      const streamName = await createStream(local.client, 1);
      await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('0') }]);
      local.kinesis.setFaults({
        seed: 3,
        rules: [
          {
            operations: ['GetRecords', 'ListShards'],
            errorRate: 0.5,
            errorTypes: ['InternalFailure'],
          },
        ],
      });
      try {
        const run = startCollecting(testOptions(mode, local.client, streamName));
        await waitFor(() => run.records.length >= 1, 'the record');
        await run.consumer.stop();
        expect(local.kinesis.faults().counters.InternalFailure).toBeGreaterThan(0);
      } finally {
        local.kinesis.setFaults(undefined);
      }
      const missing = startCollecting(testOptions(mode, local.client, 'no-such-stream'));
      await expect(missing.done).rejects.toMatchObject({
        name: 'KinesisRequestError',
        operation: 'ListShards',
        awsCode: 'ResourceNotFoundException',
        retriable: false,
      });
    });
  });

  describe("the 'aws' limits profile", () => {
    const local = useLocalKinesis({ limits: 'aws' });

    it('paces reads within 5 calls/s and 2 MiB/s per shard: no read is throttled', async () => {
      const streamName = await createStream(local.client, 1);
      const producer = new KinesisProducer({
        streamName,
        client: local.client,
        aggregation: false,
      });
      // Six 256 KiB records (a read of two blocks the shard for 250 ms at 2 MiB/s), then small
      // ones (only the 5 calls/s limit holds them back).
      const sizes = range(20).map((i) => (i < 6 ? 256 * 1024 : 1024));
      await Promise.all(
        sizes.map((size, i) =>
          producer.put({ partitionKey: `k${i}`, data: encode(`${i}:`.padEnd(size, 'x')) }),
        ),
      );
      await producer.close();
      const run = startCollecting(
        testOptions(mode, local.client, streamName, { maxRecordsPerCall: 2 }),
      );
      await waitFor(() => run.records.length >= 20, 'every record', 20_000);
      await run.consumer.stop();
      const received = run.records.map((r) => Number(text(r).split(':')[0]));
      expect(received.sort((a, b) => a - b)).toEqual(range(20));
      const { metrics } = local.kinesis.metrics(streamName);
      expect(metrics.ReadProvisionedThroughputExceeded.total).toBe(0);
      expect(metrics['GetRecords.Success'].total).toBeGreaterThanOrEqual(10);
      expect(run.consumer.metrics().throttles).toBe(0);
    }, 20_000);
  });
});
