import { InvalidOptionError } from '../errors.js';
import { parseTimestampText } from '../expressions/timestamp-text.js';
import type { SqlType } from '../types.js';
import { splitCsvLine } from './csv-fields.js';
import { isMetadataColumn } from './metadata-columns.js';
import type { SourceColumn, SourceSchema } from './source-schema.js';

const MAX_INTEGER = 2 ** 31 - 1;

/** What a sample value says about its column's type, from narrowest to widest. */
type Seen = SqlType | 'EMPTY';

interface Candidate {
  readonly path: string;
  readonly segments: readonly string[];
  type: Seen;
}

/**
 * A schema guessed from sample records, as KDA's schema discovery did: JSON objects give one
 * column per leaf value, nested objects flattened (`{"page": {"url": ...}}` → column `page_url`
 * with path `$.page.url`); types from the values (whole numbers → INTEGER, or BIGINT beyond
 * 32 bits; other numbers → DOUBLE; `true`/`false` → BOOLEAN; timestamp text and `Date`s →
 * TIMESTAMP; other text → VARCHAR; arrays → ANY; a column whose samples disagree → VARCHAR,
 * INTEGER mixed with DOUBLE → DOUBLE). Data that is not JSON is read as CSV with columns
 * `COL1`, `COL2`, ... Samples may be record data (`Uint8Array`, text), Kinesis records
 * (`{ data }`), consumer batches (`{ records }`), plain objects, or arrays of them.
 * Throws {@link InvalidOptionError} when there is no sample to learn from.
 *
 * @example
 * ```ts
 * inferSchema([{ data: new TextEncoder().encode('{"url":"/a","ms":12}') }]);
 * // { format: 'json', columns: { url: { type: 'VARCHAR', path: '$.url' }, ms: { type: 'INTEGER', path: '$.ms' } } }
 * ```
 */
export function inferSchema(sampleRecords: readonly unknown[]): SourceSchema {
  const candidates = new Map<string, Candidate>();
  const csvLines: string[] = [];
  const text = new TextDecoder();
  let objects = 0;
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) {
      for (const inner of item) visit(inner);
      return;
    }
    if (item instanceof Uint8Array || typeof item === 'string') {
      const data = typeof item === 'string' ? item : text.decode(item);
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        csvLines.push(data);
        return;
      }
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        objects++;
        collect(candidates, parsed, []);
      }
      return;
    }
    if (item === null || typeof item !== 'object') return;
    const record = item as { data?: unknown; records?: unknown };
    if (record.data instanceof Uint8Array) visit(record.data);
    else if (Array.isArray(record.records)) visit(record.records);
    else {
      objects++;
      collect(candidates, item, []);
    }
  };
  for (const sample of sampleRecords) visit(sample);
  if (objects === 0 && csvLines.length > 0) return inferCsv(csvLines);
  if (candidates.size === 0) {
    throw new InvalidOptionError(
      'schema',
      'cannot infer a schema: the sample has no JSON object, CSV line or plain row; pass `schema`',
    );
  }
  return { format: 'json', columns: nameColumns([...candidates.values()]) };
}

function collect(
  candidates: Map<string, Candidate>,
  value: object,
  segments: readonly string[],
): void {
  for (const [key, inner] of Object.entries(value)) {
    const path = [...segments, key];
    if (
      inner !== null &&
      typeof inner === 'object' &&
      !Array.isArray(inner) &&
      !(inner instanceof Date)
    ) {
      collect(candidates, inner, path);
      continue;
    }
    const id = JSON.stringify(path);
    let candidate = candidates.get(id);
    if (candidate === undefined) {
      candidate = { path: jsonPathOf(path), segments: path, type: 'EMPTY' };
      candidates.set(id, candidate);
    }
    candidate.type = widen(candidate.type, typeOfValue(inner));
  }
}

function jsonPathOf(segments: readonly string[]): string {
  return `$${segments.map((s) => (/^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')}`;
}

function typeOfValue(value: unknown): Seen {
  if (value === null || value === undefined) return 'EMPTY';
  if (value instanceof Date) return 'TIMESTAMP';
  if (Array.isArray(value)) return 'ANY';
  switch (typeof value) {
    case 'boolean':
      return 'BOOLEAN';
    case 'number':
      if (!Number.isInteger(value)) return 'DOUBLE';
      return Math.abs(value) > MAX_INTEGER ? 'BIGINT' : 'INTEGER';
    case 'string':
      return parseTimestampText(value) === undefined ? 'VARCHAR' : 'TIMESTAMP';
    default:
      return 'VARCHAR';
  }
}

const NUMERIC_RANK: Partial<Record<Seen, number>> = { INTEGER: 0, BIGINT: 1, DOUBLE: 2 };

function widen(a: Seen, b: Seen): Seen {
  if (a === 'EMPTY') return b;
  if (b === 'EMPTY' || a === b) return a;
  const ra = NUMERIC_RANK[a];
  const rb = NUMERIC_RANK[b];
  if (ra !== undefined && rb !== undefined) return ra > rb ? a : b;
  if (a === 'ANY' || b === 'ANY') return 'ANY';
  return 'VARCHAR';
}

/** Leaf names where they are unique, the joined path where not; metadata names get a `_` suffix. */
function nameColumns(candidates: readonly Candidate[]): Record<string, SourceColumn> {
  const columns: Record<string, SourceColumn> = {};
  const taken = new Set<string>();
  for (const candidate of candidates) {
    let name = candidate.segments.join('_');
    if (isMetadataColumn(name)) name = `${name}_`;
    while (taken.has(name.toUpperCase())) name = `${name}_`;
    taken.add(name.toUpperCase());
    columns[name] = {
      type: candidate.type === 'EMPTY' ? 'VARCHAR' : candidate.type,
      path: candidate.path,
    };
  }
  return columns;
}

function inferCsv(lines: readonly string[]): SourceSchema {
  const types: Seen[] = [];
  for (const line of lines) {
    const fields = splitCsvLine(line, ',') ?? [];
    fields.forEach((field, i) => {
      const type: Seen =
        field === ''
          ? 'EMPTY'
          : /^[+-]?\d+$/.test(field)
            ? typeOfValue(Number(field))
            : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(field)
              ? 'DOUBLE'
              : /^(true|false)$/i.test(field)
                ? 'BOOLEAN'
                : typeOfValue(field);
      types[i] = widen(types[i] ?? 'EMPTY', type);
    });
  }
  const columns: Record<string, SourceColumn> = {};
  types.forEach((type, i) => {
    columns[`COL${i + 1}`] = { type: type === 'EMPTY' ? 'VARCHAR' : type };
  });
  return { format: 'csv', columns };
}
