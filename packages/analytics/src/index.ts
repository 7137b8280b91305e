export type { Accumulator, AggregateFunction } from './aggregates/aggregate-function.js';
export {
  AnalyticsError,
  AnalyticsErrorCode,
  InvalidOptionError,
  type SourcePosition,
  SqlError,
  SqlSyntaxError,
  SqlValidationError,
} from './errors.js';
export type * as Ast from './sql/ast.js';
export { isNumericType, type SqlType, type SqlValue } from './types.js';
