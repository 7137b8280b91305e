#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runCli } from '@kinesis-kit/ingest-gateway';
import { KinesisKitError, consoleLogger as logger } from '@kinesis-kit/records';
import { type CliSettings, parseCliArgs, USAGE } from './cli-args.js';
import { startVisitorDemo } from './demo.js';
import { formatSummary } from './summary.js';

async function main(settings: CliSettings): Promise<void> {
  // dist/cli.js → the app's own folder, whatever the working directory.
  const dataDir = settings.dataDir ?? fileURLToPath(new URL('../.data/', import.meta.url));
  const demo = await startVisitorDemo({
    dataDir,
    streamName: settings.streamName,
    shardCount: settings.shardCount,
    kinesis: settings.aws ? 'aws' : 'local',
    createStream: settings.createStream,
    host: settings.host,
    port: settings.port,
    gatewayPort: settings.gatewayPort,
    simulator: settings.simulator,
    ratePerSec: settings.ratePerSec,
    urlCount: settings.urlCount,
    alertThreshold: settings.alertThreshold,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.durationSeconds === undefined
      ? {}
      : { durationMs: settings.durationSeconds * 1000 }),
    logger,
  });
  console.log(
    [
      '',
      `visitor demo running: stream ${demo.streamName} on ${demo.mode === 'local' ? `the local endpoint ${demo.kinesisEndpoint}` : 'AWS'}`,
      settings.simulator
        ? `  simulator: ${settings.ratePerSec} visits/s to ${settings.urlCount} URLs`
        : '  simulator: off',
      `  alarm:     a URL with more than ${settings.alertThreshold} visits in a 10 s window (SQL, on the dashboard)`,
      `  gateway:   POST ${demo.gatewayUrl}/v1/visits`,
      `  dashboard: ${demo.dashboardUrl}`,
      `  data:      ${dataDir}`,
      settings.durationSeconds === undefined
        ? 'Ctrl-C stops it and prints the reconciliation.'
        : `stopping after ${settings.durationSeconds} s (or Ctrl-C).`,
      '',
    ].join('\n'),
  );
  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    console.log(`\n${signal}: stopping cleanly (Ctrl-C again to exit at once)`);
    demo.stop().catch(() => {});
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const summary = await demo.finished;
  console.log(`\n${formatSummary(summary)}`);
  const exact =
    summary.missing === 0 && summary.duplicates === 0 && summary.consumerError === undefined;
  process.exit(exact ? 0 : 1);
}

/** Ours (KinesisKitError) with a message that says what to do: no stack trace. */
function describe(error: unknown): string {
  if (error instanceof KinesisKitError) {
    const hint =
      error.code === 'ListenFailed' ? ' (pick other ports with --port / --gateway-port)' : '';
    return `${error.name}: ${error.message}${hint}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

runCli({ usage: USAGE, parse: parseCliArgs, main, describe });
