import type { Row } from '../plan/query-plan.js';
import { generatedFunction } from '../plan/row-keys.js';
import { isTimestampMs, MAX_TIMESTAMP_MS } from '../schema/coerce-value.js';
import type { ResolvedSchema } from '../schema/resolve-schema.js';
import { DecodeFailure, RowDecoder, type SourceRecord } from '../schema/row-decoder.js';
import type { SqlType } from '../types.js';

/** A source item turned into rows. */
export interface SourceStep {
  readonly rows: Row[];
  /** The newest event time per shard among the rows (when the query has event time). */
  readonly eventMaxByShard: Map<string, number>;
  /** The consumer batches among the item with a `checkpoint()`, in order. */
  readonly checkpoints: (() => Promise<void>)[];
  /**
   * Whether `rows` are the source's own objects, not decoded (see {@link SourceAdapter}):
   * {@link SourceAdapter.decodeShared} gives the decoded row of one for outputs.
   */
  readonly shared: boolean;
  /**
   * Shared steps whose every row has a numeric event time: those times by row (valid up to
   * `rows.length`; the buffer is reused by the next step), their maximum and the column read.
   */
  readonly times?: SourceTimes;
}

/** The event times of a shared step's rows, read by the same pass that checks their types. */
export interface SourceTimes {
  readonly of: Float64Array;
  readonly max: number;
  /** The row property the times were read from (the event-time column). */
  readonly key: string;
}

/** Why a record or item could not become a row. */
export interface SourceError {
  readonly message: string;
  readonly data?: Uint8Array;
  readonly row?: Readonly<Record<string, unknown>>;
}

/** The row property holding a source row's stable identity (for non-windowed output keys). */
export const ROW_KEY = '$key';

function isRecord(item: object): item is SourceRecord {
  return (item as { data?: unknown }).data instanceof Uint8Array;
}

function isBatch(
  item: object,
): item is { records: readonly unknown[]; checkpoint?: unknown; shardId?: unknown } {
  return Array.isArray((item as { records?: unknown }).records);
}

/**
 * Checks an array of source items: the newest event time among them (`-Infinity` when none has
 * one) when all are plain rows whose read values need no decoding, `undefined` otherwise.
 */
/**
 * Returns the newest event time of `items` (-Infinity without one) or `undefined` when they
 * cannot be shared; writes each row's event time to `times.of` and clears `times.timed` when some
 * row has none (null). `times.of` has room for `items.length`.
 */
type SharedCheck = (
  items: readonly unknown[],
  times: { of: Float64Array; timed: boolean },
) => number | undefined;

/** The test (JavaScript source) of values that `coerceValue` returns unchanged, by column type. */
const READY_TESTS: Partial<Record<SqlType, (v: string) => string>> = {
  VARCHAR: (v) => `typeof ${v} === 'string' || ${v} === null`,
  INTEGER: (v) => `Number.isSafeInteger(${v}) || ${v} === null`,
  BIGINT: (v) => `Number.isSafeInteger(${v}) || ${v} === null`,
  DOUBLE: (v) => `(typeof ${v} === 'number' && !Number.isNaN(${v})) || ${v} === null`,
  BOOLEAN: (v) => `typeof ${v} === 'boolean' || ${v} === null`,
  TIMESTAMP: (v) =>
    `(${v} >= -${MAX_TIMESTAMP_MS} && ${v} <= ${MAX_TIMESTAMP_MS}) || ${v} === null`,
};

/**
 * The {@link SharedCheck} for a query reading `needed` of `schema`: generated code reading each
 * column by name, in one pass that also finds the newest event time; `undefined` when some
 * needed column is not a plain column of the schema (ROWTIME, metadata, a JSON path) or code
 * cannot be generated.
 */
function sharedCheck(
  schema: ResolvedSchema,
  needed: ReadonlySet<string>,
  eventKey: string | undefined,
): SharedCheck | undefined {
  const lines: string[] = [];
  let eventVar: string | undefined;
  let index = 0;
  for (const name of needed) {
    const column = schema.columns.find((c) => c.name === name);
    const test = column === undefined ? undefined : READY_TESTS[column.type];
    if (column === undefined || test === undefined) return undefined;
    if (column.steps.length !== 1 || column.steps[0] !== name || column.inherited) return undefined;
    const v = `v${index++}`;
    lines.push(
      `const ${v} = item[${JSON.stringify(name)}];`,
      `if (!(${test(v)})) return undefined;`,
    );
    if (name === eventKey) eventVar = v;
  }
  if (eventKey !== undefined && eventVar === undefined) return undefined;
  const source = [
    'let max = -Infinity;',
    'const out = times.of;',
    'for (let i = 0; i < items.length; i++) {',
    'const item = items[i];',
    "if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;",
    // As `isRecord` and `isBatch`: records and batches are decoded.
    'if (item.data instanceof Uint8Array || Array.isArray(item.records)) return undefined;',
    ...lines,
    ...(eventVar === undefined
      ? []
      : [
          `if (typeof ${eventVar} === 'number') {`,
          `out[i] = ${eventVar};`,
          `if (${eventVar} > max) max = ${eventVar};`,
          '} else times.timed = false;',
        ]),
    '}',
    'return max;',
  ].join('\n');
  return generatedFunction<SharedCheck>(['items', 'times'], source);
}

/**
 * Turns source items (records, consumer batches, plain rows, arrays of them) into rows with
 * ROWTIME and the metadata columns. Bad items and records become {@link SourceError}s; nothing
 * throws. When `keyed`, each row gets `$key`: `sequenceNumber[:subSequenceNumber]` for records
 * (stable across replays), a running number for plain rows.
 *
 * With `shareRows` (the stages neither write to nor keep source rows) and a query reading only
 * plain columns of the schema (no ROWTIME, metadata or JSON paths), an array of plain rows whose
 * read values all have their column's type already is passed on as it is, without a copy per
 * row: decoding would give rows with the same values for every column the query reads.
 */
export class SourceAdapter {
  readonly #decoder: RowDecoder;
  readonly #keyed: boolean;
  readonly #onError: (error: SourceError) => void;
  readonly #eventKey: string | undefined;
  /** The check of source arrays whose rows can be shared; `undefined` when none can. */
  readonly #shared: SharedCheck | undefined;
  #counter = 0;
  /** The event times of the last shared step (grown as needed). */
  readonly #times = { of: new Float64Array(0), timed: true };

  /** @param eventKey the event-time column, whose newest value per shard the steps report. */
  constructor(
    schema: ResolvedSchema,
    needed: ReadonlySet<string>,
    keyed: boolean,
    eventKey: string | undefined,
    onError: (error: SourceError) => void,
    shareRows = false,
  ) {
    this.#decoder = new RowDecoder(schema, needed);
    this.#keyed = keyed;
    this.#eventKey = eventKey;
    this.#onError = onError;
    this.#shared = shareRows && !keyed ? sharedCheck(schema, needed, eventKey) : undefined;
  }

  /** The rows of one source item, all with ROWTIME = `rowtime`. */
  take(item: unknown, rowtime: number): SourceStep {
    if (this.#shared !== undefined && Array.isArray(item)) {
      const step = this.#takeShared(item, this.#shared);
      if (step !== undefined) return step;
    }
    const step: SourceStep = {
      rows: [],
      eventMaxByShard: new Map(),
      checkpoints: [],
      shared: false,
    };
    this.#add(item, rowtime, step, true, '');
    return step;
  }

  /** The decoded row of a shared source row (for outputs showing it: late rows, errors). */
  decodeShared(row: Row, rowtime: number): Row {
    const decoded = this.#decoder.fromObject(row, rowtime);
    return decoded instanceof DecodeFailure ? row : decoded;
  }

  /** The step of an array of plain rows that can be shared; `undefined` when it is not one. */
  #takeShared(items: readonly unknown[], check: SharedCheck): SourceStep | undefined {
    const times = this.#times;
    if (times.of.length < items.length) times.of = new Float64Array(items.length);
    times.timed = true;
    const max = check(items, times);
    if (max === undefined) return undefined;
    const eventMaxByShard = new Map<string, number>();
    if (max !== Number.NEGATIVE_INFINITY) eventMaxByShard.set('', max);
    const key = this.#eventKey;
    if (key === undefined || !times.timed || items.length === 0) {
      return { rows: items as Row[], eventMaxByShard, checkpoints: [], shared: true };
    }
    const stepTimes: SourceTimes = { of: times.of, max, key };
    return {
      rows: items as Row[],
      eventMaxByShard,
      checkpoints: [],
      shared: true,
      times: stepTimes,
    };
  }

  #add(item: unknown, rowtime: number, step: SourceStep, top: boolean, shard: string): void {
    if (Array.isArray(item)) {
      for (const inner of item) this.#add(inner, rowtime, step, top, shard);
      return;
    }
    if (item === null || typeof item !== 'object') {
      this.#onError({
        message: `a source item must be a record, a batch or a row object, got ${item === null ? 'null' : typeof item}`,
      });
      return;
    }
    if (isRecord(item)) {
      const row = this.#decoder.fromRecord(item, rowtime);
      if (row instanceof DecodeFailure) {
        this.#onError({ message: row.message, data: item.data });
        return;
      }
      if (this.#keyed) {
        row[ROW_KEY] =
          item.sequenceNumber === undefined
            ? `#${this.#counter++}`
            : item.subSequenceNumber === undefined
              ? item.sequenceNumber
              : `${item.sequenceNumber}:${item.subSequenceNumber}`;
      }
      step.rows.push(row);
      this.#observe(row, item.shardId ?? shard, step);
      return;
    }
    if (top && isBatch(item)) {
      const batchShard = typeof item.shardId === 'string' ? item.shardId : '';
      for (const record of item.records) this.#add(record, rowtime, step, false, batchShard);
      const checkpoint = item.checkpoint;
      if (typeof checkpoint === 'function')
        step.checkpoints.push(() => checkpoint.call(item) as Promise<void>);
      return;
    }
    const row = this.#decoder.fromObject(item, rowtime);
    if (row instanceof DecodeFailure) {
      this.#onError({ message: row.message, row: item as Record<string, unknown> });
      return;
    }
    if (this.#keyed) row[ROW_KEY] = `#${this.#counter++}`;
    step.rows.push(row);
    this.#observe(row, shard, step);
  }

  /** Per shard, the newest event time: the watermark is the minimum over shards (as Flink's Kinesis source). */
  #observe(row: Row, shard: string, step: SourceStep): void {
    const key = this.#eventKey;
    if (key === undefined) return;
    const time = row[key];
    if (typeof time !== 'number' || !isTimestampMs(time)) return;
    const max = step.eventMaxByShard.get(shard);
    if (max === undefined || time > max) step.eventMaxByShard.set(shard, time);
  }
}
