import type { SqlType } from '../types.js';

/**
 * One column of a source: its type, and where its value sits in a JSON record (KDA's "mapping").
 *
 * @example
 * ```ts
 * const url: SourceColumn = { type: 'VARCHAR(256)', path: '$.page.url' };
 * ```
 */
export interface SourceColumn {
  /** An engine type (`'VARCHAR'`) or SQL type text (`'VARCHAR(64)'`, `'DECIMAL(10, 2)'`, `'INT'`). */
  readonly type: SqlType | string;
  /**
   * A JSON path into the record (`$.page.url`, `$.items[0].id`, `$["user id"]`). CSV columns have
   * no path (their place is the column order).
   * @default `$.<column name>`
   */
  readonly path?: string;
}

/**
 * How record data maps to typed columns: KDA's "source schema". Column names are the names SQL
 * uses (unquoted SQL names match them case-insensitively, quoted ones exactly). The KDA metadata
 * columns `ROWTIME`, `APPROXIMATE_ARRIVAL_TIME`, `PARTITION_KEY` and `SEQUENCE_NUMBER` are always
 * there and must not be declared.
 *
 * @example
 * ```ts
 * const schema: SourceSchema = {
 *   columns: { url: { type: 'VARCHAR(256)', path: '$.page.url' }, ts: { type: 'TIMESTAMP' } },
 * };
 * ```
 */
export interface SourceSchema {
  readonly columns: Readonly<Record<string, SourceColumn>>;
  /** How record data is written. @default 'json' */
  readonly format?: 'json' | 'csv';
  /** CSV only: the field separator. @default ',' */
  readonly delimiter?: string;
  /** CSV only: the columns in field order. @default the order of `columns` */
  readonly columnOrder?: readonly string[];
}
