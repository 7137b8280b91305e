#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULTS } from './defaults.js';
import type { LimitsProfileName } from './engine/limits-profile.js';
import { type FaultPlan, validateFaultPlan } from './faults/fault-plan.js';
import { startLocalKinesis } from './start-local-kinesis.js';

const USAGE = `Usage: kinesis-kit-local [options]

A local Amazon Kinesis Data Streams endpoint (HTTP/1.1 and HTTP/2 on one port).

Options:
  --port <n>                  port to listen on (default ${DEFAULTS.cliPort}; 0 picks a free one)
  --host <address>            address to bind (default ${DEFAULTS.host})
  --data-dir <dir>            keep streams and records in <dir> (default: in memory)
  --fsync <always|interval|never>
                              when durable writes are acknowledged (default ${DEFAULTS.fsync})
  --limits <aws|off>          enforce AWS per-shard throughput limits, or not (default ${DEFAULTS.limits})
  --create-stream <name:shards>
                              create a stream at start if missing (repeatable)
  --faults <json>             inject faults: a plan {"seed":n,"rules":[...]} (default: none)
  --faults-file <path>        inject faults: the plan in a JSON file
  --fault-seed <n>            the seed of the plan given by --faults or --faults-file
  --quiet                     print only the endpoint line
  --help                      show this help
`;

function fail(message: string): never {
  process.stderr.write(`kinesis-kit-local: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        fsync: { type: 'string' },
        limits: { type: 'string' },
        'create-stream': { type: 'string', multiple: true },
        faults: { type: 'string' },
        'faults-file': { type: 'string' },
        'fault-seed': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

function faultPlan(
  json: string | undefined,
  file: string | undefined,
  seed: string | undefined,
): FaultPlan | undefined {
  if (json !== undefined && file !== undefined) fail('give --faults or --faults-file, not both');
  if (json === undefined && file === undefined) {
    if (seed !== undefined) fail('--fault-seed needs --faults or --faults-file');
    return undefined;
  }
  const flag = json === undefined ? '--faults-file' : '--faults';
  let text = json;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      fail(`--faults-file cannot read ${file}: ${(error as Error).message}`);
    }
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text as string);
  } catch (error) {
    fail(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed)) fail(`--fault-seed must be a whole number, got ${seed}`);
    if (typeof plan === 'object' && plan !== null) plan = { ...plan, seed: Number(seed) };
  }
  try {
    return validateFaultPlan(plan);
  } catch (error) {
    return fail(`${flag}: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = args.port === undefined ? DEFAULTS.cliPort : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0-65535, got ${args.port}`);
  const limits = args.limits ?? DEFAULTS.limits;
  if (limits !== 'aws' && limits !== 'off') fail(`--limits must be aws or off, got ${limits}`);
  const fsync = args.fsync ?? DEFAULTS.fsync;
  if (fsync !== 'always' && fsync !== 'interval' && fsync !== 'never') {
    fail(`--fsync must be always, interval or never, got ${fsync}`);
  }
  const streams = (args['create-stream'] ?? []).map((spec) => {
    const match = /^([a-zA-Z0-9_.-]{1,128}):(\d+)$/.exec(spec);
    if (!match) fail(`--create-stream takes name:shards, got ${spec}`);
    return { name: match[1] as string, shardCount: Number(match[2]) };
  });
  const faults = faultPlan(args.faults, args['faults-file'], args['fault-seed']);
  const quiet = args.quiet === true;
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const kinesis = await startLocalKinesis({
    port,
    host: args.host ?? DEFAULTS.host,
    ...(args['data-dir'] === undefined ? {} : { dataDir: args['data-dir'] }),
    fsync,
    limits: limits as LimitsProfileName,
    streams,
    ...(faults === undefined ? {} : { faults }),
    logger: {
      debug: () => undefined,
      info: quiet ? () => undefined : log,
      warn: log,
      error: log,
    },
  });
  process.stdout.write(`kinesis-kit-local listening on ${kinesis.endpoint}\n`);
  const stop = (signal: string) => {
    if (!quiet) log(`${signal}: shutting down`);
    kinesis.close().then(
      () => process.exit(0),
      (error: Error) => {
        log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`kinesis-kit-local: ${error.message}\n`);
  process.exit(1);
});
