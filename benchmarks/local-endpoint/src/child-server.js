/**
 * One server as a child process: spawned with this Node.js, its output drained (a full pipe
 * would stall it) and its tail kept for error messages, stopped gracefully at the end.
 */
import { spawn } from 'node:child_process';
import { trackChild } from './cleanup.js';

/** A server that did not become ready in time (as opposed to one that failed). */
export class StartTimeout extends Error {}

/** Characters of output kept per child, for error messages. */
const TAIL_CHARS = 4000;

/**
 * @typedef {object} ChildServer
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {() => string} tail the last lines the child printed (stdout and stderr)
 * @property {(pattern: RegExp, timeoutMs: number) => Promise<RegExpExecArray>} waitForLine
 *   resolves with the first stdout line matching `pattern`; rejects if the child exits first
 * @property {Promise<string>} exited resolves with how the child ended
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 5 s
 */

/**
 * @param {string} name for messages
 * @param {string[]} args arguments of `node`
 * @param {{ env?: Record<string, string>, cwd?: string }} [options]
 * @returns {ChildServer}
 */
export function spawnServer(name, args, options = {}) {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  if (child.pid === undefined) throw new Error(`${name}: could not spawn node ${args.join(' ')}`);
  let output = '';
  let stdoutLines = '';
  /** @type {Set<(line: string) => void>} */
  const lineListeners = new Set();
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
    keep(chunk);
    stdoutLines += chunk.toString();
    const lines = stdoutLines.split('\n');
    stdoutLines = lines.pop() ?? '';
    for (const line of lines) for (const listener of lineListeners) listener(line);
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
  });
  const tail = () => output.trim().split('\n').slice(-15).join('\n');

  return {
    child,
    pid: child.pid,
    tail,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          lineListeners.delete(onLine);
          const message = `${name}: no line matching ${pattern} within ${timeoutMs} ms`;
          reject(new StartTimeout(`${message}\n${tail()}`));
        }, timeoutMs);
        const onLine = (/** @type {string} */ line) => {
          const match = pattern.exec(line);
          if (!match) return;
          clearTimeout(timer);
          lineListeners.delete(onLine);
          resolve(match);
        };
        lineListeners.add(onLine);
        exited.then((how) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${how}) before it was ready:\n${tail()}`));
        });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
