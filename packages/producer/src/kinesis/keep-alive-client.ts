import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A `KinesisClient` that keeps its connections open from one call to the next: HTTP/1.1 with a
 * keep-alive pool (up to 50 connections, one per call in flight), as the KPL keeps its
 * connections. SDK retries are off (`maxAttempts: 1`) unless `config` says otherwise: the
 * producer retries itself, entry by entry. Everything else comes from `config` and the standard
 * configuration (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`).
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
    maxAttempts: 1,
    ...config,
    requestHandler: config.requestHandler ?? new NodeHttpHandler(),
  });
}
