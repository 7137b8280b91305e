import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';

/** Options of the HTTP/1.1 handler {@link createKeepAliveKinesisClient} builds, unless overridden. */
export const KEEP_ALIVE_HANDLER_DEFAULTS = {
  /** A connection not made within this time fails the call (a retriable `TimeoutError`). */
  connectionTimeout: 5_000,
  /**
   * A call whose connection sends and receives nothing for this long fails (a retriable
   * `TimeoutError`): a connection that died silently is not waited on for the minutes TCP
   * keepalive takes to notice.
   */
  socketTimeout: 60_000,
} as const satisfies NodeHttpHandlerOptions;

/**
 * A `KinesisClient` that keeps its connections open from one call to the next: HTTP/1.1 with a
 * keep-alive pool (by default up to 50 connections, one per call in flight), as the KPL keeps
 * its connections. SDK retries are off (`maxAttempts: 1`) unless `config` sets them: the
 * producer retries itself, entry by entry. Everything else comes from `config` and the standard
 * configuration (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`). A `requestHandler`
 * given as a handler is used as it is; given as options, they are options of this HTTP/1.1
 * handler, over {@link KEEP_ALIVE_HANDLER_DEFAULTS}.
 *
 * Why not the SDK's default: for Kinesis it is HTTP/2 with `disableConcurrentStreams: true`,
 * which opens a new connection for every call (on AWS, a new TLS session too) and closes it
 * after the answer (aws/aws-sdk-js-v3#8279). One HTTP/2 session shared by all calls
 * (`disableConcurrentStreams: false`) is no better for a producer: concurrent PutRecords of
 * 1 MB records outgrow the client session's 10 MB memory limit and fail with
 * `NGHTTP2_ENHANCE_YOUR_CALM` (8 of 160 here; smithy-lang/smithy-typescript#1996), where HTTP/1.1
 * failed none. For request/response calls only (PutRecords, ListShards, GetRecords, ...):
 * SubscribeToShard needs HTTP/2.
 *
 * @example
 * ```ts
 * const client = createKeepAliveKinesisClient({ region: 'eu-west-1' });
 * const producer = new KinesisProducer({ streamName: 'clicks', client });
 * ```
 */
export function createKeepAliveKinesisClient(config: KinesisClientConfig = {}): KinesisClient {
  return new KinesisClient({
    ...config,
    maxAttempts: config.maxAttempts ?? 1,
    requestHandler: keepAliveHandler(config.requestHandler),
  });
}

function keepAliveHandler(
  given: KinesisClientConfig['requestHandler'],
): NonNullable<KinesisClientConfig['requestHandler']> {
  if (typeof (given as { handle?: unknown } | undefined)?.handle === 'function') {
    return given as NonNullable<KinesisClientConfig['requestHandler']>;
  }
  return new NodeHttpHandler({
    ...KEEP_ALIVE_HANDLER_DEFAULTS,
    ...(given as NodeHttpHandlerOptions | undefined),
  });
}
