/**
 * A full garbage collection, run before a measurement so that no subject pays for the garbage
 * another one left behind, and before a memory sample so that it counts live objects only.
 * Node exposes `gc` only with --expose-gc; without it, this turns it on for a fresh context,
 * the usual way to get it without a command-line flag.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** @type {() => void} */
export const collectGarbage = (() => {
  const exposed = /** @type {{ gc?: () => void }} */ (globalThis).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();
