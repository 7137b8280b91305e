#!/usr/bin/env node
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKeepAliveKinesisClient } from '@kinesis-kit/producer';
import { consoleLogger as logger } from '@kinesis-kit/records';
import { type CliSettings, parseCliArgs, USAGE } from './cli-args.js';
import { ensureStream, runCli } from './cli-support.js';
import { createIngestGateway } from './gateway.js';

async function main(settings: CliSettings): Promise<void> {
  const cleanups: (() => Promise<void> | void)[] = [];
  let client: KinesisClient;
  if (settings.aws) {
    // The standard configuration: credential chain, AWS_REGION, AWS_ENDPOINT_URL_KINESIS; its
    // connections kept open from one call to the next.
    client = createKeepAliveKinesisClient();
    cleanups.push(() => client.destroy());
    if (settings.createStreamShards !== undefined) {
      await ensureStream(client, settings.stream, {
        createShards: settings.createStreamShards,
        logger,
      });
    }
  } else {
    // Only the no-AWS mode needs the local endpoint: load it on demand.
    const { startLocalKinesis } = await import('@kinesis-kit/local');
    const kinesis = await startLocalKinesis({
      streams: [{ name: settings.stream, shardCount: settings.createStreamShards ?? 1 }],
    });
    cleanups.push(() => kinesis.close());
    console.log(`local Kinesis endpoint at ${kinesis.endpoint} (AWS_ENDPOINT_URL_KINESIS)`);
    client = createKeepAliveKinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
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

runCli({ usage: USAGE, parse: parseCliArgs, main });
