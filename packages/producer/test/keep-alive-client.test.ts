import {
  type KinesisClientConfig,
  ListShardsCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import {
  useConnectionCounter,
  useStandardConfiguration,
} from '../../../tools/testing/connection-counter.js';
import {
  createKeepAliveKinesisClient,
  KEEP_ALIVE_HANDLER_DEFAULTS,
  KinesisProducer,
} from '../src/index.js';
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
    try {
      // Each put settles before the next is made: a ListShards, then 20 PutRecords one by one.
      for (let i = 0; i < 20; i++) {
        await producer.put({ partitionKey: `key-${i}`, data: text(`event-${i}`) });
      }
    } finally {
      await producer.close();
    }
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

  it('keeps a maxAttempts that is given, and only one that is', async () => {
    const four = createKeepAliveKinesisClient({ region: 'eu-west-1', maxAttempts: 4 });
    const unset = createKeepAliveKinesisClient({
      region: 'eu-west-1',
      maxAttempts: undefined,
    } as unknown as KinesisClientConfig); // as a JavaScript caller may
    try {
      expect(await four.config.maxAttempts()).toBe(4);
      expect(await unset.config.maxAttempts()).toBe(1);
    } finally {
      four.destroy();
      unset.destroy();
    }
  });

  it('uses a given handler as it is, and takes handler options as options of HTTP/1.1', async () => {
    const handler = new NodeHttpHandler();
    const given = createKeepAliveKinesisClient({ region: 'eu-west-1', requestHandler: handler });
    const at = { endpoint: local.kinesis.endpoint, region: 'eu-west-1', credentials };
    const tuned = createKeepAliveKinesisClient({ ...at, requestHandler: { socketTimeout: 1_234 } });
    const plain = createKeepAliveKinesisClient(at);
    try {
      expect(given.config.requestHandler).toBe(handler);
      for (const [client, socketTimeout] of [
        [tuned, 1_234],
        [plain, KEEP_ALIVE_HANDLER_DEFAULTS.socketTimeout],
      ] as const) {
        const built = client.config.requestHandler as NodeHttpHandler;
        expect(built.metadata.handlerProtocol).toBe('http/1.1');
        // The handler settles its configuration on its first call: what that call used.
        await client.send(new ListStreamsCommand({}));
        const config = built.httpHandlerConfigs();
        expect(config).toMatchObject({
          socketTimeout,
          connectionTimeout: KEEP_ALIVE_HANDLER_DEFAULTS.connectionTimeout,
        });
      }
    } finally {
      for (const client of [given, tuned, plain]) client.destroy();
    }
  });
});
