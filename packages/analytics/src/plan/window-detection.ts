import { InvalidOptionError, SqlValidationError } from '../errors.js';
import { validateWindowKind, type WindowKind } from '../runtime/window-kind.js';
import type { ColumnExpr, Expr, FloorToExpr, StepExpr, TimeUnit, WindowTvf } from '../sql/ast.js';
import { findByIdentifier, listNames } from './names.js';
import type { PlannerContext } from './planner-context.js';
import type { PlanColumn, StreamPlan, TimeDomain } from './query-plan.js';

/** A window a grouped SELECT aggregates over. */
export interface DetectedWindow {
  readonly window: WindowKind;
  /** The row property holding the window's time, and its domain. */
  readonly timeKey: string;
  readonly domain: TimeDomain;
  /** KDA: the GROUP BY item that is the window (`STEP(...)`/`FLOOR(...)`); it means window_start. */
  readonly groupItem?: Expr;
  /** Flink SESSION: `PARTITION BY` keys. */
  readonly partitionBy: readonly Expr[];
  /** Whether window_start / window_end / window_time are columns (Flink TVFs). */
  readonly tvf: boolean;
}

const FIXED_UNIT_MS: Partial<Record<TimeUnit, number>> = {
  MILLISECOND: 1,
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

function checked(
  window: WindowKind,
  position: WindowTvf['position'],
  at: Readonly<Record<string, WindowTvf['position'] | undefined>> = {},
): WindowKind {
  try {
    return validateWindowKind(window);
  } catch (error) {
    if (error instanceof InvalidOptionError) {
      const where = at[error.option] ?? position;
      throw new SqlValidationError(where, error.message.replace(/^window\.\w+: /, ''));
    }
    throw error;
  }
}

/** The time column of a window: a TIMESTAMP column of the input that is a time attribute. */
export function timeColumn(
  ctx: PlannerContext,
  stream: StreamPlan,
  ref:
    | ColumnExpr
    | { readonly column: ColumnExpr['column']; readonly position: ColumnExpr['position'] },
): { readonly key: string; readonly domain: TimeDomain } {
  const columns: readonly PlanColumn[] = [...stream.columns, ...stream.hiddenColumns];
  const column = findByIdentifier(ref.column, columns, (c) => c.name, 'column');
  if (column === undefined) {
    throw new SqlValidationError(
      ref.column.position,
      `unknown column "${ref.column.name}"; columns in scope: ${listNames(columns.map((c) => c.name))}`,
    );
  }
  if (column.type !== 'TIMESTAMP') {
    throw new SqlValidationError(
      ref.column.position,
      `a window's time column must be a TIMESTAMP, "${column.name}" is ${column.type}`,
    );
  }
  ctx.onUse(stream)?.(column.key);
  return {
    key: column.key,
    domain: ctx.timeDomainOf(stream, column.key, ref.column.position, column.name),
  };
}

/** The window of a Flink window TVF: `TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)`. */
export function windowOfTvf(
  ctx: PlannerContext,
  stream: StreamPlan,
  tvf: WindowTvf,
): DetectedWindow {
  const [first, second] = tvf.intervals;
  const need = tvf.fn === 'TUMBLE' || tvf.fn === 'SESSION' ? 1 : 2;
  if (first === undefined || (need === 2 && second === undefined)) {
    throw new SqlValidationError(
      tvf.position,
      `${tvf.fn} needs ${need === 1 ? 'an interval' : 'two intervals'}: ${signatureOf(tvf.fn)}`,
    );
  }
  const offsetMs = tvf.offset?.ms;
  let window: WindowKind;
  switch (tvf.fn) {
    case 'TUMBLE':
      window =
        offsetMs === undefined
          ? { kind: 'tumble', sizeMs: first.ms }
          : { kind: 'tumble', sizeMs: first.ms, offsetMs };
      break;
    case 'HOP': {
      const sizeMs = (second as typeof first).ms;
      window =
        offsetMs === undefined
          ? { kind: 'hop', slideMs: first.ms, sizeMs }
          : { kind: 'hop', slideMs: first.ms, sizeMs, offsetMs };
      break;
    }
    case 'CUMULATE':
      window = { kind: 'cumulate', stepMs: first.ms, sizeMs: (second as typeof first).ms };
      break;
    default:
      window = { kind: 'session', gapMs: first.ms };
  }
  const time = timeColumn(ctx, stream, {
    column: tvf.timeColumn,
    position: tvf.timeColumn.position,
  });
  return {
    // Each option's error points at its interval: [size], [slide, size], [step, size] or [gap].
    window: checked(window, tvf.position, {
      'window.sizeMs': (second ?? first).position,
      'window.slideMs': first.position,
      'window.stepMs': first.position,
      'window.gapMs': first.position,
      'window.offsetMs': tvf.offset?.position,
    }),
    timeKey: time.key,
    domain: time.domain,
    partitionBy: tvf.partitionBy,
    tvf: true,
  };
}

function signatureOf(fn: WindowTvf['fn']): string {
  switch (fn) {
    case 'TUMBLE':
      return 'TUMBLE(TABLE t, DESCRIPTOR(ts), size)';
    case 'HOP':
      return 'HOP(TABLE t, DESCRIPTOR(ts), slide, size)';
    case 'CUMULATE':
      return 'CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)';
    default:
      return 'SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)';
  }
}

/**
 * KDA's tumbling window in a GROUP BY: `STEP(ROWTIME BY INTERVAL '10' SECOND)` or
 * `FLOOR(ROWTIME TO MINUTE)` over a time attribute (ROWTIME preferred when there are several:
 * KDA apps write `GROUP BY STEP(ROWTIME ...), STEP(event_time ...)`, where the ROWTIME one is the
 * window and the other an ordinary grouping value). `undefined` when the GROUP BY has none.
 */
export function windowOfGroupBy(
  ctx: PlannerContext,
  stream: StreamPlan,
  groupBy: readonly Expr[],
): DetectedWindow | undefined {
  const columns = [...stream.columns, ...stream.hiddenColumns];
  const candidates: { item: StepExpr | FloorToExpr; operand: ColumnExpr; key: string }[] = [];
  for (const item of groupBy) {
    if (item.kind !== 'step' && item.kind !== 'floor-to') continue;
    if (item.operand.kind !== 'column') continue;
    const column = findByIdentifier(item.operand.column, columns, (c) => c.name, 'column');
    if (column === undefined || column.type !== 'TIMESTAMP') continue;
    candidates.push({ item, operand: item.operand, key: column.key });
  }
  const chosen = candidates.find((c) => c.key === stream.rowtimeKey) ?? candidates[0];
  if (chosen === undefined) return undefined;
  const time = timeColumn(ctx, stream, chosen.operand);
  return {
    window: checked({ kind: 'tumble', sizeMs: sizeOf(chosen.item) }, chosen.item.position),
    timeKey: time.key,
    domain: time.domain,
    groupItem: chosen.item,
    partitionBy: [],
    tvf: false,
  };
}

function sizeOf(item: StepExpr | FloorToExpr): number {
  if (item.kind === 'step') return item.interval.ms;
  if (item.fn === 'CEIL') {
    throw new SqlValidationError(item.position, 'CEIL(... TO unit) cannot be a window; use FLOOR');
  }
  const ms = FIXED_UNIT_MS[item.unit];
  if (ms === undefined) {
    throw new SqlValidationError(
      item.position,
      `FLOOR(... TO ${item.unit}) is not a fixed-length window; use SECOND, MINUTE, HOUR or DAY, or STEP(... BY INTERVAL ...)`,
    );
  }
  return ms;
}
