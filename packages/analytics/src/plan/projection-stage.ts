import { SqlValidationError } from '../errors.js';
import { compileExpression } from '../expressions/compile-expression.js';
import type { ExpressionScope, ValueSlot } from '../expressions/expression-scope.js';
import type { CallExpr, Expr, Identifier, SelectStatement, WindowSpec } from '../sql/ast.js';
import { isAggregateCall } from './aggregate-calls.js';
import { AggregateSlots } from './aggregate-slots.js';
import { exprSignature } from './expr-signature.js';
import { optional, rowtimeColumn } from './grouped-stage.js';
import { findByIdentifier, listNames } from './names.js';
import { bindOutputs } from './output-columns.js';
import type { PlannerContext } from './planner-context.js';
import {
  DERIVED_ROWTIME_KEY,
  type RankOperatorPlan,
  type Row,
  type SlidingLayerPlan,
  type StreamPlan,
  type TimeDomain,
} from './query-plan.js';
import { groupKeyOf } from './row-keys.js';
import { type CompiledItem, compileSelectItems, requireBoolean } from './select-outputs.js';
import { StageContext } from './stage-context.js';
import type { InputRelation, StageTarget } from './stage-target.js';
import { streamScope } from './stream-scope.js';
import { timeColumn } from './window-detection.js';

const NO_WINDOW_AGGREGATE =
  'a SELECT without GROUP BY (a streaming aggregate needs a window: GROUP BY ..., STEP(ROWTIME BY INTERVAL ...), a window TVF, or OVER for a sliding window)';

/** Analytic ranking functions: only ROW_NUMBER runs (as Flink's window Top-N). */
const RANKING = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'NTILE']);

interface Layer {
  readonly spec: WindowSpec;
  readonly slots: AggregateSlots;
  readonly plan: SlidingLayerPlan;
}

/**
 * Plans a SELECT without GROUP BY: a filter/projection (one output per input row that passes
 * WHERE), or, when the select list has `... OVER w` calls, a sliding-window stage (KDA
 * `WINDOW W AS (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING)`, one output per input row
 * with aggregates over its frame). Calls over different windows run as layers, one after another.
 */
export function planProjectionStage(
  ctx: PlannerContext,
  select: SelectStatement,
  input: InputRelation,
  target: StageTarget,
  label: string,
): StreamPlan {
  const stream = input.stream;
  const stageNumber = ctx.nextStageNumber();
  const stage = new StageContext(stageNumber);
  const inputScope = (
    context: string,
    substitute?: (expr: Expr) => ValueSlot | undefined,
  ): ExpressionScope =>
    streamScope({
      stream,
      qualifiers: input.qualifiers,
      open: ctx.isOpen(stream),
      ...optional('onUse', ctx.onUse(stream)),
      ...optional('substitute', substitute),
      context,
    });
  const resolver = inputScope('a signature');
  const resolve = (ref: Parameters<ExpressionScope['column']>[0]): string =>
    resolver.column(ref)?.key ?? `?${ref.column.name.toUpperCase()}`;

  if (select.distinct) {
    throw new SqlValidationError(
      select.position,
      'SELECT DISTINCT over a stream is not supported (it would remember every row); use GROUP BY with a window',
    );
  }
  if (select.having !== undefined) {
    throw new SqlValidationError(select.having.position, 'HAVING needs a GROUP BY with a window');
  }
  if (select.where !== undefined) {
    const where = compileExpression(select.where, inputScope('WHERE'));
    requireBoolean(where.type, 'WHERE', select.where);
    stage.filter(where.evaluate);
  }

  const layers: Layer[] = [];
  const layerOf = (call: CallExpr): Layer => {
    const spec = windowSpecOf(select, call);
    const known = layers.find((l) => l.spec === spec);
    if (known !== undefined) return known;
    const index = layers.length;
    const partitionReaders = spec.partitionBy.map((e) =>
      stage.reader(e, compileExpression(e, inputScope('PARTITION BY'))),
    );
    if (spec.frame.unit === 'ROWS' && !Number.isFinite(spec.frame.preceding)) {
      throw new SqlValidationError(
        spec.position,
        'an unbounded frame keeps every row of a stream; use RANGE INTERVAL ... PRECEDING or ROWS n PRECEDING',
      );
    }
    const slots = new AggregateSlots(
      stage,
      (c) => inputScope(`the argument of ${c.name}`),
      `${stageNumber}o${index}_`,
    );
    const layer: Layer = {
      spec,
      slots,
      plan: {
        frame:
          spec.frame.unit === 'RANGE'
            ? { rangeMs: spec.frame.preceding.ms }
            : { rows: spec.frame.preceding },
        keyOf: groupKeyOf(partitionReaders),
        aggregates: slots.slots,
        valueKeys: [],
      },
    };
    layers.push(layer);
    return layer;
  };
  let rank: { readonly call: CallExpr; readonly key: string } | undefined;
  const projectScope = inputScope(NO_WINDOW_AGGREGATE, (expr) => {
    if (expr.kind !== 'call') return undefined;
    if (expr.over !== undefined && RANKING.has(expr.name)) {
      if (expr.name !== 'ROW_NUMBER') {
        throw new SqlValidationError(
          expr.position,
          `${expr.name}() is not supported; use ROW_NUMBER() (Flink's window Top-N)`,
        );
      }
      if (rank !== undefined && rank.call !== expr) {
        throw new SqlValidationError(expr.position, 'a SELECT may have one ROW_NUMBER()');
      }
      rank ??= { call: expr, key: stage.key('rownum') };
      return { type: 'BIGINT', key: rank.key };
    }
    if (expr.over !== undefined) {
      const layer = layerOf(expr);
      return layer.slots.slotFor(expr, exprSignature(expr, resolve));
    }
    if (isAggregateCall(expr) && select.windows.length > 0) {
      throw new SqlValidationError(
        expr.position,
        `${expr.name}(...) needs OVER ${select.windows[0]?.name.name ?? 'w'} here (or a GROUP BY with a window)`,
      );
    }
    return undefined;
  });
  const items = compileSelectItems(
    select.items,
    projectScope,
    { input: stream, qualifiers: input.qualifiers },
    (expr) => (expr.kind === 'column' ? nameOfColumn(stream, expr.column) : undefined),
  );
  const use = ctx.onUse(stream);
  if (use !== undefined && items.some((item) => item.expr === undefined)) {
    for (const column of stream.columns) use(column.key);
  }
  const bound = bindOutputs(items, target);
  const build = bound.build;
  const rowtimeKey = stream.rowtimeKey;
  const project = (row: Row): Row => {
    const out = build(row);
    out[DERIVED_ROWTIME_KEY] = row[rowtimeKey];
    return out;
  };
  const timeAttributes = attributesOf(items, bound.keys, stream, resolve);
  const output = ctx.addStream(
    {
      id: target.id,
      name: target.targetName,
      columns: bound.columns,
      hiddenColumns: [rowtimeColumn()],
      rowtimeKey: DERIVED_ROWTIME_KEY,
      rowtimeDomain: stream.rowtimeDomain,
      timeAttributes,
      isOutput: target.isOutput,
    },
    target.position,
  );
  if (rank !== undefined) {
    if (layers.length > 0) {
      throw new SqlValidationError(
        rank.call.position,
        'ROW_NUMBER() cannot share a SELECT with aggregate OVER windows; rank in an outer query',
      );
    }
    ctx.addStage({
      input: stream.id,
      output: output.id,
      label,
      operator: planRank(select, rank.call, rank.key, input, stage, inputScope, project),
    });
    return output;
  }
  if (layers.length === 0) {
    ctx.addStage({
      input: stream.id,
      output: output.id,
      label,
      operator: { kind: 'map', prepare: stage.prepare(), project },
    });
    return output;
  }
  const time = layerTime(ctx, stream, layers);
  ctx.addStage({
    input: stream.id,
    output: output.id,
    label,
    operator: {
      kind: 'sliding',
      domain: time.domain,
      ordered: time.domain === 'processing',
      prepare: stage.prepare(),
      timeOf: (row) => row[time.key] as number,
      layers: layers.map((l) => ({
        ...l.plan,
        valueKeys: l.slots.slots.map((_, i) => `$${stageNumber}o${layers.indexOf(l)}_${i}`),
      })),
      project,
    },
  });
  return output;
}

function windowSpecOf(select: SelectStatement, call: CallExpr): WindowSpec {
  const over = call.over as Identifier | WindowSpec;
  if ('kind' in over) return over;
  const named = findByIdentifier(over, select.windows, (w) => w.name.name, 'window');
  if (named === undefined) {
    throw new SqlValidationError(
      over.position,
      `unknown window "${over.name}"; windows: ${listNames(select.windows.map((w) => w.name.name))}`,
    );
  }
  return named.spec;
}

/** The one time all OVER windows order by: ROWTIME unless `ORDER BY` names an event-time column. */
function layerTime(
  ctx: PlannerContext,
  stream: StreamPlan,
  layers: readonly Layer[],
): { readonly key: string; readonly domain: TimeDomain } {
  let chosen: { key: string; domain: TimeDomain } | undefined;
  for (const { spec } of layers) {
    let time: { key: string; domain: TimeDomain };
    if (spec.orderBy === undefined) {
      time = { key: stream.rowtimeKey, domain: stream.rowtimeDomain };
    } else {
      if (spec.orderBy.kind !== 'column') {
        throw new SqlValidationError(
          spec.orderBy.position,
          'ORDER BY of an OVER window must name a time column (ROWTIME or the WATERMARK column)',
        );
      }
      if (spec.descending === true) {
        throw new SqlValidationError(
          spec.orderBy.position,
          'an OVER window orders by time ascending; remove DESC',
        );
      }
      time = timeColumn(ctx, stream, spec.orderBy);
    }
    if (chosen !== undefined && chosen.key !== time.key) {
      throw new SqlValidationError(
        spec.position,
        'every OVER window of a SELECT must order by the same time column',
      );
    }
    chosen = time;
  }
  return chosen as { key: string; domain: TimeDomain };
}

function nameOfColumn(stream: StreamPlan, id: Identifier): string | undefined {
  return findByIdentifier(id, [...stream.columns, ...stream.hiddenColumns], (c) => c.name, 'column')
    ?.name;
}

/** Output columns that copy an input time attribute stay time attributes. */
function attributesOf(
  items: readonly CompiledItem[],
  keys: readonly string[],
  stream: StreamPlan,
  resolve: (ref: Parameters<ExpressionScope['column']>[0]) => string,
): Map<string, TimeDomain> {
  const attributes = new Map<string, TimeDomain>();
  items.forEach((item, i) => {
    const expr = item.expr;
    let inputKey: string | undefined;
    if (expr === undefined) inputKey = stream.columns.find((c) => c.name === item.name)?.key;
    else if (expr.kind === 'column') inputKey = resolve(expr);
    if (inputKey === undefined) return;
    const domain =
      stream.timeAttributes.get(inputKey) ??
      (inputKey === stream.rowtimeKey ? stream.rowtimeDomain : undefined);
    if (domain !== undefined) attributes.set(keys[i] as string, domain);
  });
  return attributes;
}

/**
 * Flink's window Top-N: `ROW_NUMBER() OVER (PARTITION BY window_start, window_end[, k] ORDER BY x
 * [DESC])` over a window aggregation's result. Checked to be exactly that, since a ROW_NUMBER
 * over an unbounded stream would have to keep every row.
 */
function planRank(
  select: SelectStatement,
  call: CallExpr,
  rankKey: string,
  input: InputRelation,
  stage: StageContext,
  inputScope: (context: string) => ExpressionScope,
  project: (row: Row) => Row,
): RankOperatorPlan {
  const stream = input.stream;
  const spec = windowSpecOf(select, call);
  const needs = `ROW_NUMBER() runs as Flink's window Top-N: OVER (PARTITION BY window_start, window_end ORDER BY x DESC) over the result of a window aggregation`;
  if (call.args.length > 0)
    throw new SqlValidationError(call.position, 'ROW_NUMBER() takes no arguments');
  if (stream.windowed !== true)
    throw new SqlValidationError(call.position, `${needs}; "${stream.name}" is not one`);
  const named = new Set(
    spec.partitionBy.flatMap((e) =>
      e.kind === 'column' ? [nameOfColumn(stream, e.column)?.toLowerCase() ?? ''] : [],
    ),
  );
  if (!named.has('window_start') || !named.has('window_end')) {
    throw new SqlValidationError(
      spec.position,
      `${needs}; its PARTITION BY lacks window_start or window_end`,
    );
  }
  if (spec.orderBy === undefined)
    throw new SqlValidationError(spec.position, `${needs}; ORDER BY is missing`);
  const scope = inputScope('the OVER window of ROW_NUMBER()');
  const partitionReaders = spec.partitionBy.map((e) =>
    stage.reader(e, compileExpression(e, scope)),
  );
  const orderOf = stage.reader(spec.orderBy, compileExpression(spec.orderBy, scope));
  return {
    kind: 'rank',
    prepare: stage.prepare(),
    partitionOf: groupKeyOf(partitionReaders),
    orderOf,
    descending: spec.descending === true,
    tieBreak: stream.columns.map((c) => c.key),
    rankKey,
    project,
  };
}
