import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KinesisProducer } from '../src/index.js';
import { createStream, kinesisClient, readStream, useLocalKinesis } from './support/local.js';

const text = (value: string) => new TextEncoder().encode(value);
const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

describe('KinesisProducer edge cases', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('queues a put that waited for room before later ones (ordering per key)', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      ordering: 'per-partition-key',
      maxBufferedRecords: 2,
      lingerMs: 1,
    });
    const p0 = producer.put({ partitionKey: 'k', data: text('0') });
    producer.put({ partitionKey: 'k', data: text('1') });
    producer.put({ partitionKey: 'k', data: text('2') }); // waits for room
    const p3 = p0.then(() => producer.put({ partitionKey: 'k', data: text('3') }));
    await p3;
    await producer.close();
    expect((await readStream(local.client, streamName)).map((r) => decode(r.data))).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
  });

  it('fails a put aborted while it waited for room, and never sends it', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      maxBufferedRecords: 1,
    });
    const first = producer.put({ partitionKey: 'k', data: text('first') });
    const controller = new AbortController();
    const waiting = producer.put(
      { partitionKey: 'k', data: text('aborted') },
      { signal: controller.signal },
    );
    first.then(() => controller.abort(new Error('no longer wanted')));
    await expect(waiting).rejects.toMatchObject({ code: 'Aborted' });
    await producer.close();
    expect((await readStream(local.client, streamName)).map((r) => decode(r.data))).toEqual([
      'first',
    ]);
  });

  it('sends a record larger than maxBatchBytes alone instead of stalling its shard', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      maxBatchBytes: 1024,
      maxAggregatedBytes: 64,
      recordTtlMs: 5000,
    });
    const results = await Promise.all([
      producer.put({ partitionKey: 'k', data: new Uint8Array(512) }),
      producer.put({ partitionKey: 'k', data: new Uint8Array(512) }),
      producer.put({ partitionKey: 'k', data: new Uint8Array(2000) }),
      producer.put({ partitionKey: 'k', data: text('small') }),
    ]);
    await producer.close();
    expect(results.every((r) => r.attempts === 1)).toBe(true);
    expect((await readStream(local.client, streamName)).length).toBe(4);
  });

  it('gives up on a ListShards call that never answers, within the record TTL', async () => {
    // A server that accepts connections and never answers.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const client = kinesisClient(`http://127.0.0.1:${port}`);
    const producer = new KinesisProducer({
      streamName: 'anything',
      client,
      recordTtlMs: 600,
      requestTimeoutMs: 200,
      initialBackoffMs: 10,
    });
    const started = Date.now();
    const error = await producer.put({ partitionKey: 'k', data: text('x') }).catch((e) => e);
    expect(error).toMatchObject({ name: 'RecordDeliveryError', code: 'RecordTtlExpired' });
    expect(Date.now() - started).toBeLessThan(2000);
    await producer.close();
    client.destroy();
    silent.close();
  });
});
