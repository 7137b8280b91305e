/**
 * The local endpoint under AWS limits, as a child process (it never shares the subjects' event
 * loop): `kinesis-kit-local --port 0 --limits aws --quiet`, ready when it prints its endpoint
 * line; killed however the benchmark ends.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Our CLI prints this on stdout once it listens. */
const READY_LINE = /kinesis-kit-local listening on (http:\/\/\S+)/;

/** How long the endpoint may take to start. */
const START_TIMEOUT_MS = 15_000;

/** Characters of the endpoint's output kept for error messages. */
const TAIL_CHARS = 4000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/** The CLI of the installed `@kinesis-kit/local`, built by tsup into its dist folder. */
function cliPath() {
  const manifest = createRequire(import.meta.url).resolve('@kinesis-kit/local/package.json');
  const cli = join(dirname(manifest), 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: build it first (npx nx build @kinesis-kit/local)`);
  }
  return cli;
}

/**
 * @typedef {object} Endpoint
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {number} pid
 * @property {() => string} tail its last output, for error messages
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 5 s
 */

/**
 * Starts an endpoint and waits until it listens.
 * @returns {Promise<Endpoint>}
 */
export async function startEndpoint() {
  const args = [cliPath(), '--port', '0', '--limits', 'aws', '--quiet'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stderr.on('data', keep);
  child.stdout.on('data', keep);
  const tail = () => output.trim().split('\n').slice(-15).join('\n');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the endpoint did not start within ${START_TIMEOUT_MS} ms:\n${tail()}`));
      }, START_TIMEOUT_MS);
      child.stdout.on('data', () => {
        const match = READY_LINE.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`the endpoint exited (${how}) before it was ready:\n${tail()}`));
      });
    });
    return { url, pid: /** @type {number} */ (child.pid), tail, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Kills the endpoints still running when the benchmark ends: on exit, and on SIGINT or SIGTERM
 * (then exits 130 or 143).
 * @param {(line: string) => void} log
 */
export function killEndpointsOnExit(log) {
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const [signal, code] of /** @type {const} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the endpoint`);
      killAll();
      process.exit(code);
    });
  }
}
