import { integerFlag, parseFlags, UsageError, usesAws } from '@kinesis-kit/ingest-gateway';
import { DEFAULTS } from './defaults.js';

/** What the command line asks for. */
export interface CliSettings {
  readonly port: number;
  readonly gatewayPort: number;
  readonly host: string;
  readonly ratePerSec: number;
  readonly urlCount: number;
  /** Seconds to run before stopping by itself; undefined: until Ctrl-C. */
  readonly durationSeconds: number | undefined;
  /** undefined: the app's own `.data/` folder. */
  readonly dataDir: string | undefined;
  readonly streamName: string;
  readonly shardCount: number;
  /** AWS (or `AWS_ENDPOINT_URL_KINESIS`) rather than a local endpoint started here. */
  readonly aws: boolean;
  readonly createStream: boolean;
  readonly simulator: boolean;
  readonly seed: number | undefined;
  readonly alertThreshold: number;
}

export const USAGE = `Usage: visitor-demo [options]   (from the repository root: npm start -- [options])

Simulated visitors → ingest gateway → Kinesis stream → counting consumer → live dashboard.

  --port <n>           dashboard port (default ${DEFAULTS.port}; 0 picks a free one)
  --gateway-port <n>   ingest gateway port (default ${DEFAULTS.gatewayPort}; 0 picks a free one)
  --host <address>     address the dashboard and the gateway bind (default ${DEFAULTS.host})
  --rate <n>           simulated visits per second (default ${DEFAULTS.ratePerSec})
  --urls <n>           URLs in the simulated catalogue, Zipf popularity (default ${DEFAULTS.urlCount};
                       at most ${DEFAULTS.maxTrackedUrls}, the URLs the counter tracks)
  --duration <s>       stop after this many seconds (default: run until Ctrl-C)
  --data-dir <path>    where the local endpoint's records, the counter state, the checkpoints
                       and the ledger live (default: apps/visitor-demo/.data)
  --stream <name>      stream name (default ${DEFAULTS.streamName})
  --shards <n>         shards when the stream is created (default ${DEFAULTS.shardCount})
  --aws                use AWS from the standard configuration (credential chain, AWS_REGION);
                       implied when AWS_ENDPOINT_URL_KINESIS is set. Starts no local endpoint.
  --create-stream      with AWS: create the stream if it does not exist (local: always created)
  --no-simulator       no simulated visits: count what others POST to the gateway
  --seed <n>           seed of the simulator (default: random)
  --alert-threshold <n>  alarm when a URL gets more than n visits in a 10 s window
                       (default ${DEFAULTS.alertThreshold}: the landing page, now and then, at the default rate)
  --help               print this help

Ctrl-C stops cleanly and prints the reconciliation: sent vs counted, missing and duplicates.`;

/**
 * `--urls`: at most the URLs the counter tracks (`maxTrackedUrls`). Visits of further URLs are
 * counted only as overflow, under no URL, so a reconciliation per URL could never come out exact.
 */
function urlCount(text: string | undefined): number {
  const max = DEFAULTS.maxTrackedUrls;
  if (text !== undefined && /^\d+$/.test(text) && Number(text) > max) {
    throw new UsageError(
      `--urls must be at most ${max}, the URLs the counter tracks (visits of further URLs could not be reconciled per URL), got ${text}`,
    );
  }
  return integerFlag('urls', text, 1, max) ?? DEFAULTS.urlCount;
}

const FLAGS = {
  port: { type: 'string' },
  'gateway-port': { type: 'string' },
  host: { type: 'string' },
  rate: { type: 'string' },
  urls: { type: 'string' },
  duration: { type: 'string' },
  'data-dir': { type: 'string' },
  stream: { type: 'string' },
  shards: { type: 'string' },
  aws: { type: 'boolean' },
  'create-stream': { type: 'boolean' },
  'no-simulator': { type: 'boolean' },
  seed: { type: 'string' },
  'alert-threshold': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * Reads the command line; `env` is consulted only for `AWS_ENDPOINT_URL_KINESIS`, which selects
 * AWS mode like `--aws`. Returns undefined for `--help`.
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliSettings | undefined {
  const values = parseFlags(argv, FLAGS);
  if (values.help) return undefined;
  const aws = usesAws(values.aws, env);
  const streamName = values.stream ?? DEFAULTS.streamName;
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(streamName)) {
    throw new UsageError(
      `--stream must be 1-128 of a-z A-Z 0-9 _ . -, got ${JSON.stringify(streamName)}`,
    );
  }
  if (values['data-dir'] === '') throw new UsageError('--data-dir must not be empty');
  return {
    port: integerFlag('port', values.port, 0, 65_535) ?? DEFAULTS.port,
    gatewayPort:
      integerFlag('gateway-port', values['gateway-port'], 0, 65_535) ?? DEFAULTS.gatewayPort,
    host: values.host ?? DEFAULTS.host,
    ratePerSec: integerFlag('rate', values.rate, 1, 1_000_000) ?? DEFAULTS.ratePerSec,
    urlCount: urlCount(values.urls),
    durationSeconds: integerFlag('duration', values.duration, 1, 31_536_000),
    dataDir: values['data-dir'],
    streamName,
    shardCount: integerFlag('shards', values.shards, 1, 500) ?? DEFAULTS.shardCount,
    aws,
    createStream: values['create-stream'] === true,
    simulator: values['no-simulator'] !== true,
    seed: integerFlag('seed', values.seed, 0, 4_294_967_295),
    alertThreshold:
      integerFlag('alert-threshold', values['alert-threshold'], 0, 1_000_000_000) ??
      DEFAULTS.alertThreshold,
  };
}

export { UsageError };
