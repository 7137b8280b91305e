import type { TopKItem } from '../aggregates/top-k.js';
import { TOP_K } from '../aggregates/top-k.js';
import { SqlValidationError } from '../errors.js';
import type { WindowResult } from '../runtime/window-result.js';
import type { SelectStatement, TopKItemsTumbling } from '../sql/ast.js';
import { planGroupedStage, rowtimeColumn } from './grouped-stage.js';
import { findByIdentifier, listNames } from './names.js';
import type { PlannerContext } from './planner-context.js';
import { planProjectionStage } from './projection-stage.js';
import { DERIVED_ROWTIME_KEY, type Row, type StreamPlan } from './query-plan.js';
import { type InputRelation, qualifiersOf, type StageTarget } from './stage-target.js';
import { windowOfGroupBy, windowOfTvf } from './window-detection.js';

/**
 * Plans one SELECT into stages writing `target`: its FROM (a stream, a window TVF, KDA's
 * TOP_K_ITEMS_TUMBLING, a subquery) and then a grouped window stage, a sliding stage or a
 * projection. Returns the stream the rows go to.
 */
export function planSelect(
  ctx: PlannerContext,
  select: SelectStatement,
  target: StageTarget,
  label: string,
): StreamPlan {
  const from = select.from;
  switch (from.kind) {
    case 'window-tvf': {
      const stream = ctx.findStream(from.table);
      const input: InputRelation = { stream, qualifiers: qualifiersOf(stream, from.alias) };
      const detected = windowOfTvf(ctx, stream, from);
      if (select.groupBy.length === 0) {
        throw new SqlValidationError(
          from.position,
          `${from.fn}(...) without GROUP BY (window assignment only) is not supported; aggregate with GROUP BY window_start, window_end, ...`,
        );
      }
      return planGroupedStage(ctx, select, input, detected, target, label);
    }
    case 'top-k-items-tumbling': {
      const items = planTopKItems(ctx, from, label);
      return planBody(
        ctx,
        select,
        { stream: items, qualifiers: from.alias === undefined ? [items.name] : [from.alias.name] },
        target,
        label,
      );
    }
    case 'subquery': {
      const inner = planSelect(ctx, from.query, anonymousTarget(ctx, from.position), label);
      const qualifiers = from.alias === undefined ? [] : [from.alias.name];
      return planBody(ctx, select, { stream: inner, qualifiers }, target, label);
    }
    default: {
      const stream = ctx.findStream(from.name);
      return planBody(
        ctx,
        select,
        { stream, qualifiers: qualifiersOf(stream, from.alias) },
        target,
        label,
      );
    }
  }
}

function planBody(
  ctx: PlannerContext,
  select: SelectStatement,
  input: InputRelation,
  target: StageTarget,
  label: string,
): StreamPlan {
  if (select.groupBy.length === 0) return planProjectionStage(ctx, select, input, target, label);
  const detected = windowOfGroupBy(ctx, input.stream, select.groupBy);
  if (detected === undefined) {
    const first = select.groupBy[0] ?? select;
    throw new SqlValidationError(
      first.position,
      'a GROUP BY over a stream needs a window: add STEP(ROWTIME BY INTERVAL ...) or FLOOR(ROWTIME TO MINUTE) to the GROUP BY, or read FROM TABLE(TUMBLE(...))',
    );
  }
  return planGroupedStage(ctx, select, input, detected, target, label);
}

function anonymousTarget(ctx: PlannerContext, position: SelectStatement['position']): StageTarget {
  const id = ctx.anonymousStreamId();
  return {
    id,
    isOutput: false,
    declared: undefined,
    insertColumns: [],
    what: 'the subquery',
    targetName: id,
    position,
  };
}

/**
 * KDA's `TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM ...), 'column', k, seconds)`: the cursor's
 * rows, a tumbling window of `seconds` over their ROWTIME with an exact `TOP_K(column, k)`,
 * flattened into rows `ITEM`, `ITEM_COUNT` (most frequent first, ties by smaller item).
 */
function planTopKItems(ctx: PlannerContext, from: TopKItemsTumbling, label: string): StreamPlan {
  const cursor = planSelect(ctx, from.cursor, anonymousTarget(ctx, from.cursor.position), label);
  const column = findByIdentifier(
    { name: from.column, quoted: false, position: from.position },
    cursor.columns,
    (c) => c.name,
    'column',
  );
  if (column === undefined) {
    throw new SqlValidationError(
      from.position,
      `TOP_K_ITEMS_TUMBLING counts column '${from.column}', which the cursor does not have; columns: ${listNames(cursor.columns.map((c) => c.name))}`,
    );
  }
  if (!Number.isSafeInteger(from.k) || from.k < 1) {
    throw new SqlValidationError(
      from.position,
      `TOP_K_ITEMS_TUMBLING's k must be a whole number >= 1, got ${from.k}`,
    );
  }
  if (!(from.windowSeconds > 0) || !Number.isSafeInteger(from.windowSeconds * 1000)) {
    throw new SqlValidationError(
      from.position,
      `TOP_K_ITEMS_TUMBLING's window must be a positive number of seconds, got ${from.windowSeconds}`,
    );
  }
  const problem = TOP_K.checkConstants([from.k]);
  if (problem !== undefined) throw new SqlValidationError(from.position, problem);
  const k = from.k;
  const key = column.key;
  const id = ctx.anonymousStreamId();
  const items = ctx.addStream(
    {
      id,
      name: id,
      columns: [
        { name: 'ITEM', type: column.type, key: 'ITEM' },
        { name: 'ITEM_COUNT', type: 'BIGINT', key: 'ITEM_COUNT' },
      ],
      hiddenColumns: [rowtimeColumn()],
      rowtimeKey: DERIVED_ROWTIME_KEY,
      rowtimeDomain: cursor.rowtimeDomain,
      timeAttributes: new Map(),
      isOutput: false,
    },
    from.position,
  );
  const rowtimeKey = cursor.rowtimeKey;
  ctx.addStage({
    input: cursor.id,
    output: id,
    label,
    operator: {
      kind: 'window',
      domain: cursor.rowtimeDomain,
      window: { kind: 'tumble', sizeMs: from.windowSeconds * 1000 },
      prepare: (rows) => rows,
      timeOf: (row) => row[rowtimeKey] as number,
      keyOf: () => '',
      keyValuesOf: () => [],
      aggregates: [{ create: () => TOP_K.create([k], false), argOf: (row) => row[key] }],
      results: (result: WindowResult): readonly Row[] => {
        const top = (result.values[0] ?? []) as readonly TopKItem[];
        return top.map((t) => ({
          ITEM: t.item,
          ITEM_COUNT: t.count,
          [DERIVED_ROWTIME_KEY]: result.windowEnd,
        }));
      },
      multiRow: true,
      writesRows: false,
    },
  });
  return items;
}
