import { createRequire } from 'node:module';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { RecordValidationError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { KinesisProducer, ProducerClosedError, RecordDeliveryError } from '../src/index.js';
import { createStream, kinesisClient, readStream, useLocalKinesis } from './support/local.js';

const text = (value: string) => new TextEncoder().encode(value);
const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

interface TheirRecord {
  partitionKey: string;
  data: string;
}
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  deaggregateSync(
    record: { partitionKey: string; data: Buffer; sequenceNumber: string },
    checksums: boolean,
    done: (error: Error | null, records?: TheirRecord[]) => void,
  ): void;
};

describe('KinesisProducer', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('stores every record, aggregated per shard, and says where', async () => {
    const streamName = await createStream(local.client, 4);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 20 });
    const records = Array.from({ length: 1000 }, (_, i) => ({
      partitionKey: `user-${i % 50}`,
      data: text(`event-${i}`),
    }));
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(results.every((r) => /^\d{56}$/.test(r.sequenceNumber))).toBe(true);
    expect(results.some((r) => r.subSequenceNumber !== undefined)).toBe(true);
    const stored = await readStream(local.client, streamName);
    expect(stored).toHaveLength(records.length);
    for (const [index, result] of results.entries()) {
      const match = stored.find(
        (r) =>
          r.sequenceNumber === result.sequenceNumber &&
          r.subSequenceNumber === result.subSequenceNumber,
      );
      expect(decode(match?.data)).toBe(`event-${index}`);
      expect(match?.shardId).toBe(result.shardId);
    }
  });

  it("sends other shards' queued records along with a shard whose linger has passed", async () => {
    const streamName = await createStream(local.client, 4);
    const client = kinesisClient(local.kinesis.endpoint);
    const entriesPerCall: number[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutRecordsCommand') {
          entriesPerCall.push((args.input as { Records: unknown[] }).Records.length);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countPutRecords' },
    );
    const producer = new KinesisProducer({ streamName, client, lingerMs: 500 });
    const first = producer.put({ partitionKey: 'first', data: text('first') });
    // The other records come well within the first one's linger: they are not due when it is.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const others = Array.from({ length: 40 }, (_, i) =>
      producer.put({ partitionKey: `other-${i}`, data: text(`${i}`) }),
    );
    const results = await Promise.all([first, ...others]);
    expect(new Set(results.map((r) => r.shardId)).size).toBe(4);
    // One request, one aggregate per shard; without riding along: one request per linger.
    expect(entriesPerCall).toEqual([4]);
    await producer.close();
    client.destroy();
  });

  it('writes aggregates that aws-kinesis-agg reads back as the records put', async () => {
    const streamName = await createStream(local.client, 2);
    const producer = new KinesisProducer({ streamName, client: local.client });
    const records = Array.from({ length: 300 }, (_, i) => ({
      partitionKey: `clé-${i % 7}`,
      data: text(`payload-${i}`),
    }));
    await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    const theirs: TheirRecord[] = [];
    const { Shards = [] } = await local.client.send(
      new ListShardsCommand({ StreamName: streamName }),
    );
    for (const shard of Shards) {
      const { ShardIterator } = await local.client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records = [] } = await local.client.send(new GetRecordsCommand({ ShardIterator }));
      for (const record of Records) {
        agg.deaggregateSync(
          {
            partitionKey: record.PartitionKey as string,
            data: Buffer.from(record.Data as Uint8Array),
            sequenceNumber: record.SequenceNumber as string,
          },
          true,
          (error, users) => {
            if (error) throw error;
            theirs.push(...(users ?? []));
          },
        );
      }
    }
    const asText = (list: { partitionKey: string; data: string }[]) =>
      list.map((r) => `${r.partitionKey}|${r.data}`).sort();
    expect(
      asText(
        theirs.map((r) => ({
          partitionKey: r.partitionKey,
          data: Buffer.from(r.data, 'base64').toString(),
        })),
      ),
    ).toEqual(asText(records.map((r) => ({ partitionKey: r.partitionKey, data: decode(r.data) }))));
  });

  it('sends records plain when aggregation is off', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client, aggregation: false });
    const results = await Promise.all(
      ['a', 'b', 'c'].map((key) => producer.put({ partitionKey: key, data: text(key) })),
    );
    await producer.close();
    expect(results.map((r) => r.subSequenceNumber)).toEqual([undefined, undefined, undefined]);
    expect(new Set(results.map((r) => r.sequenceNumber)).size).toBe(3);
  });

  it('rejects an invalid record at once without disturbing the others', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client });
    const good = producer.put({ partitionKey: 'k', data: text('fine') });
    await expect(producer.put({ partitionKey: '', data: text('x') })).rejects.toBeInstanceOf(
      RecordValidationError,
    );
    await expect(
      producer.put({ partitionKey: 'k', data: new Uint8Array(1024 * 1024) }),
    ).rejects.toMatchObject({ code: 'RecordTooLarge' });
    await expect(good).resolves.toMatchObject({ attempts: 1 });
    await producer.close();
  });

  it('fails every put for a stream that does not exist, without retrying', async () => {
    const producer = new KinesisProducer({ streamName: 'no-such-stream', client: local.client });
    const reported: RecordDeliveryError[] = [];
    producer.on('record_failed', ({ error }) => reported.push(error));
    const error = await producer.put({ partitionKey: 'k', data: text('x') }).catch((e) => e);
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({ code: 'NonRetriable', record: { partitionKey: 'k' } });
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0].errorCode).toBe('ResourceNotFoundException');
    // A failure before the record was queued (no shard map) is reported like any other.
    expect(reported).toEqual([error]);
    expect(producer.metrics().recordsFailed).toBe(1);
    await producer.close();
  });

  it('flushes without waiting for the linger time, and refuses puts once closed', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 60_000 });
    let settled = false;
    const put = producer.put({ partitionKey: 'k', data: text('x') }).then((result) => {
      settled = true;
      return result;
    });
    await producer.flush();
    expect(settled).toBe(true);
    await put;
    await producer.close();
    await expect(producer.put({ partitionKey: 'k', data: text('y') })).rejects.toBeInstanceOf(
      ProducerClosedError,
    );
  });

  it('rejects a put aborted before its record is sent', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 60_000 });
    // The first put loads the shard map; later ones queue at once.
    const warm = producer.put({ partitionKey: 'warm', data: text('up') });
    await producer.flush();
    await warm;
    const controller = new AbortController();
    const put = producer.put({ partitionKey: 'k', data: text('x') }, { signal: controller.signal });
    const kept = producer.put({ partitionKey: 'k', data: text('kept') });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('changed my mind'));
    await expect(put).rejects.toMatchObject({ code: 'Aborted' });
    await producer.close();
    await expect(kept).resolves.toMatchObject({ attempts: 1 });
    const stored = await readStream(local.client, streamName);
    expect(stored.map((r) => decode(r.data))).toEqual(['up', 'kept']);
  });

  it('reports batches and metrics', async () => {
    const streamName = await createStream(local.client, 2);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 10 });
    const batches: number[] = [];
    const off = producer.on('batch_sent', (event) => batches.push(event.userRecords));
    producer.on('batch_sent', () => {
      throw new Error('a listener that throws must not break the producer');
    });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        producer.put({ partitionKey: `k${i}`, data: text('x') }),
      ),
    );
    off();
    await producer.put({ partitionKey: 'after', data: text('x') });
    await producer.close();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
    const metrics = producer.metrics();
    expect(metrics).toMatchObject({ recordsDelivered: 201, recordsFailed: 0, bufferedRecords: 0 });
    expect(Object.keys(metrics.shards).sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    expect(metrics.putLatencyMs.p99).toBeGreaterThanOrEqual(metrics.putLatencyMs.p50);
  });
});
