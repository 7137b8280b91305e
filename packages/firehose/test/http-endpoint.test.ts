import { gunzipSync } from 'node:zlib';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { requestBody, splitRequests } from '../src/destinations/http/request-body.js';
import { listKeys, readErrorLines } from './support/files.js';
import { conforming, type Responder } from './support/http-server.js';
import { httpStream } from './support/streams.js';

const isBackoff = (delay: number) => delay <= 2 * 60_000 * 1.15;

describe('httpEndpoint', () => {
  it('POSTs the spec request with every header and base64 records', async () => {
    const { endpoint, clock, stream } = await httpStream({
      accessKey: 'secret-key',
      commonAttributes: { env: 'test', team: 'data' },
    });
    await stream.putBatch(['hello', Buffer.from([0, 1, 2])]);
    await stream.flush();
    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/ingest?key=1');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-amz-firehose-protocol-version': '1.0',
      'x-amz-firehose-request-id': request?.body.requestId,
      'x-amz-firehose-source-arn': 'arn:aws:firehose:us-east-1:000000000000:deliverystream/to-http',
      'x-amz-firehose-access-key': 'secret-key',
      'x-amz-firehose-common-attributes': '{"commonAttributes":{"env":"test","team":"data"}}',
      'content-length': String(request?.rawBody.byteLength),
    });
    expect(request?.headers['content-encoding']).toBeUndefined();
    expect(request?.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(request?.body.timestamp).toBe(clock.now());
    expect(request?.body.records).toEqual([{ data: 'aGVsbG8=' }, { data: 'AAEC' }]);
    expect(stream.metrics().recordsDelivered).toBe(2);
  });

  it('gzips the body and says so when compression is GZIP', async () => {
    const { endpoint, stream } = await httpStream({ compression: 'GZIP' });
    await stream.put('zipped');
    await stream.flush();
    const [request] = endpoint.received;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(request?.rawBody ?? Buffer.alloc(0)).toString()).records).toEqual([
      { data: Buffer.from('zipped').toString('base64') },
    ]);
  });

  it('retries a 500 with backoff and jitter, keeping the request id', async () => {
    const { endpoint, clock, stream } = await httpStream();
    endpoint.respond((_, response) => {
      response.writeHead(500);
      response.end('oops');
    });
    await stream.put('x');
    const flushing = stream.flush();
    const delay = await clock.waitForTimer(isBackoff);
    expect(delay).toBeGreaterThanOrEqual(850);
    expect(delay).toBeLessThanOrEqual(1150);
    clock.advance(delay);
    await flushing;
    expect(endpoint.received).toHaveLength(2);
    const [first, second] = endpoint.received;
    expect(second?.headers['x-amz-firehose-request-id']).toBe(
      first?.headers['x-amz-firehose-request-id'],
    );
    expect(second?.body.requestId).toBe(first?.body.requestId);
    expect(stream.metrics().recordsDelivered).toBe(1);
    expect(stream.metrics().deliveryLatencyMs).toEqual({
      count: 1,
      p50: delay,
      p90: delay,
      p99: delay,
      max: delay,
    });
  });

  it('counts a non-conforming 200 as failure and sends the records to the error output after the retry duration', async () => {
    const { endpoint, root, clock, stream } = await httpStream({ retryDurationSeconds: 2 });
    endpoint.setFallback((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ requestId: 'someone-else', timestamp: 1 }));
    });
    await stream.put('lost?');
    const flushing = stream.flush();
    clock.advance(await clock.waitForTimer(isBackoff));
    await endpoint.waitForRequests(2);
    await flushing;
    expect(endpoint.received).toHaveLength(2);
    const keys = listKeys(root);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^http-endpoint-failed\/2024\/01\/02\/03\/to-http-1-/);
    const [line] = readErrorLines(root, keys[0] as string);
    expect(line).toMatchObject({
      attemptsMade: 2,
      errorCode: 'HttpEndpoint.InvalidResponseFromDestination',
      rawData: Buffer.from('lost?').toString('base64'),
    });
    expect(String(line?.errorMessage)).toMatch(/requestId someone-else does not match/);
    expect(stream.metrics()).toMatchObject({ recordsFailed: 1, recordsDelivered: 0 });
  });

  it('treats 413 as permanent: no retry, straight to the error output', async () => {
    const { endpoint, root, stream } = await httpStream();
    endpoint.respond((request, response) => {
      response.writeHead(413, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ requestId: request.body.requestId, errorMessage: 'big' }));
    });
    await stream.put('big');
    await stream.flush();
    expect(endpoint.received).toHaveLength(1);
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ attemptsMade: 1, errorCode: 'HttpEndpoint.DestinationException' });
    expect(String(line?.errorMessage)).toMatch(/^the endpoint answered 413/);
  });

  it('times out a request that gets no answer', async () => {
    const { endpoint, root, clock, stream } = await httpStream({
      responseTimeoutMs: 5000,
      retryDurationSeconds: 0,
    });
    endpoint.respond(() => {});
    await stream.put('slow');
    const flushing = stream.flush();
    await endpoint.waitForRequests(1);
    clock.advance(await clock.waitForTimer((delay) => delay === 5000));
    await flushing;
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ attemptsMade: 1, errorCode: 'HttpEndpoint.RequestTimeout' });
  });

  it('delivers after a timeout when the retry succeeds', async () => {
    const { endpoint, clock, stream } = await httpStream({ responseTimeoutMs: 5000 });
    endpoint.respond(() => {}, conforming);
    await stream.put('eventually');
    const flushing = stream.flush();
    await endpoint.waitForRequests(1);
    clock.advance(await clock.waitForTimer((delay) => delay === 5000));
    clock.advance(await clock.waitForTimer((delay) => delay < 5000));
    await flushing;
    expect(endpoint.received).toHaveLength(2);
    expect(stream.metrics().recordsDelivered).toBe(1);
  });

  it('emits records_delivered once per request with that request’s count, splitting at 10,000', async () => {
    const { endpoint, stream } = await httpStream();
    const counts: number[] = [];
    stream.on('records_delivered', (event) => counts.push(event.records));
    for (let i = 0; i < 25_000; i += 500) {
      await stream.putBatch(Array.from({ length: 500 }, (_, j) => String(i + j)));
    }
    await stream.flush();
    expect(endpoint.received.map((request) => request.body.records.length)).toEqual([
      10_000, 10_000, 5000,
    ]);
    expect(counts).toEqual([10_000, 10_000, 5000]);
    expect(stream.metrics().recordsDelivered).toBe(25_000);
  });

  it('counts only the accepted requests when one request of a batch fails', async () => {
    const { endpoint, root, stream } = await httpStream();
    const tooLarge: Responder = (_, response) => {
      response.writeHead(413);
      response.end();
    };
    endpoint.respond(conforming, tooLarge, conforming);
    const counts: number[] = [];
    stream.on('records_delivered', (event) => counts.push(event.records));
    const put = new Set<string>();
    for (let i = 0; i < 25_000; i += 500) {
      const batch = Array.from({ length: 500 }, (_, j) => `r${i + j}`);
      for (const data of batch) put.add(data);
      await stream.putBatch(batch);
    }
    await stream.flush();
    expect(counts).toEqual([10_000, 5000]);
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 15_000, recordsFailed: 10_000 });
    // Nothing lost: what the endpoint accepted plus the error output's rawData is what was put.
    const accepted = [endpoint.received[0], endpoint.received[2]].flatMap((request) =>
      (request?.body.records ?? []).map((record) => Buffer.from(record.data, 'base64').toString()),
    );
    const failed = listKeys(root)
      .flatMap((key) => readErrorLines(root, key))
      .map((line) => Buffer.from(String(line.rawData), 'base64').toString());
    expect(failed).toHaveLength(10_000);
    expect(new Set([...accepted, ...failed])).toEqual(put);
    expect(accepted.length + failed.length).toBe(put.size);
  });

  it('splits requests so none passes 64 MiB of JSON', () => {
    const data = Buffer.alloc(FIREHOSE_LIMITS.maxRecordBytes);
    const records = Array.from({ length: 100 }, (_, i) => ({
      recordId: `r${i}`,
      data,
      arrivalMs: 1,
    }));
    const requests = splitRequests(records);
    expect(requests.map((request) => request.length)).toEqual([49, 49, 2]);
    const body = (batch: typeof records) =>
      Buffer.byteLength(
        JSON.stringify({
          requestId: '00000000-0000-0000-0000-000000000000',
          timestamp: Date.now(),
          records: batch.map((record) => ({ data: record.data.toString('base64') })),
        }),
      );
    expect(body(records.slice(0, 49))).toBeLessThanOrEqual(
      FIREHOSE_LIMITS.httpEndpointMaxRequestBytes,
    );
    expect(body(records.slice(0, 50))).toBeGreaterThan(FIREHOSE_LIMITS.httpEndpointMaxRequestBytes);
  });

  it('sends the same body bytes, built once, on every retry of a request', async () => {
    const { endpoint, clock, stream } = await httpStream({ compression: 'GZIP' });
    endpoint.respond((_, response) => {
      response.writeHead(503);
      response.end();
    });
    await stream.put('same');
    const flushing = stream.flush();
    await endpoint.waitForRequests(1);
    clock.advance(await clock.waitForTimer(isBackoff));
    await flushing;
    const [first, second] = endpoint.received;
    expect(second?.rawBody.equals(first?.rawBody ?? Buffer.alloc(0))).toBe(true);
    expect(stream.metrics().recordsDelivered).toBe(1);
  });

  it('reports where records went without the query string or credentials', async () => {
    const { endpoint, stream } = await httpStream();
    const locations: string[] = [];
    stream.on('records_delivered', (event) => locations.push(event.location));
    await stream.put('x');
    await stream.flush();
    expect(endpoint.url).toMatch(/\?key=1$/);
    expect(locations).toEqual([endpoint.url.replace(/\?.*$/, '')]);
  });

  it('sends no request once close was aborted: its records were never attempted', async () => {
    const { endpoint, root, stream } = await httpStream();
    await stream.put('never sent');
    await expect(stream.close({ signal: AbortSignal.abort(new Error('now')) })).rejects.toThrow(
      'now',
    );
    await stream.onIdle();
    expect(endpoint.received).toHaveLength(0);
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ attemptsMade: 0, errorCode: 'HttpEndpoint.Aborted' });
  });

  it('writes the body exactly as JSON.stringify would', () => {
    const records = [Buffer.from('hello'), Buffer.from([0, 1, 2]), Buffer.alloc(0)].map(
      (data, i) => ({ recordId: `r${i}`, data, arrivalMs: 1 }),
    );
    const expected = (batch: typeof records) =>
      JSON.stringify({
        requestId: 'id',
        timestamp: 42,
        records: batch.map((record) => ({ data: record.data.toString('base64') })),
      });
    expect(requestBody('id', 42, records).toString()).toBe(expected(records));
    expect(requestBody('id', 42, []).toString()).toBe(expected([]));
  });
});
