import type { SourcePosition } from '../errors.js';
import type { SourceSchema } from '../schema/source-schema.js';
import type { ResultSink } from '../sinks/result-sink.js';
import type { SqlType } from '../types.js';
import type { QueryOutput } from './query-output.js';

/** What `runQuery` runs over, and how. Every option but `source` is optional. */
export interface RunQueryOptions {
  /**
   * Records or rows: each item is one of, or an array of:
   * - a Kinesis record `{ data: Uint8Array; approximateArrivalTimestamp?; partitionKey?; sequenceNumber? }`
   *   (decoded with `schema`),
   * - a consumer batch `{ records: readonly Record[]; checkpoint?(): Promise<void> }` (a
   *   KinesisConsumer's `batches()` yields these; `checkpoint` is called once every window its
   *   rows fed has fired and the sinks stored the results — at-least-once; a batch of a window
   *   still open when the run is interrupted is never checkpointed, so a restart replays it),
   * - a plain object: an already decoded row (column name → value; `Date`s for TIMESTAMPs).
   * Every item's rows get the same ROWTIME: `max(previous ROWTIME, clock.now())` when the engine
   * takes the item.
   *
   * A source that ends by itself completes the input: open windows fire as final and every batch
   * is checkpointed. A source with a `readingShards()` method (a consumer's `batches()`, which
   * ends only when the consumer is stopped) ending is an interruption, as `stop()` is.
   */
  readonly source: AsyncIterable<unknown>;
  /** How record data maps to typed columns; inferred from the first source item when absent. */
  readonly schema?: SourceSchema;
  /** The stream/table the SQL reads. @default the one it reads and nothing writes */
  readonly sourceName?: string;
  /** How long after a window fired late rows still update it (`kind: 'update'`). @default 0 */
  readonly allowedLatenessMs?: number;
  /** Early (partial) window results at this interval, for dashboards. @default off */
  readonly earlyResultsIntervalMs?: number;
  /** Event time: when no row arrived for this long, the watermark moves on with the clock. @default off */
  readonly idleTimeoutMs?: number;
  /** Sinks by output stream name (`RESULT`, a pump's target, `error_stream`). */
  readonly sinks?: Readonly<Record<string, ResultSink | readonly ResultSink[]>>;
  /** The clock for ROWTIME, processing-time windows and timers. @default Date */
  readonly clock?: { now(): number };
  /** Aborting interrupts the run as `stop()` does. */
  readonly signal?: AbortSignal;
}

/** A row too late for every window it belongs to (the late side output). */
export interface LateRecord {
  /** The row (column name → value, TIMESTAMPs as `Date`). */
  readonly row: Readonly<Record<string, unknown>>;
  /** The row's time in the late stage's window time (epoch ms). */
  readonly time: number;
  /** That stage's watermark when the row came (epoch ms). */
  readonly watermark: number;
  readonly reason: string;
  /** The pump (or `SELECT`) whose windows the row missed. */
  readonly stage: string;
}

/** A record or row the run could not use (KDA's error_stream). */
export interface ErrorRecord {
  /** The record's data, when a record could not be decoded. */
  readonly data?: Uint8Array;
  /** The row, when an expression failed on it (TIMESTAMPs as `Date`). */
  readonly row?: Readonly<Record<string, unknown>>;
  readonly message: string;
  /** Where in the SQL the failing expression is, when known. */
  readonly position?: SourcePosition;
  /** The pump (or `SELECT`) that failed, when the failure was in a query. */
  readonly stage?: string;
}

/** A snapshot of a run's counters and state size. */
export interface QueryStats {
  /** Source rows decoded. */
  readonly rowsIn: number;
  /** Outputs on output streams (every stream, every kind). */
  readonly rowsOut: number;
  /** Rows sent to the late side output. */
  readonly rowsLate: number;
  /** Records and rows sent to the error output. */
  readonly errors: number;
  /** Windows holding state, over all window stages. */
  readonly openWindows: number;
  /** (window, group) states held, over all window stages. */
  readonly openGroups: number;
  /** The event-time watermark when the query uses event time, else the processing-time one (epoch ms; -Infinity before any row). */
  readonly watermark: number;
  /** Outputs, late rows and errors that no iterator was open to take (sinks may still have had them). */
  readonly unread: number;
  /** Source batches whose `checkpoint()` waits for their windows to fire. */
  readonly pendingCheckpoints: number;
}

/** A running query. Iterating it gives the main output stream. */
export interface QueryRun extends AsyncIterable<QueryOutput> {
  /** The outputs of one stream by name (a pump's target, `RESULT`, `error_stream`). */
  stream(name: string): AsyncIterable<QueryOutput>;
  /** Rows too late for their windows. */
  readonly late: AsyncIterable<LateRecord>;
  /** Records that could not be decoded, rows an expression failed on. */
  readonly errors: AsyncIterable<ErrorRecord>;
  /**
   * Interrupts the run (as aborting `signal`, leaving the main `for await`, or a consumer's
   * `batches()` ending do): stops reading; windows the watermark (or, for ROWTIME, the clock) has
   * closed fire as final, the others are emitted as `early` (partial) results; sinks are flushed
   * and closed; only batches whose windows all fired are checkpointed, so a restart replays the
   * rows of the open windows. Resolves when done.
   */
  stop(): Promise<void>;
  /** Resolves with the final stats when the run ends; rejects when it fails. */
  readonly done: Promise<QueryStats>;
  stats(): QueryStats;
}

/** One column of an output stream. */
export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** A query that was checked and planned, without running it. */
export interface CompiledQuery {
  readonly dialect: 'kda' | 'flink' | 'standard';
  /** The stream or table records are read from. */
  readonly sourceName: string;
  /** The stream iterating a run gives. */
  readonly mainStream: string;
  /** Every output stream and its columns (the main one included). */
  readonly streams: readonly { readonly name: string; readonly columns: readonly OutputColumn[] }[];
  /** Whether windows run on event time (a WATERMARK column) rather than ROWTIME. */
  readonly eventTime: boolean;
}
