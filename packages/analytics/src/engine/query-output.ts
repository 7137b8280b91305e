/**
 * One result of a running query: which output stream, what kind, and the row (column name →
 * value; TIMESTAMP columns as `Date`). Sinks upsert by `key`: the revisions of one (window,
 * group) share it, and a later revision replaces an earlier one.
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
   * `insert`: a final window result or a non-windowed row; `early`: a partial window result;
   * `update`: a late row changed a window that had already fired.
   */
  readonly kind: 'insert' | 'early' | 'update';
  /** 0 for the first emission of a (window, key), +1 for each later one. */
  readonly revision: number;
  /** A stable identity of (window bounds, group key): sinks upsert by it. */
  readonly key: string;
  readonly row: Readonly<Record<string, unknown>>;
}
