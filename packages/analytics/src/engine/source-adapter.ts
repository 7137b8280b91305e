import type { Row } from '../plan/query-plan.js';
import type { ResolvedSchema } from '../schema/resolve-schema.js';
import { DecodeFailure, RowDecoder, type SourceRecord } from '../schema/row-decoder.js';

/** A source item turned into rows. */
export interface SourceStep {
  readonly rows: Row[];
  /** The newest event time per shard among the rows (when the query has event time). */
  readonly eventMaxByShard: Map<string, number>;
  /** The consumer batches among the item with a `checkpoint()`, in order. */
  readonly checkpoints: (() => Promise<void>)[];
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
 * Turns source items (records, consumer batches, plain rows, arrays of them) into rows with
 * ROWTIME and the metadata columns. Bad items and records become {@link SourceError}s; nothing
 * throws. When `keyed`, each row gets `$key`: `sequenceNumber[:subSequenceNumber]` for records
 * (stable across replays), a running number for plain rows.
 */
export class SourceAdapter {
  readonly #decoder: RowDecoder;
  readonly #keyed: boolean;
  readonly #onError: (error: SourceError) => void;
  readonly #eventKey: string | undefined;
  #counter = 0;

  /** @param eventKey the event-time column, whose newest value per shard the steps report. */
  constructor(
    schema: ResolvedSchema,
    needed: ReadonlySet<string>,
    keyed: boolean,
    eventKey: string | undefined,
    onError: (error: SourceError) => void,
  ) {
    this.#decoder = new RowDecoder(schema, needed);
    this.#keyed = keyed;
    this.#eventKey = eventKey;
    this.#onError = onError;
  }

  /** The rows of one source item, all with ROWTIME = `rowtime`. */
  take(item: unknown, rowtime: number): SourceStep {
    const step: SourceStep = { rows: [], eventMaxByShard: new Map(), checkpoints: [] };
    this.#add(item, rowtime, step, true, '');
    return step;
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
    if (typeof time !== 'number') return;
    const max = step.eventMaxByShard.get(shard);
    if (max === undefined || time > max) step.eventMaxByShard.set(shard, time);
  }
}
