import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import {
  useConnectionCounter,
  useStandardConfiguration,
} from '../../../tools/testing/connection-counter.js';
import { defaultClient } from '../src/default-client.js';
import type { KinesisConsumerOptions } from '../src/index.js';
import { startCollecting, testOptions, text } from './support/consume.js';
import { createStream, encode, putPlain, useLocalKinesis, waitFor } from './support/local.js';

describe('the client a polling KinesisConsumer builds', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const proxy = useConnectionCounter(() => local.kinesis.endpoint);
  const pointAt = useStandardConfiguration();

  it('reads call after call over the connections it keeps open', async () => {
    const streamName = await createStream(local.client, 1);
    pointAt(proxy.url);
    const before = proxy.connections;
    const { client: _, ...options } = testOptions('polling', local.client, streamName);
    const run = startCollecting(options as KinesisConsumerOptions);
    try {
      // Five rounds, each read by later GetRecords calls than the one before.
      for (let round = 0; round < 5; round++) {
        const values = Array.from({ length: 5 }, (_, i) => `round-${round}-${i}`);
        await putPlain(
          local.client,
          streamName,
          values.map((value) => ({ partitionKey: value, data: encode(value) })),
        );
        await waitFor(() => run.records.length >= 5 * (round + 1), `round ${round}`);
      }
    } finally {
      await run.consumer.stop();
      await run.done;
    }
    expect(run.records.map(text)).toEqual(
      [0, 1, 2, 3, 4].flatMap((round) => [0, 1, 2, 3, 4].map((i) => `round-${round}-${i}`)),
    );
    // ListShards, GetShardIterator and at least five GetRecords: with the SDK's default for
    // Kinesis, a connection each. Shard discovery may run beside a read: two at most.
    expect(proxy.connections - before).toBeLessThanOrEqual(2);
  });

  it('polls over HTTP/1.1 that gives up on a silent connection, and leaves fan-out on HTTP/2', async () => {
    pointAt(local.kinesis.endpoint);
    const polling = defaultClient('polling');
    const fanOut = defaultClient('fan-out');
    try {
      const handler = polling.config.requestHandler as NodeHttpHandler;
      expect(handler.metadata.handlerProtocol).toBe('http/1.1');
      // The handler settles its configuration on its first call: what that call used.
      await polling.send(new ListStreamsCommand({}));
      expect(handler.httpHandlerConfigs()).toMatchObject({
        connectionTimeout: 5_000,
        socketTimeout: 60_000,
      });
      expect(
        (fanOut.config.requestHandler as { metadata: { handlerProtocol: string } }).metadata
          .handlerProtocol,
      ).toBe('h2');
      expect(await polling.config.maxAttempts()).toBe(1);
      expect(await fanOut.config.maxAttempts()).toBe(1);
    } finally {
      polling.destroy();
      fanOut.destroy();
    }
  });
});
