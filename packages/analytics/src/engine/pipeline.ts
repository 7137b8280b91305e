import { mayWithdraw } from '../plan/grouped-stage.js';
import type {
  MapOperatorPlan,
  QueryPlan,
  RankOperatorPlan,
  Row,
  SlidingOperatorPlan,
  StagePlan,
  TimeDomain,
  WindowOperatorPlan,
} from '../plan/query-plan.js';
import type { LateRow } from '../runtime/late-row.js';
import { SlidingAggregation, type SlidingOutput } from '../runtime/sliding-aggregation.js';
import { WindowAggregation } from '../runtime/window-aggregation.js';
import type { WindowResult } from '../runtime/window-result.js';
import { ROW_KEY, type SourceTimes } from './source-adapter.js';

/** One output row of a stage, before it becomes a public `QueryOutput`. */
export interface Emitted {
  readonly row: Row;
  readonly kind: 'insert' | 'early' | 'update' | 'retract';
  readonly revision: number;
  readonly key: string;
}

/** Where a pipeline hands what it produces. Called synchronously. */
export interface PipelineHooks {
  /** Rows a stage wrote to an output stream. */
  output(streamId: string, items: readonly Emitted[]): void;
  /** Rows too late for a stage's windows. */
  late(stage: StagePlan, rows: readonly LateRow<Row>[]): void;
  /** A row (or window result) an expression failed on. */
  error(stage: StagePlan, row: Row, error: unknown): void;
}

/** A source batch waiting for its windows: which stateful stage it waits on, and below what time. */
interface PendingCheckpoint {
  readonly done: () => void;
  level: number;
  threshold: number;
}

interface StageNode {
  readonly stage: StagePlan;
  /** Which watermark moves this stage; `undefined` for stateless stages. */
  readonly domain: TimeDomain | undefined;
  /** The largest row time this stage has taken (for checkpoints). */
  readonly maxReceived: number;
  /** `times`: source rows' event times, when the source step has them (see `SourceStep`). */
  take(rows: readonly Row[], times?: SourceTimes): void;
  takeEmitted(items: readonly Emitted[]): void;
  advance(watermark: number): void;
  emitEarly(): void;
  finish(): void;
  /** Whether every row this stage took with a time <= `threshold` is accounted for in its outputs. */
  settled(threshold: number): boolean;
  readonly openWindows: number;
  readonly openGroups: number;
}

/**
 * A window result's upsert identity: window bounds and group values,
 * `${windowStart}/${windowEnd}/${JSON.stringify(keyValues)}` (no JSON for no values). Results
 * come window by window, so the bounds' text is kept from the previous result of the window.
 */
class WindowKeys {
  #start = Number.NaN;
  #end = Number.NaN;
  #prefix = '';

  of(result: WindowResult): string {
    if (result.windowStart !== this.#start || result.windowEnd !== this.#end) {
      this.#start = result.windowStart;
      this.#end = result.windowEnd;
      this.#prefix = `${result.windowStart}/${result.windowEnd}/`;
    }
    const values = result.keyValues;
    if (values.length === 0) return this.#prefix;
    const first = values[0];
    // JSON of a one-string array, without the array: its text is the same.
    if (values.length === 1 && typeof first === 'string') {
      return `${this.#prefix}[${JSON.stringify(first)}]`;
    }
    return this.#prefix + JSON.stringify(values);
  }
}

function kindOf(result: WindowResult): Emitted['kind'] {
  return result.kind === 'final' ? 'insert' : result.kind;
}

/**
 * The running stages of a plan, wired stream to stream. Rows flow synchronously: a stage's
 * outputs go to the run (for output streams) and straight into the stages that read its stream.
 * Stateless (map) stages pass early and update outputs on; stateful stages take only final
 * (`insert`) rows, so partial results are never counted twice.
 */
export class Pipeline {
  readonly #plan: QueryPlan;
  readonly #hooks: PipelineHooks;
  readonly #nodes: StageNode[] = [];
  readonly #readers = new Map<string, StageNode[]>();
  readonly #stateful: StageNode[] = [];
  readonly #pending: PendingCheckpoint[] = [];

  constructor(plan: QueryPlan, allowedLatenessMs: number, hooks: PipelineHooks) {
    this.#plan = plan;
    this.#hooks = hooks;
    for (const stage of plan.stages) {
      const deliver = (items: readonly Emitted[]): void => this.#deliver(stage.output, items);
      const operator = stage.operator;
      let node: StageNode;
      switch (operator.kind) {
        case 'map':
          node = new MapNode(stage, operator, deliver, hooks);
          break;
        case 'window':
          node = new WindowNode(stage, operator, allowedLatenessMs, deliver, hooks);
          break;
        case 'rank':
          node = new RankNode(stage, operator, deliver, hooks);
          break;
        default:
          node = new SlidingNode(stage, operator, allowedLatenessMs, deliver, hooks);
      }
      this.#nodes.push(node);
      if (node.domain !== undefined) this.#stateful.push(node);
      const readers = this.#readers.get(stage.input) ?? [];
      readers.push(node);
      this.#readers.set(stage.input, readers);
    }
  }

  /** Whether any stage reads source rows one by one (their outputs need `$key`). */
  static needsRowKeys(plan: QueryPlan): boolean {
    return plan.stages.some(
      (s) => s.input === plan.source.streamId && s.operator.kind !== 'window',
    );
  }

  /**
   * Whether source rows may be handed to the stages as the very objects the source gave: every
   * stage reading them is a fixed-size window that neither writes to rows nor keeps them.
   */
  static sharesSourceRows(plan: QueryPlan): boolean {
    return plan.stages.every((s) => {
      if (s.input !== plan.source.streamId) return true;
      const operator = s.operator;
      return (
        operator.kind === 'window' && operator.window.kind !== 'session' && !operator.writesRows
      );
    });
  }

  /** The time domains stages run in. */
  domains(): Set<TimeDomain> {
    return new Set(this.#stateful.map((n) => n.domain as TimeDomain));
  }

  /** Source rows in; `times`: their event times, when the source step read them. */
  process(rows: readonly Row[], times?: SourceTimes): void {
    if (rows.length === 0) return;
    for (const node of this.#readers.get(this.#plan.source.streamId) ?? []) node.take(rows, times);
  }

  /** Rows of a stream the engine itself writes (KDA's error_stream) to the stages reading it. */
  processStream(streamId: string, rows: readonly Row[]): void {
    if (rows.length === 0) return;
    for (const node of this.#readers.get(streamId) ?? []) node.take(rows);
  }

  /** Moves the watermark of one domain; stages fire in flow order, so chained windows cascade. */
  advance(domain: TimeDomain, watermark: number): void {
    for (const node of this.#stateful) if (node.domain === domain) node.advance(watermark);
  }

  emitEarly(): void {
    for (const node of this.#stateful) node.emitEarly();
  }

  /** End of input: every stage fires what it holds, in flow order. */
  finish(): void {
    for (const node of this.#nodes) node.finish();
  }

  get openWindows(): number {
    let n = 0;
    for (const node of this.#nodes) n += node.openWindows;
    return n;
  }

  get openGroups(): number {
    let n = 0;
    for (const node of this.#nodes) n += node.openGroups;
    return n;
  }

  /** Batches whose checkpoint still waits. */
  get pendingCheckpoints(): number {
    return this.#pending.length;
  }

  /**
   * Remembers a just-processed source batch: `done` is called (by {@link releaseCheckpoints})
   * once every stateful stage has emitted everything that batch's rows fed. Stages are passed in
   * flow order: a stage's threshold is the newest time it had taken when all stages before it
   * had settled the batch, which covers every row derived from the batch.
   */
  holdCheckpoint(done: () => void): void {
    this.#pending.push({ done, level: 0, threshold: this.#stateful[0]?.maxReceived ?? 0 });
  }

  /** Calls, in arrival order, the checkpoints whose batches are settled; `all` at the end of input. */
  releaseCheckpoints(all = false): void {
    const stages = this.#stateful;
    while (this.#pending.length > 0) {
      const head = this.#pending[0] as PendingCheckpoint;
      if (!all) {
        while (
          head.level < stages.length &&
          (stages[head.level] as StageNode).settled(head.threshold)
        ) {
          head.level++;
          head.threshold = stages[head.level]?.maxReceived ?? 0;
        }
        if (head.level < stages.length) return;
      }
      this.#pending.shift();
      head.done();
    }
  }

  #deliver(streamId: string, items: readonly Emitted[]): void {
    if (items.length === 0) return;
    if (this.#plan.streams.get(streamId)?.isOutput === true) this.#hooks.output(streamId, items);
    const readers = this.#readers.get(streamId);
    if (readers === undefined) return;
    let finals: Row[] | undefined;
    for (const node of readers) {
      if (node.domain === undefined) {
        node.takeEmitted(items);
        continue;
      }
      if (finals === undefined) {
        finals = [];
        for (const item of items) {
          if (item.kind !== 'insert') continue;
          item.row[ROW_KEY] = item.key;
          finals.push(item.row);
        }
      }
      node.take(finals);
    }
  }
}

/**
 * What the stateless stages (a filter/projection, a window Top-N) share: no watermark, no state,
 * nothing held back; the plan, the next stage and where failed rows go.
 */
abstract class StatelessNode<Plan> implements StageNode {
  readonly domain = undefined;
  readonly maxReceived = Number.NEGATIVE_INFINITY;
  readonly openWindows = 0;
  readonly openGroups = 0;
  protected readonly plan: Plan;
  protected readonly deliver: (items: readonly Emitted[]) => void;
  protected readonly fail: (row: Row, error: unknown) => void;

  constructor(
    readonly stage: StagePlan,
    plan: Plan,
    deliver: (items: readonly Emitted[]) => void,
    hooks: PipelineHooks,
  ) {
    this.plan = plan;
    this.deliver = deliver;
    this.fail = (row, error) => hooks.error(stage, row, error);
  }

  abstract take(rows: readonly Row[]): void;
  abstract takeEmitted(items: readonly Emitted[]): void;

  advance(): void {}
  emitEarly(): void {}
  finish(): void {}
  settled(): boolean {
    return true;
  }
}

class MapNode extends StatelessNode<MapOperatorPlan> {
  take(rows: readonly Row[]): void {
    const kept = this.plan.prepare(rows, this.fail);
    const out: Emitted[] = [];
    const project = this.plan.project;
    for (let i = 0; i < kept.length; i++) {
      const row = kept[i] as Row;
      try {
        out.push({ row: project(row), kind: 'insert', revision: 0, key: row[ROW_KEY] as string });
      } catch (error) {
        this.fail(row, error);
      }
    }
    this.deliver(out);
  }

  takeEmitted(items: readonly Emitted[]): void {
    const out: Emitted[] = [];
    for (const item of items) {
      const kept = this.plan.prepare([item.row], this.fail);
      if (kept.length === 0) continue;
      try {
        out.push({
          row: this.plan.project(item.row),
          kind: item.kind,
          revision: item.revision,
          key: item.key,
        });
      } catch (error) {
        this.fail(item.row, error);
      }
    }
    this.deliver(out);
  }
}

class WindowNode implements StageNode {
  readonly domain: TimeDomain;
  maxReceived = Number.NEGATIVE_INFINITY;
  readonly #plan: WindowOperatorPlan;
  readonly #aggregation: WindowAggregation<Row>;
  readonly #deliver: (items: readonly Emitted[]) => void;
  readonly #hooks: PipelineHooks;
  readonly #fail: (row: Row, error: unknown) => void;
  /**
   * With HAVING: the rows last emitted per (window, key), by window end, while the window may
   * still change, so a key that stops matching is retracted. `undefined` without HAVING.
   */
  readonly #shown: Map<number, Map<string, readonly Row[]>> | undefined;
  readonly #latenessMs: number;

  constructor(
    readonly stage: StagePlan,
    plan: WindowOperatorPlan,
    allowedLatenessMs: number,
    deliver: (items: readonly Emitted[]) => void,
    hooks: PipelineHooks,
  ) {
    this.domain = plan.domain;
    this.#plan = plan;
    this.#deliver = deliver;
    this.#hooks = hooks;
    this.#fail = (row, error) => hooks.error(stage, row, error);
    this.#shown = mayWithdraw(plan.results) ? new Map() : undefined;
    this.#latenessMs = allowedLatenessMs;
    this.#aggregation = new WindowAggregation<Row>({
      window: plan.window,
      timeOf: plan.timeOf,
      keyOf: plan.keyOf,
      keyValuesOf: plan.keyValuesOf,
      aggregates: plan.aggregates,
      allowedLatenessMs,
      emit: (results) => this.#emit(results),
      late: (rows) => hooks.late(stage, rows),
    });
  }

  take(rows: readonly Row[], sourceTimes?: SourceTimes): void {
    const kept = this.#plan.prepare(rows, this.#fail);
    if (
      sourceTimes !== undefined &&
      kept === rows &&
      sourceTimes.key === this.#plan.timeKey &&
      !this.#plan.writesRows
    ) {
      // The source's type check read these very times: no second pass.
      if (sourceTimes.max > this.maxReceived) this.maxReceived = sourceTimes.max;
      this.#aggregation.process(kept, sourceTimes.of);
      return;
    }
    const timesOf = this.#plan.timesOf;
    if (timesOf !== undefined) {
      // One pass for the times and their maximum; the aggregation reads them from the array.
      if (this.#times.length < kept.length) this.#times = new Float64Array(kept.length);
      const newest = timesOf(kept, this.#times);
      if (!Number.isNaN(newest)) {
        if (newest > this.maxReceived) this.maxReceived = newest;
        this.#aggregation.process(kept, this.#times);
        return;
      }
    }
    const timeOf = this.#plan.timeOf;
    let max = this.maxReceived;
    for (let i = 0; i < kept.length; i++) {
      const t = timeOf(kept[i] as Row);
      if (t > max) max = t;
    }
    this.maxReceived = max;
    this.#aggregation.process(kept);
  }

  /** The row times of the batch being taken (grown as needed). */
  #times = new Float64Array(0);
  readonly #keys = new WindowKeys();

  takeEmitted(items: readonly Emitted[]): void {
    this.take(items.filter((i) => i.kind === 'insert').map((i) => i.row));
  }

  #emit(results: readonly WindowResult[]): void {
    const out: Emitted[] = [];
    const multiRow = this.#plan.multiRow;
    for (const result of results) {
      let rows: readonly Row[];
      try {
        rows = this.#plan.results(result);
      } catch (error) {
        this.#hooks.error(
          this.stage,
          {
            window_start: result.windowStart,
            window_end: result.windowEnd,
            group: result.keyValues,
          },
          error,
        );
        continue;
      }
      const key = this.#keys.of(result);
      const kind = kindOf(result);
      if (this.#shown !== undefined) this.#withdraw(result, key, rows, out);
      for (let i = 0; i < rows.length; i++) {
        out.push({
          row: rows[i] as Row,
          kind,
          revision: result.revision,
          key: multiRow ? `${key}#${i + 1}` : key,
        });
      }
    }
    this.#deliver(out);
  }

  /**
   * HAVING: remembers the rows emitted for (window, key) and, when a later result of it gives
   * fewer rows (it no longer matches), retracts the missing ones with the rows last sent.
   */
  #withdraw(result: WindowResult, key: string, rows: readonly Row[], out: Emitted[]): void {
    const shown = this.#shown as Map<number, Map<string, readonly Row[]>>;
    let inWindow = shown.get(result.windowEnd);
    const before = inWindow?.get(key);
    if (rows.length > 0 && result.kind !== 'retract') {
      if (inWindow === undefined) {
        inWindow = new Map();
        shown.set(result.windowEnd, inWindow);
      }
      inWindow.set(key, rows);
    } else if (before !== undefined) {
      inWindow?.delete(key);
      if (inWindow?.size === 0) shown.delete(result.windowEnd);
    }
    if (before === undefined) return;
    const multiRow = this.#plan.multiRow;
    for (let i = rows.length; i < before.length; i++) {
      out.push({
        row: before[i] as Row,
        kind: 'retract',
        revision: result.revision,
        key: multiRow ? `${key}#${i + 1}` : key,
      });
    }
  }

  advance(watermark: number): void {
    this.#aggregation.advanceWatermark(watermark);
    const shown = this.#shown;
    if (shown === undefined || shown.size === 0) return;
    // A window's state is released once the watermark passes its end - 1 + allowed lateness.
    for (const end of shown.keys()) {
      if (end - 1 + this.#latenessMs <= watermark) shown.delete(end);
    }
  }

  emitEarly(): void {
    this.#aggregation.emitEarly();
  }

  finish(): void {
    this.#aggregation.finish();
    this.#shown?.clear();
  }

  settled(threshold: number): boolean {
    return this.#aggregation.oldestOpenWindowStart > threshold;
  }

  get openWindows(): number {
    return this.#aggregation.openWindows;
  }

  get openGroups(): number {
    return this.#aggregation.openGroups;
  }
}

class SlidingNode implements StageNode {
  readonly domain: TimeDomain;
  maxReceived = Number.NEGATIVE_INFINITY;
  readonly openWindows = 0;
  readonly openGroups = 0;
  readonly #plan: SlidingOperatorPlan;
  readonly #layers: SlidingAggregation<Row>[];
  readonly #deliver: (items: readonly Emitted[]) => void;
  readonly #fail: (row: Row, error: unknown) => void;
  readonly #latenessMs: number;
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(
    readonly stage: StagePlan,
    plan: SlidingOperatorPlan,
    allowedLatenessMs: number,
    deliver: (items: readonly Emitted[]) => void,
    hooks: PipelineHooks,
  ) {
    this.domain = plan.domain;
    this.#plan = plan;
    this.#deliver = deliver;
    this.#latenessMs = plan.ordered ? 0 : allowedLatenessMs;
    this.#fail = (row, error) => hooks.error(stage, row, error);
    this.#layers = plan.layers.map((layer, index) => {
      const valueKeys = layer.valueKeys;
      const next = (rows: Row[]): void => {
        const following = this.#layers[index + 1];
        if (following === undefined) this.#output(rows);
        else following.process(rows);
      };
      return new SlidingAggregation<Row>({
        frame: layer.frame,
        timeOf: plan.timeOf,
        keyOf: layer.keyOf,
        aggregates: layer.aggregates,
        ordered: plan.ordered,
        allowedLatenessMs: this.#latenessMs,
        emit: (outputs: readonly SlidingOutput<Row>[]) => {
          const rows: Row[] = [];
          for (const output of outputs) {
            for (let j = 0; j < valueKeys.length; j++)
              output.row[valueKeys[j] as string] = output.values[j];
            rows.push(output.row);
          }
          next(rows);
        },
        late: (rows) => hooks.late(stage, rows),
      });
    });
  }

  #output(rows: readonly Row[]): void {
    const out: Emitted[] = [];
    const project = this.#plan.project;
    for (const row of rows) {
      try {
        out.push({ row: project(row), kind: 'insert', revision: 0, key: row[ROW_KEY] as string });
      } catch (error) {
        this.#fail(row, error);
      }
    }
    this.#deliver(out);
  }

  take(rows: readonly Row[]): void {
    const kept = this.#plan.prepare(rows, this.#fail);
    const timeOf = this.#plan.timeOf;
    let max = this.maxReceived;
    for (let i = 0; i < kept.length; i++) {
      const t = timeOf(kept[i] as Row);
      if (t > max) max = t;
    }
    this.maxReceived = max;
    (this.#layers[0] as SlidingAggregation<Row>).process(kept);
  }

  takeEmitted(items: readonly Emitted[]): void {
    this.take(items.filter((i) => i.kind === 'insert').map((i) => i.row));
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const layer of this.#layers) layer.advanceWatermark(watermark);
  }

  emitEarly(): void {}

  finish(): void {
    this.#watermark = Number.POSITIVE_INFINITY;
    for (const layer of this.#layers) layer.finish();
  }

  settled(threshold: number): boolean {
    return this.#plan.ordered || this.#watermark >= threshold + this.#latenessMs;
  }
}

/** Orders SQL values: numbers and strings by `<`, NULL last. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Window Top-N: ranks each delivery of final window results per partition. Early and update
 * results are not ranked (a partial window would give wrong ranks).
 */
class RankNode extends StatelessNode<RankOperatorPlan> {
  take(rows: readonly Row[]): void {
    this.takeEmitted(
      rows.map((row) => ({ row, kind: 'insert', revision: 0, key: row[ROW_KEY] as string })),
    );
  }

  takeEmitted(items: readonly Emitted[]): void {
    const plan = this.plan;
    const keyOf = new Map<Row, Emitted>();
    for (const item of items) if (item.kind === 'insert') keyOf.set(item.row, item);
    const kept = plan.prepare([...keyOf.keys()], this.fail);
    const partitions = new Map<string | number, Row[]>();
    for (const row of kept) {
      const partition = plan.partitionOf(row);
      const list = partitions.get(partition);
      if (list === undefined) partitions.set(partition, [row]);
      else list.push(row);
    }
    const sign = plan.descending ? -1 : 1;
    const out: Emitted[] = [];
    for (const rows of partitions.values()) {
      rows.sort((a, b) => {
        const byOrder = compareValues(plan.orderOf(a), plan.orderOf(b));
        if (byOrder !== 0) return sign * byOrder;
        for (const key of plan.tieBreak) {
          const c = compareValues(a[key], b[key]);
          if (c !== 0) return c;
        }
        return 0;
      });
      rows.forEach((row, i) => {
        row[plan.rankKey] = i + 1;
        const item = keyOf.get(row) as Emitted;
        try {
          out.push({
            row: plan.project(row),
            kind: 'insert',
            revision: item.revision,
            key: item.key,
          });
        } catch (error) {
          this.fail(row, error);
        }
      });
    }
    this.deliver(out);
  }
}
