import { RecordDeliveryError } from '@kinesis-kit/producer';
import { describe, expect, it } from 'vitest';
import {
  createIngestGateway,
  type IngestGatewayEvents,
  type IngestGatewayMetrics,
} from '../src/index.js';
import { ndjson, post, postJson, visit } from './support/http.js';
import { createStream, readStream, useLocalKinesis, visitsOf } from './support/local.js';

describe('POST /v1/visits delivers what it accepts', () => {
  const local = useLocalKinesis();

  it('answers 202 with the count, and the stream then holds exactly the visits posted, keyed by URL', async () => {
    const streamName = await createStream(local.client, 4);
    const gateway = await createIngestGateway({ streamName, client: local.client, port: 0 });
    const posted = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? visit({ referrer: undefined, country: undefined, timestamp: 1764121200000 + i })
        : visit(),
    );
    const first = await postJson(gateway.url, posted.slice(0, 30));
    const second = await post(gateway.url, ndjson(posted.slice(30)), {
      contentType: 'application/x-ndjson',
    });
    const single = visit();
    const third = await postJson(gateway.url, single);
    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect([first.body, second.body, third.body]).toEqual([
      { accepted: 30 },
      { accepted: 10 },
      { accepted: 1 },
    ]);
    await gateway.close();

    const stored = await readStream(local.client, streamName);
    const all = [...posted, single];
    expect(visitsOf(stored)).toHaveLength(all.length);
    expect(new Set(visitsOf(stored).map((v) => JSON.stringify(v)))).toEqual(
      new Set(all.map((v) => JSON.stringify(v))),
    );
    for (const record of stored) {
      const data = JSON.parse(new TextDecoder().decode(record.data));
      expect(record.partitionKey).toBe(data.url);
    }
    // One URL, one shard, in the order posted.
    for (const url of new Set(all.map((v) => v.url))) {
      const ofUrl = stored.filter((record) => record.partitionKey === url);
      expect(new Set(ofUrl.map((record) => record.shardId)).size).toBe(1);
      expect(visitsOf(ofUrl).map((v) => v.visitId)).toEqual(
        all.filter((v) => v.url === url).map((v) => v.visitId),
      );
    }
    expect(gateway.metrics().visits).toMatchObject({
      accepted: 41,
      stored: 41,
      failed: 0,
      pending: 0,
    });
  });

  it('answers 200 with ?wait=stored once stored, with sequence numbers GetRecords finds', async () => {
    const streamName = await createStream(local.client, 2);
    const gateway = await createIngestGateway({ streamName, client: local.client, port: 0 });
    const posted = Array.from({ length: 12 }, () => visit());
    const answer = await post(gateway.url, JSON.stringify(posted), {
      path: '/v1/visits?wait=stored',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.stored).toBe(12);
    expect(answer.body.results.map((r: { visitId: string }) => r.visitId)).toEqual(
      posted.map((v) => v.visitId),
    );
    const stored = await readStream(local.client, streamName);
    for (const [index, result] of answer.body.results.entries()) {
      expect(result.sequenceNumber).toMatch(/^\d{56}$/);
      const match = stored.find(
        (record) =>
          record.sequenceNumber === result.sequenceNumber &&
          record.subSequenceNumber === result.subSequenceNumber,
      );
      expect(match?.shardId).toBe(result.shardId);
      expect(visitsOf(match ? [match] : [])[0]).toEqual(posted[index]);
    }
    await gateway.close();
  });

  it('keys records with the partitionKey option', async () => {
    const streamName = await createStream(local.client, 2);
    const gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      partitionKey: (v) => v.visitorId,
    });
    const posted = [visit(), visit(), visit()];
    expect(
      (await post(gateway.url, JSON.stringify(posted), { path: '/v1/visits?wait=stored' })).status,
    ).toBe(200);
    await gateway.close();
    const stored = await readStream(local.client, streamName);
    expect(stored.map((record) => record.partitionKey).sort()).toEqual(
      posted.map((v) => v.visitorId).sort(),
    );
  });

  it('answers 502 naming the failure when ?wait=stored visits cannot be stored', async () => {
    const gateway = await createIngestGateway({
      streamName: 'no-such-stream',
      client: local.client,
      port: 0,
    });
    const answer = await post(gateway.url, JSON.stringify([visit(), visit()]), {
      path: '/v1/visits?wait=stored',
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: 'DeliveryFailed', retriable: false, stored: 0 });
    expect(answer.body.message).toMatch(
      /^2 of 2 visits could not be stored; visit visit-\d+: NonRetriable: .*ResourceNotFoundException/,
    );
    expect(answer.body.results[0].error).toMatchObject({ code: 'NonRetriable', retriable: false });
    await gateway.close();
  });

  it('reports accepted visits it could not store: event, log and metrics', async () => {
    const errors: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message: string) => errors.push(message),
    };
    const gateway = await createIngestGateway({
      streamName: 'no-such-stream',
      client: local.client,
      port: 0,
      logger,
    });
    const failed: IngestGatewayEvents['visit_failed'][] = [];
    gateway.on('visit_failed', (event) => failed.push(event));
    const posted = visit();
    expect((await postJson(gateway.url, posted)).status).toBe(202);
    await gateway.close();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.visit).toEqual(posted);
    expect(failed[0]?.error).toBeInstanceOf(RecordDeliveryError);
    expect(errors).toEqual([`visit ${posted.visitId} was accepted but not stored`]);
    expect(gateway.metrics().visits).toMatchObject({
      accepted: 1,
      stored: 0,
      failed: 1,
      pending: 0,
    });
  });

  it('serves /healthz, /readyz and /metrics as JSON', async () => {
    const streamName = await createStream(local.client, 1);
    const gateway = await createIngestGateway({ streamName, client: local.client, port: 0 });
    await postJson(gateway.url, [visit(), visit()]);
    await postJson(gateway.url, [visit({ url: 'nope' })]);
    const health = await fetch(`${gateway.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    await gateway.producer.flush();
    const metrics = (await (await fetch(`${gateway.url}/metrics`)).json()) as IngestGatewayMetrics;
    expect(metrics.requests.byStatus).toEqual({ '202': 1, '400': 1, '200': 2 });
    expect(metrics.visits).toMatchObject({ accepted: 2, stored: 2, failed: 0 });
    expect(metrics.producer).toMatchObject({ recordsDelivered: 2, bufferedRecords: 0 });
    await gateway.close();
  });
});
