import { SqlValidationError } from '../errors.js';
import { compileExpression } from '../expressions/compile-expression.js';
import type { ExpressionScope, ValueSlot } from '../expressions/expression-scope.js';
import type { WindowResult } from '../runtime/window-result.js';
import type { ColumnExpr, Expr, SelectStatement } from '../sql/ast.js';
import { isAggregateCall, isOverCall } from './aggregate-calls.js';
import { AggregateSlots } from './aggregate-slots.js';
import { exprSignature } from './expr-signature.js';
import { bindOutputs } from './output-columns.js';
import type { PlannerContext } from './planner-context.js';
import {
  DERIVED_ROWTIME_KEY,
  type PlanColumn,
  type Row,
  type StreamPlan,
  type TimeDomain,
} from './query-plan.js';
import {
  generatedFunction,
  groupKeyOf,
  groupValuesOf,
  propertyReader,
  timesReader,
} from './row-keys.js';
import { compileSelectItems, requireBoolean } from './select-outputs.js';
import { StageContext } from './stage-context.js';
import type { InputRelation, StageTarget } from './stage-target.js';
import { streamScope } from './stream-scope.js';
import type { DetectedWindow } from './window-detection.js';

const WINDOW_COLUMNS: readonly { readonly name: string; readonly key: string }[] = [
  { name: 'window_start', key: '$ws' },
  { name: 'window_end', key: '$we' },
  { name: 'window_time', key: '$wt' },
];

function windowColumnOf(expr: Expr): (typeof WINDOW_COLUMNS)[number] | undefined {
  if (expr.kind !== 'column') return undefined;
  const id = expr.column;
  return WINDOW_COLUMNS.find((w) =>
    id.quoted ? id.name === w.name : id.name.toLowerCase() === w.name,
  );
}

/**
 * Plans a GROUP BY over a window (Flink window TVF, KDA STEP/FLOOR): WHERE and the grouping
 * values run per row, each aggregate call becomes a slot, and per window result HAVING and the
 * select list run over `{ window bounds, group values, aggregate values }`.
 */
export function planGroupedStage(
  ctx: PlannerContext,
  select: SelectStatement,
  input: InputRelation,
  detected: DetectedWindow,
  target: StageTarget,
  label: string,
): StreamPlan {
  const stream = input.stream;
  const stage = new StageContext(ctx.nextStageNumber());
  const inputScope = (context: string): ExpressionScope =>
    streamScope({
      stream,
      qualifiers: input.qualifiers,
      open: ctx.isOpen(stream),
      ...optional('onUse', ctx.onUse(stream)),
      context,
    });
  const resolver = inputScope('a signature');
  const resolve = (ref: ColumnExpr): string =>
    resolver.column(ref)?.key ?? `?${ref.column.name.toUpperCase()}`;

  if (select.distinct) {
    throw new SqlValidationError(
      select.position,
      'SELECT DISTINCT is not supported with GROUP BY; the GROUP BY already makes rows distinct',
    );
  }
  if (select.where !== undefined) {
    const where = compileExpression(select.where, inputScope('WHERE'));
    requireBoolean(where.type, 'WHERE', select.where);
    stage.filter(where.evaluate);
  }

  const groupSlots = new Map<string, ValueSlot>();
  const groupTexts: string[] = [];
  const keyReaders: ((row: Row) => unknown)[] = [];
  let windowGrouped = false;
  for (const item of select.groupBy) {
    if (item === detected.groupItem) {
      windowGrouped = true;
      continue;
    }
    if (detected.tvf && windowColumnOf(item) !== undefined) {
      windowGrouped = true;
      continue;
    }
    const groupScope = inputScope('GROUP BY');
    const compiled = compileExpression(item, groupScope);
    const signature = exprSignature(item, resolve);
    if (groupSlots.has(signature)) continue;
    groupSlots.set(signature, { type: compiled.type, key: `$g${keyReaders.length}` });
    groupTexts.push(describe(item));
    keyReaders.push(stage.reader(item, compiled, groupScope));
  }
  if (detected.tvf && !windowGrouped) {
    throw new SqlValidationError(
      select.position,
      'a GROUP BY over a window TVF must include window_start and window_end (e.g. GROUP BY window_start, window_end, url)',
    );
  }
  if (detected.window.kind === 'session') {
    const partition = new Set(detected.partitionBy.map((e) => exprSignature(e, resolve)));
    const groups = new Set(groupSlots.keys());
    const same = partition.size === groups.size && [...partition].every((p) => groups.has(p));
    if (!same) {
      throw new SqlValidationError(
        select.position,
        `SESSION windows are kept per group: its PARTITION BY (${detected.partitionBy.map(describe).join(', ') || 'none'}) must name the same columns as the GROUP BY besides the window (${groupTexts.join(', ') || 'none'})`,
      );
    }
  }

  const aggregates = new AggregateSlots(stage, (call) =>
    inputScope(`the argument of ${call.name}`),
  );
  const groupItemSignature =
    detected.groupItem === undefined ? undefined : exprSignature(detected.groupItem, resolve);
  const groupedScope: ExpressionScope = {
    column(ref) {
      const slot = resolver.column(ref);
      if (slot !== undefined) {
        throw new SqlValidationError(
          ref.position,
          `column "${ref.column.name}" must be in GROUP BY or inside an aggregate function; grouped: ${[detected.tvf ? 'window_start, window_end' : describe(detected.groupItem as Expr), ...groupTexts].join(', ')}`,
        );
      }
      return undefined;
    },
    columnNames: () => [
      ...(detected.tvf ? WINDOW_COLUMNS.map((w) => w.name) : []),
      ...resolver.columnNames(),
    ],
    substitute(expr) {
      if (expr.kind === 'call' && isAggregateCall(expr)) {
        return aggregates.slotFor(expr, exprSignature(expr, resolve));
      }
      if (isOverCall(expr)) {
        throw new SqlValidationError(
          expr.position,
          'an OVER window cannot be combined with GROUP BY; use one or the other',
        );
      }
      if (detected.tvf) {
        const windowColumn = windowColumnOf(expr);
        if (windowColumn !== undefined) return { type: 'TIMESTAMP', key: windowColumn.key };
      }
      const signature = exprSignature(expr, resolve);
      const group = groupSlots.get(signature);
      if (group !== undefined) return group;
      if (signature === groupItemSignature) return { type: 'TIMESTAMP', key: '$ws' };
      if (!detected.tvf && expr.kind === 'column' && resolve(expr) === stream.rowtimeKey) {
        // KDA: an aggregated row's ROWTIME is the end of its window.
        return { type: 'TIMESTAMP', key: '$we' };
      }
      return undefined;
    },
  };

  const items = compileSelectItems(
    select.items,
    groupedScope,
    { refuse: 'SELECT * cannot be used with GROUP BY; list the grouped columns and aggregates' },
    (expr) => windowColumnOf(expr)?.name,
  );
  let having: ((row: Row) => unknown) | undefined;
  if (select.having !== undefined) {
    const compiled = compileExpression(select.having, groupedScope);
    requireBoolean(compiled.type, 'HAVING', select.having);
    having = compiled.evaluate;
  }
  const bound = bindOutputs(items, target);
  const groupKeys = [...groupSlots.values()].map((s) => s.key);
  const valueKeys = aggregates.slots.map((_, i) => `$a${i}`);
  const build = bound.build;
  const rowOf = groupedRowReader(groupKeys, valueKeys);
  const results = withdrawing(having !== undefined, (result: WindowResult): readonly Row[] => {
    const row = rowOf(result);
    if (having !== undefined && having(row) !== true) return [];
    const out = build(row);
    out[DERIVED_ROWTIME_KEY] = result.windowEnd;
    return [out];
  });

  const timeAttributes = new Map<string, TimeDomain>();
  items.forEach((item, i) => {
    const windowColumn = item.expr === undefined ? undefined : windowColumnOf(item.expr);
    if (windowColumn?.name === 'window_time')
      timeAttributes.set(bound.keys[i] as string, detected.domain);
  });
  const timeKey = detected.timeKey;
  const output = ctx.addStream(
    {
      id: target.id,
      name: target.targetName,
      columns: bound.columns,
      hiddenColumns: [rowtimeColumn()],
      rowtimeKey: DERIVED_ROWTIME_KEY,
      rowtimeDomain: detected.domain,
      timeAttributes,
      isOutput: target.isOutput,
      windowed: true,
    },
    target.position,
  );
  ctx.addStage({
    input: stream.id,
    output: output.id,
    label,
    operator: {
      kind: 'window',
      domain: detected.domain,
      window: detected.window,
      prepare: stage.prepare(),
      timeOf: propertyReader(timeKey, false) as (row: Row) => number,
      ...optional('timesOf', timesReader(timeKey)),
      ...optional('timeKey', timesReader(timeKey) === undefined ? undefined : timeKey),
      keyOf: groupKeyOf(keyReaders),
      keyValuesOf: groupValuesOf(keyReaders),
      aggregates: aggregates.slots,
      results,
      multiRow: false,
      writesRows: stage.writesRows,
    },
  });
  return output;
}

const WITHDRAWS = Symbol('withdraws');

/**
 * Marks a window stage's `results` as one that may give no row for a (window, key) it gave rows
 * before (HAVING): the engine then remembers what it emitted and retracts a key that stops
 * matching.
 */
function withdrawing<F extends (result: WindowResult) => readonly Row[]>(may: boolean, fn: F): F {
  if (may) (fn as F & { [WITHDRAWS]?: true })[WITHDRAWS] = true;
  return fn;
}

/** Whether a window stage's `results` may withdraw a row it gave before (see `withdrawing`). */
export function mayWithdraw(results: (result: WindowResult) => readonly Row[]): boolean {
  return (results as { [WITHDRAWS]?: true })[WITHDRAWS] === true;
}

/**
 * `{ $ws, $we, $wt, ...group values, ...aggregate values }` of a window result, as generated
 * code: the object is built whole, in one allocation of its final shape (adding the keys one by
 * one grows it past its literal's room); as a closure where code cannot be generated.
 */
function groupedRowReader(
  groupKeys: readonly string[],
  valueKeys: readonly string[],
): (result: WindowResult) => Row {
  const fields = [
    '$ws: r.windowStart',
    '$we: r.windowEnd',
    '$wt: r.windowEnd - 1',
    ...groupKeys.map((key, i) => `${JSON.stringify(key)}: r.keyValues[${i}]`),
    ...valueKeys.map((key, i) => `${JSON.stringify(key)}: r.values[${i}]`),
  ];
  const generated = generatedFunction<(result: WindowResult) => Row>(
    ['r'],
    `return { ${fields.join(', ')} };`,
  );
  if (generated !== undefined) return generated;
  return (result) => {
    const row: Row = { $ws: result.windowStart, $we: result.windowEnd, $wt: result.windowEnd - 1 };
    for (let i = 0; i < groupKeys.length; i++) row[groupKeys[i] as string] = result.keyValues[i];
    for (let i = 0; i < valueKeys.length; i++) row[valueKeys[i] as string] = result.values[i];
    return row;
  };
}

/** The hidden ROWTIME column of a derived stream. */
export function rowtimeColumn(): PlanColumn {
  return { name: 'ROWTIME', type: 'TIMESTAMP', key: DERIVED_ROWTIME_KEY };
}

/** Short text of an expression for messages. */
export function describe(expr: Expr): string {
  switch (expr.kind) {
    case 'column':
      return expr.table === undefined ? expr.column.name : `${expr.table.name}.${expr.column.name}`;
    case 'step':
      return `STEP(${describe(expr.operand)} BY ${expr.interval.text})`;
    case 'floor-to':
      return `${expr.fn}(${describe(expr.operand)} TO ${expr.unit})`;
    case 'call':
      return `${expr.name}(${expr.star ? '*' : expr.args.map(describe).join(', ')})`;
    case 'literal':
      return JSON.stringify(expr.value);
    default:
      return `an expression at line ${expr.position.line}, column ${expr.position.column}`;
  }
}

/** `{ [name]: value }` when value is defined, `{}` otherwise (for exactOptionalPropertyTypes). */
export function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
