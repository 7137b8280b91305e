import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { type LocalKinesis, type LocalKinesisOptions, startLocalKinesis } from '@kinesis-kit/local';
import { afterAll, beforeAll } from 'vitest';

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** Starts a local endpoint for a test file. */
export function useLocalKinesis(options: LocalKinesisOptions = {}) {
  const context = {} as { kinesis: LocalKinesis; client: KinesisClient };
  beforeAll(async () => {
    context.kinesis = await startLocalKinesis(options);
    context.client = kinesisClient(context.kinesis.endpoint);
  });
  afterAll(async () => {
    context.client?.destroy();
    await context.kinesis?.close();
  });
  return context;
}

let counter = 0;
export async function createStream(client: KinesisClient, shardCount: number): Promise<string> {
  counter += 1;
  const name = `producer-${process.pid}-${counter}`;
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return name;
}
