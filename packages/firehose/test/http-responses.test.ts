import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { post } from '../src/destinations/http/post.js';
import { type HttpEndpointOptions, httpEndpoint, s3Directory } from '../src/index.js';
import { listKeys, readErrorLines } from './support/files.js';
import type { Responder } from './support/http-server.js';
import { ManualClock } from './support/manual-clock.js';
import { httpStream, managedStream, scratchDir } from './support/streams.js';

describe('httpEndpoint responses and settings', () => {
  it('validates the access key and common attributes against the spec limits', async () => {
    const errorOutput = s3Directory({ root: '/tmp/unused' });
    expect(() =>
      httpEndpoint({ url: 'http://127.0.0.1:1', errorOutput, accessKey: 'k'.repeat(4097) }),
    ).toThrow('accessKey is 4097 bytes, over the limit of 4096');
    const longest = 'k'.repeat(FIREHOSE_LIMITS.httpEndpointMaxAccessKeyBytes);
    expect(() =>
      httpEndpoint({ url: 'http://127.0.0.1:1', errorOutput, accessKey: longest }),
    ).not.toThrow();
    const commonAttributes = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']),
    );
    expect(() =>
      httpEndpoint({ url: 'http://127.0.0.1:1', errorOutput, commonAttributes }),
    ).toThrow('commonAttributes has 51 entries, over the limit of 50');
  });

  const answer =
    (status: number, body: string): Responder =>
    (_, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(body);
    };
  const echo =
    (extra: (requestId: string) => Record<string, unknown>): Responder =>
    (request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(extra(request.body.requestId)));
    };

  it.each([
    [
      'invalid JSON',
      answer(200, '{nope'),
      'HttpEndpoint.InvalidResponseFromDestination',
      /not JSON/,
    ],
    [
      'a missing timestamp',
      echo((requestId) => ({ requestId })),
      'HttpEndpoint.InvalidResponseFromDestination',
      /no numeric timestamp/,
    ],
    [
      'a non-numeric timestamp',
      echo((requestId) => ({ requestId, timestamp: '1700000000000' })),
      'HttpEndpoint.InvalidResponseFromDestination',
      /no numeric timestamp/,
    ],
    [
      'a body over 1 MiB',
      echo((requestId) => ({ requestId, timestamp: 1, padding: 'x'.repeat(1024 * 1024) })),
      'HttpEndpoint.ResponseTooLarge',
      /over 1048576 bytes/,
    ],
    ['a 201', answer(201, ''), 'HttpEndpoint.DestinationException', /answered 201/],
    ['a 204', answer(204, ''), 'HttpEndpoint.DestinationException', /answered 204/],
  ] as const)('fails a delivery answered with %s', async (_, responder, errorCode, message) => {
    const { endpoint, root, stream } = await httpStream({ retryDurationSeconds: 0 });
    endpoint.respond(responder);
    await stream.put('data');
    await stream.flush();
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ attemptsMade: 1, errorCode });
    expect(String(line?.errorMessage)).toMatch(message);
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 0, recordsFailed: 1 });
  });

  it('fails a delivery whose connection is refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const root = scratchDir();
    const { stream } = managedStream({
      destination: httpEndpoint({
        url: `http://127.0.0.1:${port}/`,
        retryDurationSeconds: 0,
        errorOutput: s3Directory({ root: root }),
      }),
    });
    await stream.put('nobody home');
    await stream.close();
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ errorCode: 'HttpEndpoint.ConnectionFailed' });
    expect(String(line?.errorMessage)).toMatch(/ECONNREFUSED/);
  });

  it('sends no access key or common attributes headers when none are configured', async () => {
    const { endpoint, stream } = await httpStream();
    await stream.put('plain');
    await stream.flush();
    const headers = endpoint.received[0]?.headers ?? {};
    expect(headers['x-amz-firehose-request-id']).toBeDefined();
    expect(headers['x-amz-firehose-access-key']).toBeUndefined();
    expect(headers['x-amz-firehose-common-attributes']).toBeUndefined();
  });

  it('refuses header values HTTP cannot carry at construction, naming the value and the rule', () => {
    const errorOutput = s3Directory({ root: '/tmp/unused' });
    const build = (options: Partial<HttpEndpointOptions>) => () =>
      httpEndpoint({ url: 'http://127.0.0.1:1', errorOutput, ...options });
    expect(build({ commonAttributes: { city: '東京' } })).toThrow(InvalidArgumentError);
    expect(build({ commonAttributes: { city: '東京' } })).toThrow(
      'commonAttributes.city is "東京": HTTP header values must be printable ASCII (0x20-0x7E), found U+6771',
    );
    // The access key is a secret: it is never repeated in the message.
    const secret = build({ accessKey: 'top-secret\nkey' });
    expect(secret).toThrow(
      'accessKey is 14 characters (not shown): HTTP header values must be printable ASCII (0x20-0x7E), found U+000A',
    );
    expect(build({ commonAttributes: { naïve: 'v' } })).toThrow(/commonAttributes name "naïve"/);
  });

  it('sends records that fail unexpectedly to its own error output type with a documented code', async () => {
    const root = scratchDir();
    const endpoint = httpEndpoint({
      url: 'http://127.0.0.1:1',
      errorOutput: s3Directory({ root: root }),
    });
    const { stream } = managedStream({
      destination: { ...endpoint, deliver: async () => Promise.reject(new Error('a bug')) },
    });
    await stream.put('x');
    await stream.close();
    const keys = listKeys(root);
    expect(keys[0]).toMatch(/^http-endpoint-failed\//);
    expect(readErrorLines(root, keys[0] as string)[0]).toMatchObject({
      errorCode: 'HttpEndpoint.DeliveryFailed',
      errorMessage: 'a bug',
    });
  });

  it('clears the response timer when the request cannot even be sent', async () => {
    const clock = new ManualClock();
    const outcome = await post(
      new URL('http://127.0.0.1:1/'),
      { 'X-Bad': '東京' },
      Buffer.from('{}'),
      180_000,
      clock,
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ kind: 'connection', message: expect.stringMatching(/X-Bad/) });
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('accepts a conforming response of exactly 1 MiB', async () => {
    const { endpoint, stream } = await httpStream({ retryDurationSeconds: 0 });
    endpoint.respond((request, response) => {
      const json = JSON.stringify({ requestId: request.body.requestId, timestamp: 1, pad: '' });
      const pad = 'x'.repeat(FIREHOSE_LIMITS.httpEndpointMaxResponseBytes - json.length);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ requestId: request.body.requestId, timestamp: 1, pad }));
    });
    await stream.put('data');
    await stream.flush();
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 1, recordsFailed: 0 });
  });
});
