/**
 * Everything the benchmark must undo however it ends: child processes to kill and temporary
 * directories to delete, on success, on errors and on SIGINT or SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/** @type {Set<string>} */
const tempDirs = new Set();

/**
 * Tracks a child process until it exits.
 * @param {import('node:child_process').ChildProcess} child
 */
export function trackChild(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * A new, empty temporary directory, deleted when the benchmark ends.
 * @param {string} prefix
 */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills every child still running, at once (SIGKILL), and deletes the temporary directories. */
function cleanUpNow() {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    tempDirs.delete(dir);
  }
}

/**
 * Waits until every tracked child has exited (or `timeoutMs` passed).
 * @param {number} timeoutMs
 */
async function childrenExited(timeoutMs) {
  const exits = [...children].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([Promise.all(exits), timeout]);
}

/**
 * Kills the children (SIGKILL), waits briefly for them to go, then deletes the directories:
 * the end of a run that failed or was interrupted.
 */
export async function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  await childrenExited(2000);
  cleanUpNow();
}

/**
 * Cleans up on SIGINT and SIGTERM (then exits 130 or 143) and, as a last resort, on exit.
 * @param {(line: string) => void} log
 */
export function installCleanup(log) {
  process.once('exit', cleanUpNow);
  for (const [signal, code] of /** @type {const} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the servers and deleting temporary directories`);
      cleanUp().finally(() => process.exit(code));
    });
  }
}
