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

/**
 * Adds one late row to an operator's list for the current call, creating the list on the first
 * one (most calls have none): `lateRows = addLateRow(lateRows, row, time, watermark, reason)`.
 */
export function addLateRow<Row>(
  lateRows: LateRow<Row>[] | undefined,
  row: Row,
  time: number,
  watermark: number,
  reason: string,
): LateRow<Row>[] {
  const list = lateRows ?? [];
  list.push({ row, time, watermark, reason });
  return list;
}

/** The reason every operator gives for a row whose time is not a finite number. */
export function notFiniteTimeReason(time: number): string {
  return `the row's time is not a finite number (${String(time)})`;
}
