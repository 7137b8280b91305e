import { InvalidOptionError } from '../errors.js';
import type { SqlType } from '../types.js';
import { isInheritedKey, type JsonPathStep, parseJsonPath } from './json-path.js';
import { isMetadataColumn } from './metadata-columns.js';
import type { SourceSchema } from './source-schema.js';
import { parseSqlTypeText, SQL_TYPE_NAMES } from './sql-type-text.js';

/** A source column ready for decoding: engine type, JSON path steps, CSV field index. */
export interface ResolvedColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Where the value sits in a JSON record or a plain row. */
  readonly steps: readonly JsonPathStep[];
  /** CSV: the field index. */
  readonly fieldIndex: number;
  /** A one-step path that every object has through its prototype (`constructor`, ...): read
   * only as the object's own property. */
  readonly inherited: boolean;
}

/** A validated {@link SourceSchema}. */
export interface ResolvedSchema {
  readonly columns: readonly ResolvedColumn[];
  readonly format: 'json' | 'csv';
  readonly delimiter: string;
}

/**
 * Checks a schema and resolves its type texts and paths. Throws {@link InvalidOptionError}
 * naming the column and what is wrong (unknown type, bad path, a metadata column declared,
 * two names that differ only in case, a CSV column order that misses a column).
 */
export function resolveSchema(schema: SourceSchema): ResolvedSchema {
  const format = schema.format ?? 'json';
  if (format !== 'json' && format !== 'csv') {
    throw new InvalidOptionError('schema.format', `must be 'json' or 'csv', got ${String(format)}`);
  }
  const delimiter = schema.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"') {
    throw new InvalidOptionError(
      'schema.delimiter',
      `must be one character other than '"', got ${JSON.stringify(delimiter)}`,
    );
  }
  const names = Object.keys(schema.columns);
  if (names.length === 0)
    throw new InvalidOptionError('schema.columns', 'must name at least one column');
  const order = schema.columnOrder ?? names;
  const seen = new Map<string, string>();
  const columns = names.map((name): ResolvedColumn => {
    const option = `schema.columns.${name}`;
    if (isMetadataColumn(name)) {
      throw new InvalidOptionError(
        option,
        `${name} is a metadata column every row has (ROWTIME, APPROXIMATE_ARRIVAL_TIME, PARTITION_KEY, SEQUENCE_NUMBER); rename the column`,
      );
    }
    const other = seen.get(name.toUpperCase());
    if (other !== undefined) {
      throw new InvalidOptionError(
        option,
        `"${name}" and "${other}" differ only in case, so unquoted SQL names cannot tell them apart`,
      );
    }
    seen.set(name.toUpperCase(), name);
    const spec = schema.columns[name];
    if (spec === undefined || typeof spec.type !== 'string') {
      throw new InvalidOptionError(`${option}.type`, 'is required');
    }
    const type = parseSqlTypeText(spec.type);
    if (type === undefined || type === 'NULL' || type === 'INTERVAL') {
      throw new InvalidOptionError(
        `${option}.type`,
        `unknown type "${spec.type}"; types: ${SQL_TYPE_NAMES.join(', ')}`,
      );
    }
    const steps = parseJsonPath(spec.path ?? `$[${JSON.stringify(name)}]`);
    if (!Array.isArray(steps)) {
      throw new InvalidOptionError(`${option}.path`, (steps as { error: string }).error);
    }
    const fieldIndex = order.indexOf(name);
    if (format === 'csv' && fieldIndex < 0) {
      throw new InvalidOptionError('schema.columnOrder', `misses column "${name}"`);
    }
    const inherited = steps.length === 1 && isInheritedKey(steps[0] as string | number);
    return { name, type, steps, fieldIndex, inherited };
  });
  for (const name of order) {
    if (!names.includes(name)) {
      throw new InvalidOptionError(
        'schema.columnOrder',
        `names "${name}", which is not a column; columns: ${names.join(', ')}`,
      );
    }
  }
  return { columns, format, delimiter };
}
