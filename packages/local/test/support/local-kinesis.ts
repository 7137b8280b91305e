import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll } from 'vitest';
import { type LocalKinesis, type LocalKinesisOptions, startLocalKinesis } from '../../src/index.js';

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An SDK v3 client for the endpoint: its default handler (HTTP/2) or NodeHttpHandler (HTTP/1.1). */
export function clientFor(endpoint: string, handler: 'http2' | 'http1' = 'http2'): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    ...(handler === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

/** Starts an endpoint for the tests of a file and stops it after them. */
export function useLocalKinesis(options: LocalKinesisOptions = {}) {
  const context = {} as { kinesis: LocalKinesis; client: KinesisClient; http1: KinesisClient };
  beforeAll(async () => {
    context.kinesis = await startLocalKinesis(options);
    context.client = clientFor(context.kinesis.endpoint, 'http2');
    context.http1 = clientFor(context.kinesis.endpoint, 'http1');
  });
  afterAll(async () => {
    context.client?.destroy();
    context.http1?.destroy();
    await context.kinesis?.close();
  });
  return context;
}

let streamCounter = 0;
/** A fresh stream name per test. */
export function uniqueStreamName(prefix = 'stream'): string {
  streamCounter += 1;
  return `${prefix}-${process.pid}-${streamCounter}`;
}
