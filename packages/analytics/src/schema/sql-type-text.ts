import type { SqlType } from '../types.js';

const ENGINE_TYPES: Readonly<Record<string, SqlType>> = {
  VARCHAR: 'VARCHAR',
  CHAR: 'VARCHAR',
  CHARACTER: 'VARCHAR',
  STRING: 'VARCHAR',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  SMALLINT: 'INTEGER',
  TINYINT: 'INTEGER',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  'DOUBLE PRECISION': 'DOUBLE',
  REAL: 'DOUBLE',
  FLOAT: 'DOUBLE',
  DECIMAL: 'DOUBLE',
  NUMERIC: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  ANY: 'ANY',
};

const TYPE_TEXT = /^\s*([A-Za-z]+(?:\s+PRECISION)?)\s*(?:\(\s*\d+\s*(?:,\s*\d+\s*)?\))?\s*$/i;

/** The type names {@link parseSqlTypeText} takes, for error messages. */
export const SQL_TYPE_NAMES: readonly string[] = Object.keys(ENGINE_TYPES);

/**
 * The engine type of SQL type text as a schema writes it: `VARCHAR(64)` → VARCHAR,
 * `DECIMAL(10, 2)` → DOUBLE, `INT` → INTEGER (lengths and precisions are not enforced).
 * `undefined` when the text names no supported type.
 */
export function parseSqlTypeText(text: string): SqlType | undefined {
  const match = TYPE_TEXT.exec(text);
  if (match === null) return undefined;
  const name = (match[1] as string).toUpperCase().replace(/\s+/g, ' ');
  return ENGINE_TYPES[name];
}
