import { KinesisProducer } from '@kinesis-kit/producer';
import { describe, expect, it } from 'vitest';
import { createIngestGateway, type IngestGateway } from '../src/index.js';
import { postJson, visit } from './support/http.js';
import { createStream, readStream, useLocalKinesis, visitsOf } from './support/local.js';

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('back-pressure', () => {
  // Every PutRecords takes 400 ms to answer: the producer's buffer fills faster than it drains.
  const local = useLocalKinesis({
    limits: 'off',
    faults: { seed: 1, rules: [{ operations: ['PutRecords'], latencyMs: 400 }] },
  });

  it('answers 503 with Retry-After when the buffer is full, holds no more than it, and loses nothing it accepted', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway: IngestGateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      maxBufferedRecords: 20,
      maxVisitsPerRequest: 10,
      retryAfterSeconds: 2,
      producerOptions: { lingerMs: 0, maxInFlightRequests: 1 },
    });
    const batches = Array.from({ length: 6 }, () => Array.from({ length: 10 }, () => visit()));
    const accepted: Record<string, unknown>[] = [];
    let refusals = 0;
    let mostBuffered = 0;
    for (const batch of batches) {
      for (;;) {
        const answer = await postJson(gateway.url, batch);
        mostBuffered = Math.max(mostBuffered, gateway.producer.metrics().bufferedRecords);
        if (answer.status === 202) {
          accepted.push(...batch);
          break;
        }
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('2');
        expect(answer.body).toMatchObject({ error: 'Overloaded', retriable: true });
        if (refusals === 0) {
          // The first PutRecords is still 400 ms from its answer: not ready for more.
          const ready = await fetch(`${gateway.url}/readyz`);
          expect([ready.status, ready.headers.get('retry-after')]).toEqual([503, '2']);
        }
        refusals++;
        // Instead of sleeping Retry-After: wait for room, as a client would learn by retrying.
        await until(() => gateway.metrics().visits.pending + batch.length <= 20);
      }
    }
    // Two batches fill the buffer and each PutRecords takes 400 ms: the third has to wait.
    expect(refusals).toBeGreaterThan(0);
    expect(mostBuffered).toBeLessThanOrEqual(20);
    await gateway.close();
    const stored = visitsOf(await readStream(local.client, streamName));
    expect(stored).toHaveLength(accepted.length);
    expect(new Set(stored.map((v) => v.visitId))).toEqual(new Set(accepted.map((v) => v.visitId)));
    expect(gateway.metrics().requests.byStatus['503']).toBe(refusals + 1);
  });

  it('never leaves a put waiting on a shared producer whose buffer is smaller than the gateway thinks', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      maxBufferedRecords: 5,
      lingerMs: 0,
    });
    const gateway = await createIngestGateway({
      producer,
      port: 0,
      maxBufferedRecords: 100,
      maxVisitsPerRequest: 10,
    });
    const first = [visit(), visit(), visit(), visit()];
    const second = [visit(), visit(), visit(), visit()];
    expect((await postJson(gateway.url, first)).status).toBe(202);
    // Only one of these fits: the batch is taken back whole, at once.
    const refused = await postJson(gateway.url, second);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    await gateway.close();
    // The gateway only flushes a producer it did not build.
    expect(producer.metrics().bufferedRecords).toBe(0);
    await producer.close();
    const stored = visitsOf(await readStream(local.client, streamName));
    expect(stored.map((v) => v.visitId).sort()).toEqual(first.map((v) => v.visitId).sort());
    expect(gateway.metrics().visits).toMatchObject({ accepted: 4, stored: 4, failed: 0 });
  });

  it('answers 503 (retriable) when the shared producer was closed by its owner, and counts nothing', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client });
    const gateway = await createIngestGateway({ producer, port: 0 });
    expect((await postJson(gateway.url, [visit()])).status).toBe(202);
    await producer.close();
    const refused = await postJson(gateway.url, [visit(), visit()]);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'Overloaded', retriable: true });
    expect(refused.headers.get('retry-after')).toBe('1');
    await gateway.close();
    expect(gateway.metrics().visits).toMatchObject({
      accepted: 1,
      stored: 1,
      failed: 0,
      pending: 0,
    });
  });
});
