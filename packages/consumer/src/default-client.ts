import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The client a consumer builds when it is given none: from the standard configuration
 * (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`), with SDK retries off (the
 * consumer retries itself). Polling reads go over HTTP/1.1 connections kept open from one
 * GetRecords to the next, one per shard read at once: the SDK's default for Kinesis (HTTP/2
 * with `disableConcurrentStreams: true`) opens a new connection, on AWS a new TLS session, for
 * every call (aws/aws-sdk-js-v3#8279). A connection not made in 5 s, or silent for 60 s, fails
 * the call (a retriable `TimeoutError`) rather than hold the shard's reads. Fan-out keeps the
 * SDK's HTTP/2, which SubscribeToShard needs (each subscription holds a connection of its own
 * for its 5 minutes anyway).
 */
export function defaultClient(mode: 'polling' | 'fan-out'): KinesisClient {
  if (mode === 'fan-out') return new KinesisClient({ maxAttempts: 1 });
  return new KinesisClient({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      socketTimeout: 60_000,
      httpAgent: { maxSockets: Number.POSITIVE_INFINITY },
      httpsAgent: { maxSockets: Number.POSITIVE_INFINITY },
    }),
  });
}
