/**
 * The client every subject sends with: AWS SDK v3's KinesisClient with dummy credentials, no SDK
 * retries (each subject retries in its own way), HTTP/1.1 through a keep-alive agent, and the
 * meter's middleware. A new one per measurement, so no subject inherits another's sockets.
 */
import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Sockets per client: more than any subject keeps requests in flight. */
export const MAX_SOCKETS = 32;

// Node 20 is supported here; the SDK's notice about future versions would clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * @param {string} endpoint `http://127.0.0.1:PORT`
 * @param {import('./meter.js').KinesisMeter} [meter] counts what the endpoint accepted
 */
export function createClient(endpoint, meter) {
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALBENCH', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    }),
  });
  if (meter) {
    client.middlewareStack.add(meter.middleware(), {
      step: 'initialize',
      name: 'shardThroughputMeter',
    });
  }
  return client;
}
