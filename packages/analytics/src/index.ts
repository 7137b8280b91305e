export type { Accumulator, AggregateFunction } from './aggregates/aggregate-function.js';
export { AGGREGATE_FUNCTIONS, findAggregate } from './aggregates/registry.js';
export { OUTPUT_BUFFER_LIMIT } from './engine/defaults.js';
export type { QueryOutput } from './engine/query-output.js';
export type {
  CompiledQuery,
  ErrorRecord,
  LateRecord,
  OutputColumn,
  QueryRun,
  QueryStats,
  RunQueryOptions,
} from './engine/query-types.js';
export { compileQuery, runQuery } from './engine/run-query.js';
export {
  AnalyticsError,
  AnalyticsErrorCode,
  InvalidOptionError,
  type SourcePosition,
  SqlError,
  SqlSyntaxError,
  SqlValidationError,
} from './errors.js';
export { ExpressionEvaluationError } from './expressions/expression-evaluation-error.js';
export { ERROR_STREAM, KDA_SOURCE, RESULT_STREAM } from './plan/plan-query.js';
export type { AggregateSlot } from './runtime/aggregate-slot.js';
export type { LateRow } from './runtime/late-row.js';
export {
  SlidingAggregation,
  type SlidingAggregationOptions,
  type SlidingFrame,
  type SlidingOutput,
} from './runtime/sliding-aggregation.js';
export { BoundedOutOfOrdernessWatermark } from './runtime/watermark.js';
export { WindowAggregation } from './runtime/window-aggregation.js';
export type { WindowKind } from './runtime/window-kind.js';
export type { WindowAggregationOptions, WindowResult } from './runtime/window-result.js';
export { inferSchema } from './schema/infer-schema.js';
export { METADATA_COLUMNS } from './schema/metadata-columns.js';
export type { SourceColumn, SourceSchema } from './schema/source-schema.js';
export {
  ALERT_SINK_DEFAULTS,
  type Alert,
  type AlertSinkOptions,
  alertSink,
} from './sinks/alert-sink.js';
export { callbackSink } from './sinks/callback-sink.js';
export { type FirehoseSinkOptions, firehoseSink } from './sinks/firehose-sink.js';
export { type KinesisStreamSinkOptions, kinesisStreamSink } from './sinks/kinesis-stream-sink.js';
export type { ResultSink } from './sinks/result-sink.js';
export { type OutputFormat, serializeOutput, serializeRow } from './sinks/serialize-output.js';
export { SinkClosedError, SinkFailedError } from './sinks/sink-errors.js';
export type * as Ast from './sql/ast.js';
export { type FormatSqlOptions, formatSql } from './sql/format-sql.js';
export { parseSql } from './sql/parser.js';
export { toFlinkSql } from './sql/to-flink-sql.js';
export { isNumericType, type SqlType, type SqlValue } from './types.js';
