/**
 * One result of a running query: which output stream, what kind, and the row (column name →
 * value; TIMESTAMP columns as `Date`). Sinks upsert by `key`: the revisions of one (window,
 * group) share it, and a later revision replaces an earlier one; a `retract` deletes it.
 *
 * @example
 * ```ts
 * const output: QueryOutput = {
 *   stream: 'DESTINATION_SQL_STREAM',
 *   kind: 'insert',
 *   revision: 0,
 *   key: '1767225600000|/home',
 *   row: { window_start: new Date(1767225600000), url: '/home', hits: 42 },
 * };
 * ```
 */
export interface QueryOutput {
  /** The pump's target stream (KDA) or 'RESULT' for a bare SELECT / INSERT target (Flink). */
  readonly stream: string;
  /**
   * - `insert`: a final window result (one per window and key) or a non-windowed row.
   * - `early`: a partial window result.
   * - `update`: a late row changed a window result that had already been inserted.
   * - `retract`: the row with this `key` is withdrawn — a consumer deletes the key. `row` is the
   *   row last emitted under it. Either rows moved a session's bounds (its key) after it had
   *   been emitted (the result under the new key follows in the same batch, as Flink SQL
   *   retracts an updated session row), or a (window, key) that was emitted (early, final or
   *   update) no longer satisfies HAVING.
   */
  readonly kind: 'insert' | 'early' | 'update' | 'retract';
  /**
   * 0 for the first emission of a (window, key), +1 for each later one. A session's revisions
   * keep counting across its keys, so a retraction ranks above everything sent for the key.
   */
  readonly revision: number;
  /** A stable identity of (window bounds, group key): sinks upsert by it. */
  readonly key: string;
  readonly row: Readonly<Record<string, unknown>>;
}
