import type { AggregateSlot } from '../runtime/aggregate-slot.js';
import type { SlidingFrame } from '../runtime/sliding-aggregation.js';
import type { WindowKind } from '../runtime/window-kind.js';
import type { WindowResult } from '../runtime/window-result.js';
import type { ResolvedSchema } from '../schema/resolve-schema.js';
import type { SqlType } from '../types.js';

/** A row as the engine passes it between stages: column key → engine value. */
export type Row = Record<string, unknown>;

/** Which watermark drives a stateful stage: the clock (`ROWTIME`) or an event-time column. */
export type TimeDomain = 'processing' | 'event';

/** A column of a stream: its public name, engine type, and the row property holding it. */
export interface PlanColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly key: string;
}

/** The row property holding the time of a derived stream's row (its `ROWTIME`). */
export const DERIVED_ROWTIME_KEY = '$rowtime';

/** A stream rows flow through: the source, an in-application stream, a subquery's result. */
export interface StreamPlan {
  /** Unique within the plan. */
  readonly id: string;
  /** The name as declared (or `RESULT`, or `(subquery)`), for outputs and messages. */
  readonly name: string;
  /** The columns `SELECT *` gives, in order. */
  readonly columns: readonly PlanColumn[];
  /** Columns a query may name but `*` leaves out (ROWTIME and the other metadata columns). */
  readonly hiddenColumns: readonly PlanColumn[];
  /** The row property holding ROWTIME. */
  readonly rowtimeKey: string;
  /** What drives ROWTIME's windows: the clock for the source, the producing stage's otherwise. */
  readonly rowtimeDomain: TimeDomain;
  /** Columns usable as window time (`DESCRIPTOR(ts)`, `ORDER BY ts`), by key. */
  readonly timeAttributes: ReadonlyMap<string, TimeDomain>;
  /** Whether runs hand this stream's rows out (`run.stream(name)`, sinks). */
  readonly isOutput: boolean;
  /** Whether a window aggregation writes it: each window's rows arrive together (window Top-N). */
  readonly windowed?: boolean;
}

/** Runs the per-row expressions a stage needs before its operator: WHERE, computed keys. */
export type PrepareRows = (
  rows: readonly Row[],
  fail: (row: Row, error: unknown) => void,
) => readonly Row[];

/** A stateless stage: filter and project, one output per input row that passes. */
export interface MapOperatorPlan {
  readonly kind: 'map';
  readonly prepare: PrepareRows;
  /** The output row (with `$rowtime`); throws an evaluation error for a row that fails. */
  readonly project: (row: Row) => Row;
}

/** A GROUP BY over windows. */
export interface WindowOperatorPlan {
  readonly kind: 'window';
  readonly domain: TimeDomain;
  readonly window: WindowKind;
  readonly prepare: PrepareRows;
  readonly timeOf: (row: Row) => number;
  /**
   * Writes `timeOf` of each row to `out` in one call (no boxed number per row) and returns the
   * largest; returns NaN, with `out` partly written, when some row's time is not a number.
   */
  readonly timesOf?: (rows: readonly Row[], out: Float64Array) => number;
  /** The row property `timesOf` reads (set with `timesOf`). */
  readonly timeKey?: string;
  readonly keyOf: (row: Row) => string | number;
  readonly keyValuesOf: (row: Row) => readonly unknown[];
  readonly aggregates: readonly AggregateSlot<Row>[];
  /**
   * The output rows of one window result (HAVING applied; with `$rowtime` = window end); several
   * for a flattened TOP_K. Throws an evaluation error for a result that fails.
   */
  readonly results: (result: WindowResult) => readonly Row[];
  /** Whether one result may give several rows (their keys then carry a rank). */
  readonly multiRow: boolean;
  /** Whether `prepare` stores computed values in the rows (else it leaves them untouched). */
  readonly writesRows: boolean;
}

/** One `OVER` window of a sliding stage and the aggregate calls over it. */
export interface SlidingLayerPlan {
  readonly frame: SlidingFrame;
  readonly keyOf: (row: Row) => string | number;
  readonly aggregates: readonly AggregateSlot<Row>[];
  /** Where each aggregate's value is stored in the row. */
  readonly valueKeys: readonly string[];
}

/** Analytic (OVER) windows: one output per input row. */
export interface SlidingOperatorPlan {
  readonly kind: 'sliding';
  readonly domain: TimeDomain;
  /** True for ROWTIME (times never decrease): nothing is buffered. */
  readonly ordered: boolean;
  readonly prepare: PrepareRows;
  readonly timeOf: (row: Row) => number;
  readonly layers: readonly SlidingLayerPlan[];
  readonly project: (row: Row) => Row;
}

/**
 * Flink's window Top-N: `ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY x
 * DESC)` over a window aggregation's results. A window's rows arrive together (one firing), so
 * each delivery is ranked on its own and nothing is kept between them.
 */
export interface RankOperatorPlan {
  readonly kind: 'rank';
  readonly prepare: PrepareRows;
  readonly partitionOf: (row: Row) => string | number;
  readonly orderOf: (row: Row) => unknown;
  readonly descending: boolean;
  /** Ties are broken by these row properties, ascending, so ranks are deterministic. */
  readonly tieBreak: readonly string[];
  /** Where the row number is stored in the row. */
  readonly rankKey: string;
  readonly project: (row: Row) => Row;
}

/** What a stage runs. */
export type OperatorPlan =
  | MapOperatorPlan
  | WindowOperatorPlan
  | SlidingOperatorPlan
  | RankOperatorPlan;

/** One SELECT (a KDA pump's, an INSERT's, a bare one, a subquery's) as a running operator. */
export interface StagePlan {
  /** The stream the stage reads. */
  readonly input: string;
  /** The stream the stage writes. */
  readonly output: string;
  /** The pump's name, or `SELECT`, for messages and KDA's error_stream `PUMP_NAME`. */
  readonly label: string;
  readonly operator: OperatorPlan;
}

/** Where rows come from and how records become rows. */
export interface SourcePlan {
  /** As written in the SQL (e.g. `SOURCE_SQL_STREAM_001`). */
  readonly name: string;
  readonly streamId: string;
  /** How to decode records; `undefined` when neither SQL nor options declared the columns. */
  readonly schema: ResolvedSchema | undefined;
  /** The source columns the query reads (decoding skips the others). */
  readonly neededColumns: ReadonlySet<string>;
  /** The event-time column and its watermark delay, when a stage uses event time. */
  readonly eventTime: { readonly key: string; readonly delayMs: number } | undefined;
}

/** A whole query: streams and stages in the order rows flow. */
export interface QueryPlan {
  readonly dialect: 'kda' | 'flink' | 'standard';
  readonly source: SourcePlan;
  readonly streams: ReadonlyMap<string, StreamPlan>;
  /** Every stage comes after the stages writing its input. */
  readonly stages: readonly StagePlan[];
  /** The stream `for await (const o of run)` gives: the last pump's target, or RESULT. */
  readonly main: string;
}
