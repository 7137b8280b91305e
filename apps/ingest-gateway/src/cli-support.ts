import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { type Logger, silentLogger } from '@kinesis-kit/records';

/**
 * What the apps' command-line tools share (the gateway's and the visitor demo's): flag parsing
 * with usage errors, the AWS-or-local choice, the run-or-print-usage frame, and making sure the
 * stream exists.
 */

/** A command line the CLI cannot run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
type Flags<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: O }>
>['values'];

/** `parseArgs` (strict, no positionals) whose errors are {@link UsageError}s. */
export function parseFlags<O extends FlagOptions>(argv: readonly string[], options: O): Flags<O> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The integer a `--name` flag holds, within [min, max]; undefined when it is not given. */
export function integerFlag(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** AWS (the standard configuration) when `--aws` is given or `AWS_ENDPOINT_URL_KINESIS` is set. */
export function usesAws(
  awsFlag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return awsFlag === true || (env.AWS_ENDPOINT_URL_KINESIS ?? '') !== '';
}

/**
 * Runs a CLI: parses the command line (undefined means `--help`: print the usage), exits 2 with
 * the usage on a {@link UsageError}, runs `main`, and exits 1 with `describe(error)` if it fails.
 */
export function runCli<S>(options: {
  readonly usage: string;
  readonly parse: (argv: readonly string[], env: NodeJS.ProcessEnv) => S | undefined;
  readonly main: (settings: S) => Promise<void>;
  readonly describe?: (error: unknown) => string;
}): void {
  let settings: S | undefined;
  try {
    settings = options.parse(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${options.usage}`);
    process.exit(2);
  }
  if (settings === undefined) {
    console.log(options.usage);
    return;
  }
  const describe =
    options.describe ??
    ((error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error)));
  options.main(settings).catch((error: unknown) => {
    console.error(describe(error));
    process.exit(1);
  });
}

/** How long {@link ensureStream} waits for a stream to become ACTIVE (AWS takes seconds). */
const STREAM_ACTIVE_TIMEOUT_MS = 5 * 60_000;

/**
 * Waits until the stream is ACTIVE (or UPDATING). A missing stream is created with
 * `createShards` shards when given; otherwise the SDK's ResourceNotFoundException is thrown.
 */
export async function ensureStream(
  client: KinesisClient,
  streamName: string,
  options: { readonly createShards?: number | undefined; readonly logger?: Logger } = {},
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const deadline = Date.now() + STREAM_ACTIVE_TIMEOUT_MS;
  let created = false;
  for (;;) {
    try {
      const { StreamDescriptionSummary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      const status = StreamDescriptionSummary?.StreamStatus;
      if (status === 'ACTIVE' || status === 'UPDATING') return;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      if (options.createShards === undefined) throw error;
      if (!created) {
        try {
          await client.send(
            new CreateStreamCommand({ StreamName: streamName, ShardCount: options.createShards }),
          );
          logger.info(`creating stream ${streamName} with ${options.createShards} shards`);
        } catch (createError) {
          // Someone else created it meanwhile: wait for it like ours.
          if ((createError as Error).name !== 'ResourceInUseException') throw createError;
        }
        created = true;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `stream ${streamName} did not become ACTIVE in ${STREAM_ACTIVE_TIMEOUT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
