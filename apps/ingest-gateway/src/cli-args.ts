import { integerFlag, parseFlags, UsageError, usesAws } from './cli-support.js';
import { DEFAULTS } from './defaults.js';

/** What the command line asks for. */
export interface CliSettings {
  readonly stream: string;
  readonly host: string;
  readonly port: number;
  /** Shards of the stream to create if it does not exist; undefined: do not create it (AWS). */
  readonly createStreamShards: number | undefined;
  /** Real AWS (or `AWS_ENDPOINT_URL_KINESIS`) rather than a local endpoint started here. */
  readonly aws: boolean;
  readonly bodyLimitBytes: number;
}

export const USAGE = `Usage: kinesis-kit-ingest-gateway --stream <name> [options]

  --stream <name>          stream the visits go to (required)
  --port <n>               port to listen on (default ${DEFAULTS.port}; 0 picks a free one)
  --host <address>         address to bind (default ${DEFAULTS.host}; 0.0.0.0 exposes it)
  --create-stream <shards> create the stream with that many shards if it does not exist
                           (local endpoint: default 1)
  --aws                    use AWS from the standard configuration (credential chain,
                           AWS_REGION); implied when AWS_ENDPOINT_URL_KINESIS is set.
                           Without either, a local Kinesis endpoint is started in-process.
  --body-limit-bytes <n>   largest request body (default ${DEFAULTS.bodyLimitBytes})
  --help                   print this help`;

const FLAGS = {
  stream: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'create-stream': { type: 'string' },
  aws: { type: 'boolean' },
  'body-limit-bytes': { type: 'string' },
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
  const stream = values.stream;
  if (stream === undefined || stream === '') throw new UsageError('--stream <name> is required');
  const aws = usesAws(values.aws, env);
  const shards = integerFlag('create-stream', values['create-stream'], 1, 10_000);
  return {
    stream,
    host: values.host ?? DEFAULTS.host,
    port: integerFlag('port', values.port, 0, 65_535) ?? DEFAULTS.port,
    createStreamShards: shards ?? (aws ? undefined : 1),
    aws,
    bodyLimitBytes:
      integerFlag('body-limit-bytes', values['body-limit-bytes'], 1, 1024 * 1024 * 1024) ??
      DEFAULTS.bodyLimitBytes,
  };
}

export { UsageError };
