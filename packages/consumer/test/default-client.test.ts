import { describe, expect, it } from 'vitest';
import {
  useConnectionCounter,
  useStandardConfiguration,
} from '../../../tools/testing/connection-counter.js';
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
    await run.consumer.stop();
    await run.done;
    expect(run.records.map(text)).toEqual(
      [0, 1, 2, 3, 4].flatMap((round) => [0, 1, 2, 3, 4].map((i) => `round-${round}-${i}`)),
    );
    // ListShards, GetShardIterator and at least five GetRecords: with the SDK's default for
    // Kinesis, a connection each. Shard discovery may run beside a read: two at most.
    expect(proxy.connections - before).toBeLessThanOrEqual(2);
  });
});
