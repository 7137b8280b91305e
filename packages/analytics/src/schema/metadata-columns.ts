import type { SqlType } from '../types.js';

/**
 * The columns every source row has besides its data, as in KDA:
 * - `ROWTIME`: when the row entered the query (processing time), monotonic non-decreasing:
 *   `max(previous ROWTIME, clock.now())` at arrival, so a clock that steps back never reorders.
 * - `APPROXIMATE_ARRIVAL_TIME`: when Kinesis accepted the record (NULL for plain rows).
 * - `PARTITION_KEY`, `SEQUENCE_NUMBER`: the record's (NULL for plain rows).
 * `SELECT *` leaves them out, as KDA does.
 */
export const METADATA_COLUMNS: readonly { readonly name: string; readonly type: SqlType }[] = [
  { name: 'ROWTIME', type: 'TIMESTAMP' },
  { name: 'APPROXIMATE_ARRIVAL_TIME', type: 'TIMESTAMP' },
  { name: 'PARTITION_KEY', type: 'VARCHAR' },
  { name: 'SEQUENCE_NUMBER', type: 'VARCHAR' },
];

/** The row property holding `ROWTIME` (epoch ms) in every row the engine passes around. */
export const ROWTIME_KEY = 'ROWTIME';

/** Whether `name` is one of {@link METADATA_COLUMNS}, compared case-insensitively. */
export function isMetadataColumn(name: string): boolean {
  const upper = name.toUpperCase();
  return METADATA_COLUMNS.some((c) => c.name === upper);
}
