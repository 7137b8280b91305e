import type { QueryOutput } from '../engine/query-output.js';
import type { ResultSink } from './result-sink.js';
import { SinkFailedError } from './sink-errors.js';
import { SinkLifecycle } from './sink-lifecycle.js';
import { requireFunction } from './sink-options.js';

/**
 * A sink that hands each batch of outputs to a function — for a dashboard, a database upsert
 * (by `output.key`), a test. The next batch waits until the promise `fn` returns settles, which
 * is how `fn` applies back-pressure. If `fn` throws or rejects, `write` rejects with a
 * {@link SinkFailedError} listing the whole batch, with the error as `cause`. The array belongs
 * to the engine: copy it if you keep it past the call. `close()` waits for calls in flight.
 *
 * @example
 * ```ts
 * const counts = new Map<string, unknown>();
 * const run = runQuery(sql, {
 *   source,
 *   sinks: { RESULT: callbackSink((outputs) => {
 *     for (const output of outputs) {
 *       // upsert: latest revision wins; a retraction (a session whose bounds moved) deletes
 *       if (output.kind === 'retract') counts.delete(output.key);
 *       else counts.set(output.key, output.row);
 *     }
 *   }) },
 * });
 * ```
 */
export function callbackSink(
  fn: (outputs: readonly QueryOutput[]) => void | Promise<void>,
): ResultSink & AsyncDisposable {
  requireFunction('fn', fn);
  const lifecycle = new SinkLifecycle('callbackSink');
  const call = async (outputs: readonly QueryOutput[]): Promise<void> => {
    try {
      await fn(outputs);
    } catch (error) {
      throw new SinkFailedError(
        'callbackSink',
        outputs,
        outputs.map(() => error),
      );
    }
  };
  const close = () => lifecycle.close();
  return {
    write: (outputs) => lifecycle.write(() => call(outputs)),
    close,
    [Symbol.asyncDispose]: close,
  };
}
