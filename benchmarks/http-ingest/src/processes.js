/**
 * The child processes of a measurement: the local endpoint (the harness's
 * `startEndpointProcess`, limits off, the stream `visits` with 16 shards) and the measured server
 * (`src/server.js`), each with an event loop of its own.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEndpointProcess, startServerProcess } from '@kinesis-kit/bench-harness';

const manifest = createRequire(import.meta.url).resolve('@kinesis-kit/local/package.json');
const ENDPOINT_CLI = join(dirname(manifest), 'dist', 'cli.js');
const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.js');

/**
 * The stream the gateway writes to. The producer paces every shard to AWS's write limits (1 MiB/s,
 * 1,000 records/s) whatever the endpoint enforces, so the endpoint's `--limits off` does not lift
 * them: 16 shards (16 MiB/s, ~60,000 visits/s of ~270 bytes with their keys) keep the shards
 * from ever binding here. With 4, batches of 100 came within 85% of the 4 MiB/s.
 */
export const STREAM = { name: 'visits', shards: 16 };

/**
 * The local endpoint, in memory, without AWS limits: the gateway's producer is never throttled,
 * so what is measured is the gateway, not a shard's answers.
 */
export function startEndpoint() {
  return startEndpointProcess(ENDPOINT_CLI, [
    '--limits',
    'off',
    '--create-stream',
    `${STREAM.name}:${STREAM.shards}`,
  ]);
}

/**
 * Starts `node src/server.js <subject> ...args` and waits for its ready line.
 * @param {string} subject
 * @param {string[]} args
 * @param {Record<string, string>} env added to this process's environment
 * @returns {Promise<import('@kinesis-kit/bench-harness').ServerProcess>}
 */
export function startServer(subject, args, env) {
  // The gateway finishes its requests and flushes its producer on SIGTERM: give it 10 s.
  return startServerProcess([SERVER, subject, ...args], {
    env,
    name: subject,
    stopTimeoutMs: 10_000,
  });
}
