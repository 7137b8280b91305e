import type { QueryOutput } from '../engine/query-output.js';

/**
 * Where a query's results go. The engine calls `write` with each batch of outputs of one output
 * stream, in order, and `close` once when the run ends. A sink that stores results upserts by
 * `output.key` and deletes the key on `kind: 'retract'`.
 *
 * @example
 * ```ts
 * const printSink: ResultSink = {
 *   async write(outputs) {
 *     for (const output of outputs) console.log(output.key, output.row);
 *   },
 *   async close() {},
 * };
 * ```
 */
export interface ResultSink {
  /** Takes a batch of outputs; rejects → the run fails with SinkFailed (after the sink's own retries). */
  write(outputs: readonly QueryOutput[]): Promise<void>;
  /** Flushes and releases what the sink holds. */
  close(): Promise<void>;
}
