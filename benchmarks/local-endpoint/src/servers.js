/**
 * Starting a subject: its server as a child process, ready when it says so or answers
 * ListStreams (never after a fixed sleep), and its client; and stopping both.
 */
import { StartTimeout, spawnServer } from './child-server.js';
import { createClient, waitForApi } from './client.js';

/**
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {{ subject: Subject, server: import('./child-server.js').ChildServer,
 *   client: import('@aws-sdk/client-kinesis').KinesisClient, endpoint: string,
 *   startMs: number, streams: number, readStream?: ReadStream }} Running
 * @typedef {{ name: string, records: number, loaded: number,
 *   perShard: Map<string, number> }} ReadStream the read scenario's loaded stream, kept for
 *   the next read of the same size (reading changes nothing in it)
 */

export { StartTimeout };

/**
 * Starts the subject's server and waits until it answers ListStreams through the subject's
 * client; stops the server again if it does not within `timeoutMs` (a StartTimeout) or fails.
 * @param {Subject} subject
 * @param {number} timeoutMs
 * @returns {Promise<Running>}
 */
export async function startSubject(subject, timeoutMs) {
  const start = performance.now();
  const launch = await subject.launch();
  const server = spawnServer(subject.name, launch.args, { env: launch.env });
  /** @type {import('@aws-sdk/client-kinesis').KinesisClient | undefined} */
  let client;
  try {
    let endpoint = launch.endpoint;
    if (launch.readyLine) {
      const match = await server.waitForLine(launch.readyLine, timeoutMs);
      endpoint = match[1];
    }
    if (!endpoint) throw new Error(`${subject.name}: neither an endpoint nor a ready line`);
    client = createClient(endpoint, subject.transport);
    const left = Math.max(0, timeoutMs - (performance.now() - start));
    await waitForApi(client, server, subject.name, left);
    return { subject, server, client, endpoint, startMs: performance.now() - start, streams: 0 };
  } catch (error) {
    client?.destroy();
    await server.stop();
    throw error;
  }
}

/**
 * Closes the client and stops the server gracefully.
 * @param {Running} running
 */
export async function stopSubject(running) {
  running.client.destroy();
  await running.server.stop();
}
