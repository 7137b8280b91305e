#!/usr/bin/env node
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { consoleLogger as logger } from '@kinesis-kit/records';
import { type CliSettings, parseCliArgs, USAGE, UsageError } from './cli-args.js';
import { createIngestGateway } from './gateway.js';

/** How long `--create-stream` waits for the stream to become ACTIVE on AWS. */
const STREAM_ACTIVE_TIMEOUT_MS = 5 * 60_000;

async function main(): Promise<void> {
  let settings: CliSettings | undefined;
  try {
    settings = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  let client: KinesisClient;
  if (settings.aws) {
    // The standard configuration: credential chain, AWS_REGION, AWS_ENDPOINT_URL_KINESIS.
    client = new KinesisClient({ maxAttempts: 1 });
    cleanups.push(() => client.destroy());
    if (settings.createStreamShards !== undefined) {
      await createStream(client, settings.stream, settings.createStreamShards);
    }
  } else {
    // Only the no-AWS mode needs the local endpoint: load it on demand.
    const { startLocalKinesis } = await import('@kinesis-kit/local');
    const kinesis = await startLocalKinesis({
      streams: [{ name: settings.stream, shardCount: settings.createStreamShards ?? 1 }],
    });
    cleanups.push(() => kinesis.close());
    console.log(`local Kinesis endpoint at ${kinesis.endpoint} (AWS_ENDPOINT_URL_KINESIS)`);
    client = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    cleanups.unshift(() => client.destroy());
  }
  const gateway = await createIngestGateway({
    streamName: settings.stream,
    client,
    host: settings.host,
    port: settings.port,
    bodyLimitBytes: settings.bodyLimitBytes,
    logger,
  });
  console.log(`stream ${settings.stream}; POST visits to ${gateway.url}/v1/visits`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: finishing requests and flushing the producer`);
    gateway
      .close()
      .then(async () => {
        for (const cleanup of cleanups) await cleanup();
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function createStream(client: KinesisClient, streamName: string, shards: number) {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
    console.log(`creating stream ${streamName} with ${shards} shards`);
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  const deadline = Date.now() + STREAM_ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    const status = StreamDescriptionSummary?.StreamStatus;
    if (status === 'ACTIVE' || status === 'UPDATING') return;
    if (Date.now() > deadline) {
      throw new Error(
        `stream ${streamName} is still ${status} after ${STREAM_ACTIVE_TIMEOUT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
