/**
 * A row a window operator could not use because every window it belongs to has fired and its
 * allowed lateness has passed (or its time is not a number). Operators hand these to their
 * `late` callback, never drop them silently: the engine routes them to the late-row side output
 * (KDA's `error_stream`).
 */
export interface LateRow<Row> {
  /** The row as given to `process`. */
  readonly row: Row;
  /** The row's time as `timeOf` returned it, epoch ms. */
  readonly time: number;
  /** The operator's watermark when the row arrived. */
  readonly watermark: number;
  /** Why the row is late, for people: e.g. `every window of the row has closed (...)`. */
  readonly reason: string;
}
