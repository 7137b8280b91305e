/**
 * The child processes of a measurement: the local endpoint (the harness's
 * `startEndpointProcess`, limits off, the stream `visits` with 16 shards) and the measured server
 * (`src/server.js`), each with an event loop of its own.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEndpointProcess } from '@kinesis-kit/bench-harness';

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

/** How long a server may take to print its ready line. */
const START_TIMEOUT_MS = 30_000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * @typedef {object} ServerProcess
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {number} pid
 * @property {() => Promise<void>} stop SIGTERM (the gateway finishes and flushes), then SIGKILL
 *   after 10 s
 */

/**
 * Starts `node src/server.js <subject> ...args` and waits for its ready line.
 * @param {string} subject
 * @param {string[]} args
 * @param {Record<string, string>} env added to this process's environment
 * @returns {Promise<ServerProcess>}
 */
export async function startServer(subject, args, env) {
  const child = spawn(process.execPath, [SERVER, subject, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${subject} did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${subject} exited (${how}) before it was ready:\n${output}`));
      });
    });
    return { url, pid: /** @type {number} */ (child.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
