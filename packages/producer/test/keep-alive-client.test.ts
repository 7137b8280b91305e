import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import {
  useConnectionCounter,
  useStandardConfiguration,
} from '../../../tools/testing/connection-counter.js';
import { createKeepAliveKinesisClient, KinesisProducer } from '../src/index.js';
import { createStream, credentials, readStream, useLocalKinesis } from './support/local.js';

const text = (value: string) => new TextEncoder().encode(value);

describe('the client a KinesisProducer builds', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const proxy = useConnectionCounter(() => local.kinesis.endpoint);
  const pointAt = useStandardConfiguration();

  it('sends one call after another over the same connection', async () => {
    const streamName = await createStream(local.client, 2);
    pointAt(proxy.url);
    const before = proxy.connections;
    const producer = new KinesisProducer({ streamName, lingerMs: 1 });
    // Each put settles before the next is made: a ListShards, then 20 PutRecords one by one.
    for (let i = 0; i < 20; i++) {
      await producer.put({ partitionKey: `key-${i}`, data: text(`event-${i}`) });
    }
    await producer.close();
    const stored = await readStream(local.client, streamName);
    expect(stored.map((record) => record.partitionKey).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `key-${i}`).sort(),
    );
    // The SDK's default for Kinesis would have opened a connection per call: 21.
    expect(proxy.connections - before).toBe(1);
  });
});

describe('createKeepAliveKinesisClient', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const proxy = useConnectionCounter(() => local.kinesis.endpoint);

  it('takes the given configuration, keeps its connection and leaves retries to the caller', async () => {
    const streamName = await createStream(local.client, 3);
    const client = createKeepAliveKinesisClient({
      endpoint: proxy.url,
      region: 'eu-west-1',
      credentials,
    });
    const before = proxy.connections;
    try {
      for (let i = 0; i < 10; i++) {
        const { Shards = [] } = await client.send(
          new ListShardsCommand({ StreamName: streamName }),
        );
        expect(Shards).toHaveLength(3);
      }
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(1);
    } finally {
      client.destroy();
    }
    expect(proxy.connections - before).toBe(1);
  });

  it('keeps a maxAttempts that is given', async () => {
    const client = createKeepAliveKinesisClient({ region: 'eu-west-1', maxAttempts: 4 });
    try {
      expect(await client.config.maxAttempts()).toBe(4);
    } finally {
      client.destroy();
    }
  });
});
