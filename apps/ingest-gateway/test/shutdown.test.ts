import { request } from 'node:http';
import { connect } from 'node:net';
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

  it('answers a ?wait=stored request in flight when shutdown starts, once its visit is stored', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      // Without a flush at the start of the shutdown, the request would wait for lingerMs, the
      // server's close for the request, and the connection would be cut after this timeout.
      shutdownTimeoutMs: 3_000,
      producerOptions: { lingerMs: 60_000 },
    });
    const posted = visit();
    const answer = fetch(`${gateway.url}/v1/visits?wait=stored`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(posted),
    });
    await until(() => gateway.metrics().visits.pending === 1);
    const started = Date.now();
    const closing = gateway.close();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      stored: 1,
      results: [{ visitId: posted.visitId }],
    });
    await closing;
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(visitsOf(await readStream(local.client, streamName))).toEqual([posted]);
  });

  it('cuts a client that does not send its headers within headersTimeoutMs promptly', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      headersTimeoutMs: 300,
      requestTimeoutMs: 300,
    });
    try {
      const socket = connect(gateway.port, '127.0.0.1');
      const started = Date.now();
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => {});
      // Headers begun, never finished.
      socket.write('POST /v1/visits HTTP/1.1\r\nHost: x\r\n');
      await closed;
      // Node's default check runs every 30 s; the gateway asks for every second.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await gateway.close();
    }
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
