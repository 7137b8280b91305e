/**
 * Servers as child processes (they never share the measured code's event loop): the local
 * endpoint's CLI, or a benchmark's own server, ready when it prints its `listening on` line;
 * killed however the benchmark ends. The harness has no dependencies, so the caller says where
 * the endpoint's CLI is (each benchmark resolves `@kinesis-kit/local`'s `dist/cli.js`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What a server prints on stdout once it listens (the endpoint's CLI, the benchmarks' servers). */
const READY_LINE = /listening on (http:\/\/\S+)/;

/** How long the endpoint may take to start (a durable one reads its data back first). */
const START_TIMEOUT_MS = 60_000;

/** Characters of the endpoint's output kept for error messages. */
const TAIL_CHARS = 4000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/**
 * @typedef {object} ServerProcess
 * @property {string} url `http://127.0.0.1:PORT`, from the process's ready line
 * @property {number} pid
 * @property {() => string} tail its last output, for error messages
 * @property {() => Promise<void>} stop SIGTERM (the server finishes and flushes), then SIGKILL
 *   after `stopTimeoutMs`
 * @typedef {ServerProcess} EndpointProcess
 */

/**
 * Starts `node ...args` (a server that prints `listening on http://...` once ready) and waits for
 * that line; the process is killed however the benchmark ends.
 * @param {string[]} args the node arguments: a script and its flags
 * @param {object} [options]
 * @param {Record<string, string>} [options.env] added to this process's environment
 * @param {string} [options.name] for error messages
 * @param {number} [options.stopTimeoutMs] how long a SIGTERM may take (default 5 s)
 * @returns {Promise<ServerProcess>}
 */
export async function startServerProcess(args, options = {}) {
  const { env = {}, name = args[0] ?? 'server', stopTimeoutMs = 5000 } = options;
  const child = spawn(process.execPath, args, {
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
    output = (output + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stderr.on('data', keep);
  child.stdout.on('data', keep);
  const tail = () => output.trim().split('\n').slice(-15).join('\n');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${tail()}`));
      }, START_TIMEOUT_MS);
      child.stdout.on('data', () => {
        const match = READY_LINE.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${how}) before it was ready:\n${tail()}`));
      });
    });
    return { url, pid: /** @type {number} */ (child.pid), tail, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts `node <cliPath> --port 0 --quiet ...args` (the local endpoint) and waits until it
 * listens.
 * @param {string} cliPath the built CLI of `@kinesis-kit/local`
 * @param {string[]} args more flags, e.g. `['--limits', 'aws']`
 * @returns {Promise<EndpointProcess>}
 */
export function startEndpointProcess(cliPath, args) {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: build it first (npx nx build @kinesis-kit/local)`);
  }
  return startServerProcess([cliPath, '--port', '0', '--quiet', ...args], {
    name: 'the endpoint',
  });
}

/**
 * Kills the servers still running when the benchmark ends: on exit, and on SIGINT or SIGTERM
 * (then exits 130 or 143).
 * @param {(line: string) => void} log
 */
export function killEndpointProcessesOnExit(log) {
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
