/**
 * The SDK client every subject reads with: the SDK's default HTTP/2 handler (SubscribeToShard
 * needs HTTP/2 on AWS), local credentials, the endpoint's URL.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';

/** @param {string} endpoint */
export function clientFor(endpoint) {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
