import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createIngestGateway, IngestGatewayError } from '../src/index.js';
import { postJson, visit } from './support/http.js';
import { createStream, readStream, useLocalKinesis, visitsOf } from './support/local.js';

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('graceful shutdown', () => {
  const local = useLocalKinesis();

  it('delivers every accepted visit on close, without waiting for lingerMs', async () => {
    const streamName = await createStream(local.client, 2);
    const gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      // Nothing would be sent for a minute unless close() flushes.
      producerOptions: { lingerMs: 60_000 },
    });
    const posted = Array.from({ length: 25 }, () => visit());
    for (let i = 0; i < posted.length; i += 5) {
      expect((await postJson(gateway.url, posted.slice(i, i + 5))).status).toBe(202);
    }
    expect(gateway.metrics().visits.pending).toBe(25);
    const started = Date.now();
    await gateway.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(gateway.metrics().visits).toMatchObject({ accepted: 25, stored: 25, pending: 0 });
    const stored = visitsOf(await readStream(local.client, streamName));
    expect(stored.map((v) => v.visitId).sort()).toEqual(posted.map((v) => v.visitId).sort());
  });

  it('finishes a request in flight, refuses new connections, then flushes it', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      producerOptions: { lingerMs: 60_000 },
    });
    const posted = visit();
    const body = Buffer.from(JSON.stringify(posted));
    let closing: Promise<void> | undefined;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const call = request(
        `${gateway.url}/v1/visits`,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      call.on('error', reject);
      call.write(body.subarray(0, 10));
      // The rest is sent once the gateway is closing (below).
      until(() => closing !== undefined).then(() => call.end(body.subarray(10)), reject);
    });
    await until(() => gateway.metrics().requests.total === 1);
    closing = gateway.close();
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    const { status, text } = await answer;
    expect(status).toBe(202);
    expect(JSON.parse(text)).toEqual({ accepted: 1 });
    await closing;
    expect(visitsOf(await readStream(local.client, streamName))).toEqual([posted]);
  });

  it('refuses to start on a port in use with ListenFailed, and close() is idempotent', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway = await createIngestGateway({ streamName, client: local.client, port: 0 });
    const clash = createIngestGateway({ streamName, client: local.client, port: gateway.port });
    await expect(clash).rejects.toBeInstanceOf(IngestGatewayError);
    await expect(clash).rejects.toMatchObject({ code: 'ListenFailed', retriable: false });
    const first = gateway.close();
    expect(gateway.close()).toBe(first);
    await first;
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
  });
});
