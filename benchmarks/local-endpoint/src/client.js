/**
 * The client every subject gets: AWS SDK v3's KinesisClient with dummy credentials, no
 * retries, and either HTTP/1.1 through a keep-alive agent (what kinesalite and kinesis-local
 * need) or the SDK's default HTTP/2 handler.
 */
import { Agent } from 'node:http';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { StartTimeout } from './child-server.js';

/** @typedef {'http/1.1' | 'h2'} Transport */

/** Sockets per HTTP/1.1 client: more than the requests the benchmark keeps in flight. */
export const MAX_SOCKETS = 16;

// Node 20 is supported here; the SDK's notice about future versions would clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * @param {string} endpoint `http://127.0.0.1:PORT`
 * @param {Transport} transport
 */
export function createClient(endpoint, transport) {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALBENCH', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...(transport === 'http/1.1'
      ? {
          requestHandler: new NodeHttpHandler({
            httpAgent: new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
          }),
        }
      : {}),
  });
}

/**
 * Polls ListStreams every 100 ms until the endpoint answers; throws if the server exits, and
 * a StartTimeout once `timeoutMs` has passed.
 * @param {KinesisClient} client
 * @param {import('./child-server.js').ChildServer} server
 * @param {string} name for messages
 * @param {number} timeoutMs
 */
export async function waitForApi(client, server, name, timeoutMs) {
  let exit = '';
  server.exited.then((how) => {
    exit = how;
  });
  const deadline = performance.now() + timeoutMs;
  let lastError = '';
  while (performance.now() < deadline) {
    if (exit) throw new Error(`${name} exited (${exit}) before it was ready:\n${server.tail()}`);
    try {
      await client.send(new ListStreamsCommand({}));
      return;
    } catch (error) {
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StartTimeout(
    `${name}: ListStreams did not succeed within ${timeoutMs} ms (last error: ${lastError})\n` +
      server.tail(),
  );
}
