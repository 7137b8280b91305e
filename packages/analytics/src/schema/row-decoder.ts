import { coerceValue, describeValue, NOT_COERCIBLE } from './coerce-value.js';
import { splitCsvLine } from './csv-fields.js';
import { readJsonPath } from './json-path.js';
import type { ResolvedColumn, ResolvedSchema } from './resolve-schema.js';

/** A Kinesis record as `runQuery` takes it (a `StoredRecord` of the consumer fits). */
export interface SourceRecord {
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp?: Date | undefined;
  readonly partitionKey?: string | undefined;
  readonly sequenceNumber?: string | undefined;
  readonly subSequenceNumber?: number | undefined;
  /** The shard it was read from (event-time watermarks are kept per shard). */
  readonly shardId?: string | undefined;
}

/** Why a record or plain row could not become a row; the engine sends it to `errors`. */
export class DecodeFailure {
  constructor(readonly message: string) {}
}

/** A decoded row: column name (and metadata column name) → engine value. */
export type Row = Record<string, unknown>;

/**
 * Turns records (JSON or CSV data) and plain objects into rows of a schema's columns plus the
 * metadata columns. Bad data gives a {@link DecodeFailure}, never a throw. Only the columns in
 * `needed` are read (the rest are never looked at), which keeps the hot path short.
 */
export class RowDecoder {
  readonly #schema: ResolvedSchema;
  readonly #columns: readonly ResolvedColumn[];
  readonly #text = new TextDecoder('utf-8', { fatal: true });

  /** @param needed the columns the query reads; default all. */
  constructor(schema: ResolvedSchema, needed?: ReadonlySet<string>) {
    this.#schema = schema;
    this.#columns =
      needed === undefined ? schema.columns : schema.columns.filter((c) => needed.has(c.name));
  }

  /** A row from a Kinesis record, with `ROWTIME` = `rowtime`. */
  fromRecord(record: SourceRecord, rowtime: number): Row | DecodeFailure {
    let text: string;
    try {
      text = this.#text.decode(record.data);
    } catch {
      return new DecodeFailure('record data is not valid UTF-8');
    }
    const row: Row = {
      ROWTIME: rowtime,
      APPROXIMATE_ARRIVAL_TIME: record.approximateArrivalTimestamp?.getTime() ?? null,
      PARTITION_KEY: record.partitionKey ?? null,
      SEQUENCE_NUMBER: record.sequenceNumber ?? null,
    };
    if (this.#schema.format === 'csv') return this.#fillFromCsv(row, text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return new DecodeFailure(`record data is not JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return new DecodeFailure(`record data is JSON ${describeValue(value)}, expected an object`);
    }
    return this.#fill(row, value);
  }

  /** A row from an already decoded object (values coerced to the column types). */
  fromObject(object: object, rowtime: number): Row | DecodeFailure {
    const row: Row = {
      ROWTIME: rowtime,
      APPROXIMATE_ARRIVAL_TIME: null,
      PARTITION_KEY: null,
      SEQUENCE_NUMBER: null,
    };
    return this.#fill(row, object);
  }

  #fill(row: Row, source: object): Row | DecodeFailure {
    const columns = this.#columns;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as ResolvedColumn;
      const steps = column.steps;
      const raw =
        steps.length === 1 && !column.inherited
          ? (source as Record<string | number, unknown>)[steps[0] as string | number]
          : readJsonPath(source, steps);
      const value = coerceValue(raw, column.type);
      if (value === NOT_COERCIBLE) return mismatch(column, raw);
      row[column.name] = value;
    }
    return row;
  }

  #fillFromCsv(row: Row, text: string): Row | DecodeFailure {
    const fields = splitCsvLine(text, this.#schema.delimiter);
    if (fields === undefined)
      return new DecodeFailure('record data is not CSV: a quote is not closed');
    if (fields.length < this.#schema.columns.length) {
      return new DecodeFailure(
        `record has ${fields.length} CSV fields, expected ${this.#schema.columns.length}`,
      );
    }
    for (const column of this.#columns) {
      const field = fields[column.fieldIndex];
      const value = field === '' ? null : coerceValue(field, column.type);
      if (value === NOT_COERCIBLE) return mismatch(column, field);
      row[column.name] = value;
    }
    return row;
  }
}

function mismatch(column: ResolvedColumn, raw: unknown): DecodeFailure {
  return new DecodeFailure(
    `column "${column.name}" (${column.type}): cannot take ${describeValue(raw)}`,
  );
}
