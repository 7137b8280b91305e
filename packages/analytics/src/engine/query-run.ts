import { InvalidOptionError } from '../errors.js';
import { ExpressionEvaluationError } from '../expressions/expression-evaluation-error.js';
import { ERROR_STREAM } from '../plan/plan-query.js';
import {
  DERIVED_ROWTIME_KEY,
  type QueryPlan,
  type Row,
  type StagePlan,
  type TimeDomain,
} from '../plan/query-plan.js';
import type { LateRow } from '../runtime/late-row.js';
import type { ResultSink } from '../sinks/result-sink.js';
import { SinkFailedError } from '../sinks/sink-errors.js';
import { OUTPUT_BUFFER_LIMIT } from './defaults.js';
import { OutputChannel } from './output-channel.js';
import { type Emitted, Pipeline } from './pipeline.js';
import { type RowConverter, rowConverter } from './public-row.js';
import type { QueryOutput } from './query-output.js';
import type {
  ErrorRecord,
  LateRecord,
  QueryRun,
  QueryStats,
  RunQueryOptions,
} from './query-types.js';
import { clampWait, processingGranularityMs, untilNextBoundary } from './run-timers.js';
import { ROW_KEY, SourceAdapter, type SourceError } from './source-adapter.js';

const STOP = Symbol('stop');

/** Builds the plan once the first source item is known (schema inference), or returns the plan. */
export type PlanProvider = (firstItem: unknown) => QueryPlan;

interface Output {
  readonly streamId: string;
  readonly outputs: QueryOutput[];
}

/** Where an `error_stream` row goes: the query's own pumps (`fed`), its reader or sink (`shown`). */
interface ErrorStreamTargets {
  readonly fed: boolean;
  readonly shown: boolean;
}

/**
 * A running query: reads the source, runs the pipeline, hands outputs to iterators and sinks,
 * fires processing-time windows on a timer, and checkpoints consumer batches once their
 * windows fired. All pipeline work runs one step at a time (`#exclusive`), so timer ticks never
 * interleave with a batch.
 */
export class QueryRunner implements QueryRun {
  readonly #options: RunQueryOptions;
  readonly #clock: { now(): number };
  readonly #planFor: PlanProvider;
  readonly #sinks = new Map<string, readonly ResultSink[]>();
  readonly #main: OutputChannel<QueryOutput>;
  readonly #streamChannels = new Map<string, OutputChannel<QueryOutput>>();
  readonly #late: OutputChannel<LateRecord>;
  readonly #errors: OutputChannel<ErrorRecord>;
  readonly #done: Promise<QueryStats>;
  #resolveDone!: (stats: QueryStats) => void;
  #rejectDone!: (error: unknown) => void;
  #signalStop: () => void;
  #stopSignalled = false;

  #plan: QueryPlan | undefined;
  #mainStreamId: string | undefined;
  #pipeline: Pipeline | undefined;
  #adapter: SourceAdapter | undefined;
  #converters = new Map<string, RowConverter>();
  #domains = new Set<TimeDomain>();
  #state: 'idle' | 'running' | 'stopping' | 'ended' = 'idle';
  #lock: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;

  #outbox: Output[] = [];
  #lateBox: LateRecord[] = [];
  #errorBox: ErrorRecord[] = [];
  #errorStreamBox: QueryOutput[] = [];
  #checkpointsDue: (() => Promise<void>)[] = [];

  #rowtimeFloor = Number.NEGATIVE_INFINITY;
  #processingWatermark = Number.NEGATIVE_INFINITY;
  /** Per shard of the source: its newest event time and when it last gave rows. */
  readonly #shards = new Map<string, { max: number; lastAt: number }>();
  #eventWatermark = Number.NEGATIVE_INFINITY;
  #lastArrivalAt = Number.NEGATIVE_INFINITY;
  #watermarkAtArrival = Number.NEGATIVE_INFINITY;
  #nextEarlyAt = Number.POSITIVE_INFINITY;
  #granularityMs: number | undefined;

  #rowsIn = 0;
  #rowsOut = 0;
  #rowsLate = 0;
  #errorCount = 0;
  #unread = 0;
  #errorSeq = 0;

  constructor(options: RunQueryOptions, planFor: PlanProvider, knownPlan: QueryPlan | undefined) {
    this.#options = options;
    this.#clock = options.clock ?? Date;
    this.#planFor = planFor;
    this.#plan = knownPlan;
    this.#mainStreamId = knownPlan?.main;
    for (const [name, sinks] of Object.entries(options.sinks ?? {})) {
      const list: readonly ResultSink[] = Array.isArray(sinks) ? sinks : [sinks as ResultSink];
      this.#sinks.set(name, list);
    }
    this.#main = new OutputChannel(OUTPUT_BUFFER_LIMIT, {
      onFirstNext: () => this.#start(),
      onReturn: () => void this.stop().catch(() => undefined),
    });
    this.#late = new OutputChannel(OUTPUT_BUFFER_LIMIT);
    this.#errors = new OutputChannel(OUTPUT_BUFFER_LIMIT);
    this.#done = new Promise<QueryStats>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // A run that fails while nobody awaits `done` must not crash the process: the failure is
    // also thrown to every open iterator.
    this.#done.catch(() => undefined);
    this.#signalStop = () => {
      this.#stopSignalled = true;
      for (const wake of this.#stopWaiters) wake(STOP);
      this.#stopWaiters.clear();
    };
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) void this.stop().catch(() => undefined);
      else
        signal.addEventListener('abort', () => void this.stop().catch(() => undefined), {
          once: true,
        });
    }
    // Sinks consume without anyone iterating: start on the next macrotask.
    if (this.#sinks.size > 0) setImmediate(() => this.#start());
  }

  // Public API ----------------------------------------------------------------------------------

  [Symbol.asyncIterator](): AsyncIterator<QueryOutput> {
    return this.#main[Symbol.asyncIterator]();
  }

  stream(name: string): AsyncIterable<QueryOutput> {
    const id = this.#resolveStreamName(name);
    let channel = this.#streamChannels.get(id);
    if (channel === undefined) {
      channel = new OutputChannel(OUTPUT_BUFFER_LIMIT);
      if (this.#state === 'ended') channel.end();
      this.#streamChannels.set(id, channel);
    }
    return channel;
  }

  get late(): AsyncIterable<LateRecord> {
    return this.#late;
  }

  get errors(): AsyncIterable<ErrorRecord> {
    return this.#errors;
  }

  get done(): Promise<QueryStats> {
    this.#start();
    return this.#done;
  }

  async stop(): Promise<void> {
    if (this.#state === 'idle') {
      // Never started: nothing is read, sinks are closed, `done` resolves.
      this.#state = 'stopping';
      this.#signalStop();
      void this.#run();
    } else if (this.#state === 'running') {
      this.#state = 'stopping';
      this.#signalStop();
    }
    await this.#done.then(
      () => undefined,
      () => undefined,
    );
  }

  stats(): QueryStats {
    const pipeline = this.#pipeline;
    return {
      rowsIn: this.#rowsIn,
      rowsOut: this.#rowsOut,
      rowsLate: this.#rowsLate,
      errors: this.#errorCount,
      openWindows: pipeline?.openWindows ?? 0,
      openGroups: pipeline?.openGroups ?? 0,
      watermark: this.#domains.has('event') ? this.#eventWatermark : this.#processingWatermark,
      unread: this.#unread,
      pendingCheckpoints: pipeline?.pendingCheckpoints ?? 0,
    };
  }

  // Running -------------------------------------------------------------------------------------

  #start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    void this.#run();
  }

  async #run(): Promise<void> {
    let iterator: AsyncIterator<unknown> | undefined;
    try {
      if (this.#plan !== undefined) this.#setUp(this.#plan);
      if (this.#state === 'running') iterator = this.#options.source[Symbol.asyncIterator]();
      while (iterator !== undefined && this.#state === 'running') {
        const next = await this.#nextOrStop(iterator);
        if (next === STOP || next.done === true) break;
        const arrivedAt = this.#clock.now();
        if (this.#pipeline === undefined) this.#setUp(this.#planFor(next.value));
        await this.#exclusive(() => this.#step(next.value, arrivedAt));
        await this.#afterStep();
      }
      if (iterator !== undefined && this.#state === 'stopping')
        void iterator.return?.()?.catch?.(() => undefined);
      // The input is complete only when a source that is not a consumer ended by itself; a
      // stop, an abort, leaving the main iterator, or a consumer's `batches()` ending (it ends
      // only when the consumer is stopped) interrupts the run.
      const complete = this.#state === 'running' && !isConsumerSource(this.#options.source);
      this.#state = 'stopping';
      this.#clearTimer();
      await this.#exclusive(() => (complete ? this.#finishInput() : this.#interrupt()));
      await this.#afterLock;
      if (this.#timerError !== undefined) throw this.#timerError;
      await this.#flush(false);
      await this.#runCheckpoints();
      await this.#closeSinks();
      this.#end(undefined);
      this.#resolveDone(this.stats());
    } catch (error) {
      this.#clearTimer();
      if (iterator !== undefined) void Promise.resolve(iterator.return?.()).catch(() => undefined);
      await this.#closeSinks().catch(() => undefined);
      this.#end(error);
      this.#rejectDone(error);
    }
  }

  /**
   * End of input: every open window fires as final (`insert`) and every batch is checkpointed;
   * under the lock.
   */
  #finishInput(): void {
    this.#feedErrorStream();
    this.#pipeline?.finish();
    // Failures of the final window results still reach the (stateless) error pumps.
    this.#feedErrorStream();
    this.#pipeline?.releaseCheckpoints(true);
    this.#collectCheckpoints();
  }

  /**
   * Interruption: windows the clock has closed fire as final, the others are emitted as
   * `early` (partial) results, and only the batches whose windows all fired are checkpointed,
   * so a restart replays the rest; under the lock.
   */
  #interrupt(): void {
    const pipeline = this.#pipeline;
    if (pipeline !== undefined) {
      // As a timer tick would: rows read later get a ROWTIME of at least now.
      this.#rowtimeFloor = Math.max(this.#rowtimeFloor, this.#clock.now());
      this.#moveProcessingWatermark(this.#rowtimeFloor - 1);
      this.#feedErrorStream();
      pipeline.emitEarly();
      this.#feedErrorStream();
      pipeline.releaseCheckpoints();
    }
    this.#collectCheckpoints();
  }

  /** The source's next item, or STOP once the run is stopped. */
  #nextOrStop(iterator: AsyncIterator<unknown>): Promise<IteratorResult<unknown> | typeof STOP> {
    return this.#orStop(Promise.resolve(iterator.next()));
  }

  /**
   * `promise`'s value, or STOP as soon as the run is stopped. Not `Promise.race` with a stop
   * promise: each race leaves a reaction on that never-settling promise which keeps the race's
   * result (a whole batch, for a read) alive until the run ends.
   */
  async #orStop<T>(promise: Promise<T>): Promise<T | typeof STOP> {
    if (this.#stopSignalled) return STOP;
    let wake: ((value: typeof STOP) => void) | undefined;
    try {
      return await new Promise<T | typeof STOP>((resolve, reject) => {
        wake = resolve;
        this.#stopWaiters.add(resolve);
        promise.then(resolve, reject);
      });
    } finally {
      if (wake !== undefined) this.#stopWaiters.delete(wake);
    }
  }

  /** The waits of {@link #orStop} in progress, woken with STOP when the run is stopped. */
  readonly #stopWaiters = new Set<(value: typeof STOP) => void>();

  #setUp(plan: QueryPlan): void {
    this.#plan = plan;
    this.#mainStreamId = plan.main;
    this.#checkSinkNames(plan);
    const schema = plan.source.schema;
    if (schema === undefined) {
      throw new InvalidOptionError(
        'schema',
        'the source has no columns: pass `schema` or a CREATE TABLE for the source',
      );
    }
    this.#adapter = new SourceAdapter(
      schema,
      plan.source.neededColumns,
      Pipeline.needsRowKeys(plan),
      plan.source.eventTime?.key,
      (e) => this.#sourceError(e),
      Pipeline.sharesSourceRows(plan),
    );
    const latenessMs = this.#options.allowedLatenessMs ?? 0;
    this.#pipeline = new Pipeline(plan, latenessMs, {
      output: (streamId, items) => this.#takeOutputs(streamId, items),
      late: (stage, rows) => this.#takeLate(stage, rows),
      error: (stage, row, error) => this.#takeError(stage, row, error),
    });
    for (const [id, stream] of plan.streams) {
      this.#converters.set(id, rowConverter(stream, stream.id === plan.source.streamId));
    }
    this.#domains = this.#pipeline.domains();
    this.#granularityMs = processingGranularityMs(plan);
    const early = this.#options.earlyResultsIntervalMs;
    if (early !== undefined) this.#nextEarlyAt = this.#clock.now() + early;
    this.#armTimer();
  }

  #checkSinkNames(plan: QueryPlan): void {
    for (const name of this.#sinks.keys()) {
      if (name === ERROR_STREAM) continue;
      const stream = plan.streams.get(name);
      if (stream === undefined || !stream.isOutput) {
        throw new InvalidOptionError(
          `sinks.${name}`,
          `the query has no output stream "${name}"; streams: ${this.#outputNames(plan).join(', ')}`,
        );
      }
    }
  }

  #outputNames(plan: QueryPlan): string[] {
    return [
      ...[...plan.streams.values()].filter((s) => s.isOutput).map((s) => s.name),
      ERROR_STREAM,
    ];
  }

  #resolveStreamName(name: string): string {
    if (name === ERROR_STREAM || name.toLowerCase() === ERROR_STREAM) return ERROR_STREAM;
    const plan = this.#plan;
    if (plan === undefined) return name;
    if (plan.streams.get(name)?.isOutput === true) return name;
    const loose = [...plan.streams.values()].filter(
      (s) => s.isOutput && s.name.toUpperCase() === name.toUpperCase(),
    );
    if (loose.length === 1) return (loose[0] as (typeof loose)[number]).id;
    throw new InvalidOptionError(
      'stream',
      `the query has no output stream "${name}"; streams: ${this.#outputNames(plan).join(', ')}`,
    );
  }

  /** One source item through the pipeline; synchronous, under the lock. */
  #step(item: unknown, arrivedAt: number): void {
    const pipeline = this.#pipeline as Pipeline;
    const rowtime = Math.max(this.#rowtimeFloor, arrivedAt);
    this.#rowtimeFloor = rowtime;
    const step = (this.#adapter as SourceAdapter).take(item, rowtime);
    const rows = step.rows;
    this.#rowsIn += rows.length;
    if (step.shared) {
      this.#sharedRows = rows;
      try {
        pipeline.process(rows, step.times);
      } finally {
        this.#sharedRows = undefined;
        this.#sharedSet = undefined;
      }
    } else pipeline.process(rows);
    const eventTime = (this.#plan as QueryPlan).source.eventTime;
    if (eventTime !== undefined && step.eventMaxByShard.size > 0) {
      for (const [shard, max] of step.eventMaxByShard) {
        const known = this.#shards.get(shard);
        if (known === undefined) this.#shards.set(shard, { max, lastAt: arrivedAt });
        else {
          if (max > known.max) known.max = max;
          known.lastAt = arrivedAt;
        }
      }
      this.#lastArrivalAt = arrivedAt;
      this.#moveEventWatermark(this.#shardWatermark(arrivedAt, eventTime.delayMs));
      this.#watermarkAtArrival = this.#eventWatermark;
    }
    this.#moveProcessingWatermark(rowtime - 1);
    this.#feedErrorStream();
    for (const checkpoint of step.checkpoints) {
      pipeline.holdCheckpoint(() => this.#checkpointsDue.push(checkpoint));
    }
    pipeline.releaseCheckpoints();
  }

  /**
   * Flink SQL's bounded out-of-orderness per shard (the watermark is the shard's newest time
   * minus the delay), and the query's watermark is the minimum over shards, so a shard read
   * ahead of the others does not make theirs late. With `idleTimeoutMs`, shards silent that long
   * no longer hold it back.
   */
  #shardWatermark(now: number, delayMs: number): number {
    this.#followReadingShards(now);
    const idle = this.#options.idleTimeoutMs;
    let min = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (const shard of this.#shards.values()) {
      if (shard.max > newest) newest = shard.max;
      if (idle !== undefined && now - shard.lastAt >= idle) continue;
      if (shard.max < min) min = shard.max;
    }
    const bound = min === Number.POSITIVE_INFINITY ? newest : min;
    return bound - delayMs;
  }

  /**
   * A source that says which shards it reads now (a `KinesisConsumer`'s `batches()`) makes the
   * watermark wait for each of them: a shard that has given no rows yet holds it back (its rows
   * would otherwise be late because another shard's batch came first), and a shard no longer
   * read (ended, or handed to another worker) stops holding it.
   */
  #followReadingShards(now: number): void {
    const source = this.#options.source as { readingShards?: () => Iterable<string> };
    if (typeof source.readingShards !== 'function') return;
    const reading = new Set(source.readingShards());
    for (const shardId of reading) {
      if (!this.#shards.has(shardId)) {
        this.#shards.set(shardId, { max: Number.NEGATIVE_INFINITY, lastAt: now });
      }
    }
    for (const shardId of this.#shards.keys()) {
      if (!reading.has(shardId)) this.#shards.delete(shardId);
    }
  }

  #moveProcessingWatermark(watermark: number): void {
    if (!(watermark > this.#processingWatermark)) return;
    this.#processingWatermark = watermark;
    if (this.#domains.has('processing')) this.#pipeline?.advance('processing', watermark);
  }

  #moveEventWatermark(watermark: number): void {
    if (!(watermark > this.#eventWatermark)) return;
    this.#eventWatermark = watermark;
    if (this.#domains.has('event')) this.#pipeline?.advance('event', watermark);
  }

  /** Timer work: processing time, early results, idleness; under the lock. */
  #tick(): void {
    const pipeline = this.#pipeline;
    if (pipeline === undefined || this.#state !== 'running') return;
    const now = this.#clock.now();
    // Rows arriving later get a ROWTIME of at least `now`, so windows ending by then can fire.
    this.#rowtimeFloor = Math.max(this.#rowtimeFloor, now);
    this.#moveProcessingWatermark(this.#rowtimeFloor - 1);
    const idle = this.#options.idleTimeoutMs;
    const eventTime = this.#plan?.source.eventTime;
    if (
      idle !== undefined &&
      eventTime !== undefined &&
      this.#lastArrivalAt > Number.NEGATIVE_INFINITY
    ) {
      // Idle shards stop holding the watermark back; when no shard gave rows for that long,
      // the watermark moves on with the clock.
      this.#moveEventWatermark(this.#shardWatermark(now, eventTime.delayMs));
      const idleFor = now - this.#lastArrivalAt - idle;
      if (idleFor > 0) this.#moveEventWatermark(this.#watermarkAtArrival + idleFor);
    }
    const early = this.#options.earlyResultsIntervalMs;
    if (early !== undefined && now >= this.#nextEarlyAt) {
      pipeline.emitEarly();
      this.#nextEarlyAt = now + early;
    }
    this.#feedErrorStream();
    pipeline.releaseCheckpoints();
  }

  #armTimer(): void {
    this.#clearTimer();
    if (this.#state !== 'running') return;
    const now = this.#clock.now();
    const waits: number[] = [];
    if (this.#granularityMs !== undefined) waits.push(untilNextBoundary(now, this.#granularityMs));
    const early = this.#options.earlyResultsIntervalMs;
    if (early !== undefined) waits.push(clampWait(this.#nextEarlyAt - now));
    if (this.#options.idleTimeoutMs !== undefined && this.#domains.has('event')) {
      waits.push(clampWait(this.#options.idleTimeoutMs));
    }
    if (waits.length === 0) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#exclusive(() => this.#tick())
          .then(() => this.#afterStep())
          .then(
            () => this.#armTimer(),
            (error: unknown) => this.#failFromTimer(error),
          );
      },
      Math.min(...waits),
    );
  }

  #failFromTimer(error: unknown): void {
    // The source loop notices through the stop signal; the error wins over a normal end.
    this.#timerError ??= error;
    if (this.#state === 'running') {
      this.#state = 'stopping';
      this.#signalStop();
    }
  }

  #timerError: unknown;

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Flushes and checkpoints after a step or tick, one at a time so sinks see outputs in order. */
  #afterStep(): Promise<void> {
    const run = this.#afterLock.then(async () => {
      if (this.#timerError !== undefined) throw this.#timerError;
      this.#collectCheckpoints();
      await this.#flush(true);
      await this.#runCheckpoints();
    });
    this.#afterLock = run.catch(() => undefined);
    return run;
  }

  #afterLock: Promise<void> = Promise.resolve();

  #dueNow: (() => Promise<void>)[] = [];

  #collectCheckpoints(): void {
    if (this.#checkpointsDue.length === 0) return;
    this.#dueNow.push(...this.#checkpointsDue);
    this.#checkpointsDue = [];
  }

  async #runCheckpoints(): Promise<void> {
    while (this.#dueNow.length > 0) {
      const checkpoint = this.#dueNow.shift() as () => Promise<void>;
      try {
        await checkpoint();
      } catch (error) {
        this.#errorCount++;
        this.#errors.push([{ message: `checkpoint failed: ${messageOf(error)}` }]);
      }
    }
  }

  #exclusive(work: () => void): Promise<void> {
    const run = this.#lock.then(work);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  // Outputs -------------------------------------------------------------------------------------

  #takeOutputs(streamId: string, items: readonly Emitted[]): void {
    const convert = this.#converters.get(streamId) as RowConverter;
    const stream = (this.#plan as QueryPlan).streams.get(streamId);
    const name = stream?.name ?? streamId;
    // Appends to the last outbox entry when it is the same stream's (no intermediate array).
    const last = this.#outbox.at(-1);
    let outputs: QueryOutput[];
    if (last !== undefined && last.streamId === streamId) outputs = last.outputs;
    else {
      outputs = [];
      this.#outbox.push({ streamId, outputs });
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Emitted;
      outputs.push({
        stream: name,
        kind: item.kind,
        revision: item.revision,
        key: item.key,
        row: convert(item.row),
      });
    }
  }

  /**
   * The decoded row of `row` when it is a source row of the step being processed that the
   * adapter passed on undecoded (see `SourceStep.shared`); `row` itself otherwise. `isInput`:
   * the row is known to be one the stage took (a late row), not one it made (a failed result).
   */
  #decoded(stage: StagePlan, row: Row, isInput: boolean): Row {
    const shared = this.#sharedRows;
    if (shared === undefined || stage.input !== (this.#plan as QueryPlan).source.streamId) {
      return row;
    }
    if (!isInput) {
      this.#sharedSet ??= new Set(shared);
      if (!this.#sharedSet.has(row)) return row;
    }
    return (this.#adapter as SourceAdapter).decodeShared(row, this.#rowtimeFloor);
  }

  /** The undecoded source rows of the step being processed, and them as a set once needed. */
  #sharedRows: readonly Row[] | undefined;
  #sharedSet: Set<Row> | undefined;

  #takeLate(stage: StagePlan, rows: readonly LateRow<Row>[]): void {
    this.#rowsLate += rows.length;
    const targets = this.#errorStreamTargets(stage.input !== ERROR_STREAM);
    if (!this.#late.hasReaders && !targets.fed && !targets.shown) {
      // Nobody reads them: counted as unread, as #flush counts the rows of an output nobody
      // reads, without building records for nobody (a query without a late reader over a
      // disordered stream would otherwise spend much of its time on them).
      this.#unread += rows.length;
      return;
    }
    const convert = this.#converters.get(stage.input) as RowConverter;
    for (const late of rows) {
      const record: LateRecord = {
        row: convert(this.#decoded(stage, late.row, true)),
        time: late.time,
        watermark: late.watermark,
        reason: late.reason,
        stage: stage.label,
      };
      this.#lateBox.push(record);
      this.#errorStream(
        'LateRow',
        late.reason,
        record.row,
        late.time,
        stage.label,
        undefined,
        targets,
      );
    }
  }

  #takeError(stage: StagePlan, taken: Row, error: unknown): void {
    this.#errorCount++;
    const row = this.#decoded(stage, taken, false);
    const convert = this.#converters.get(stage.input);
    const publicRow = convert === undefined || row.$ws !== undefined ? row : convert(row);
    const position = error instanceof ExpressionEvaluationError ? error.position : undefined;
    this.#errorBox.push({
      row: publicRow,
      message: messageOf(error),
      stage: stage.label,
      ...(position === undefined ? {} : { position }),
    });
    const rowtime = row.ROWTIME ?? row.$rowtime;
    this.#errorStream(
      'EvaluationError',
      messageOf(error),
      publicRow,
      typeof rowtime === 'number' ? rowtime : undefined,
      stage.label,
      undefined,
      this.#errorStreamTargets(stage.input !== ERROR_STREAM),
    );
  }

  #sourceError(error: SourceError): void {
    this.#errorCount++;
    this.#errorBox.push(error);
    this.#errorStream(
      'DecodeError',
      error.message,
      error.row,
      undefined,
      undefined,
      error.data,
      this.#errorStreamTargets(true),
    );
  }

  /**
   * Where an `error_stream` row would go now: to the query's pumps that read `error_stream`
   * (`fed`, only with `feed`), to its reader or sink (`shown`).
   */
  #errorStreamTargets(feed: boolean): ErrorStreamTargets {
    return {
      fed: feed && this.#plan?.streams.has(ERROR_STREAM) === true,
      shown:
        this.#streamChannels.get(ERROR_STREAM)?.hasReaders === true ||
        this.#sinks.has(ERROR_STREAM),
    };
  }

  /**
   * KDA's error_stream row for an error or late row, built only when someone takes it: the
   * pumps reading error_stream, the `error_stream` output (iterator, sink); see `targets`.
   */
  #errorStream(
    name: string,
    message: string,
    row: Readonly<Record<string, unknown>> | undefined,
    rowtime: number | undefined,
    pump: string | undefined,
    data: Uint8Array | undefined,
    { fed, shown }: ErrorStreamTargets,
  ): void {
    if (!fed && !shown) return;
    const dataRow =
      row !== undefined
        ? JSON.stringify(row)
        : data !== undefined
          ? Buffer.from(data).toString('utf8')
          : null;
    const now = this.#clock.now();
    const key = `error/${this.#errorSeq++}`;
    const values = {
      ERROR_TIME: now,
      ERROR_LEVEL: 'ERROR',
      ERROR_NAME: name,
      MESSAGE: message,
      DATA_ROWTIME: rowtime ?? null,
      DATA_ROW: dataRow,
      PUMP_NAME: pump ?? null,
    };
    if (fed) {
      this.#errorRows.push({
        ...values,
        [DERIVED_ROWTIME_KEY]: Math.max(this.#rowtimeFloor, now),
        [ROW_KEY]: key,
      });
    }
    if (shown) {
      this.#errorStreamBox.push({
        stream: ERROR_STREAM,
        kind: 'insert',
        revision: 0,
        key,
        row: {
          ...values,
          ERROR_TIME: new Date(now),
          DATA_ROWTIME: rowtime === undefined ? null : new Date(rowtime),
        },
      });
    }
  }

  /**
   * Feeds the error rows of the last step to the pumps reading `error_stream` (after the step,
   * never from inside it; their own failures are not fed back, so an error pump cannot loop).
   */
  #feedErrorStream(): void {
    while (this.#errorRows.length > 0) {
      const rows = this.#errorRows;
      this.#errorRows = [];
      this.#pipeline?.processStream(ERROR_STREAM, rows);
    }
  }

  #errorRows: Row[] = [];

  /** Hands what the last step produced to iterators and sinks; then waits while a reader is full. */
  async #flush(wait: boolean): Promise<void> {
    const outbox = this.#outbox;
    const lates = this.#lateBox;
    const errors = this.#errorBox;
    const errorStream = this.#errorStreamBox;
    this.#outbox = [];
    this.#lateBox = [];
    this.#errorBox = [];
    this.#errorStreamBox = [];
    const writes: Promise<void>[] = [];
    for (const { streamId, outputs } of outbox) {
      this.#rowsOut += outputs.length;
      let taken = false;
      if (streamId === this.#mainStreamId) taken = this.#main.push(outputs) || taken;
      const channel = this.#streamChannels.get(streamId);
      if (channel !== undefined) taken = channel.push(outputs) || taken;
      if (!taken) this.#unread += outputs.length;
      const stream = (this.#plan as QueryPlan).streams.get(streamId);
      const sinks =
        this.#sinks.get(streamId) ??
        (stream === undefined ? undefined : this.#sinks.get(stream.name));
      for (const sink of sinks ?? []) writes.push(write(sink, streamId, outputs));
    }
    if (lates.length > 0 && !this.#late.push(lates)) this.#unread += lates.length;
    if (errors.length > 0 && !this.#errors.push(errors)) this.#unread += errors.length;
    if (errorStream.length > 0) {
      this.#streamChannels.get(ERROR_STREAM)?.push(errorStream);
      for (const sink of this.#sinks.get(ERROR_STREAM) ?? [])
        writes.push(write(sink, ERROR_STREAM, errorStream));
    }
    await Promise.all(writes);
    if (!wait) return;
    for (;;) {
      const channels = [this.#main, this.#late, this.#errors, ...this.#streamChannels.values()];
      const full = channels.filter((c) => c.full);
      if (full.length === 0 || this.#state !== 'running') return;
      const next = await this.#orStop(Promise.all(full.map((c) => c.whenNotFull())));
      if (next === STOP) return;
    }
  }

  async #closeSinks(): Promise<void> {
    const sinks = [...new Set([...this.#sinks.values()].flat())];
    const results = await Promise.allSettled(sinks.map((s) => s.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  #end(error: unknown): void {
    this.#state = 'ended';
    this.#main.end(error);
    this.#late.end(error);
    this.#errors.end(error);
    for (const channel of this.#streamChannels.values()) channel.end(error);
  }
}

async function write(
  sink: ResultSink,
  streamId: string,
  outputs: readonly QueryOutput[],
): Promise<void> {
  try {
    await sink.write(outputs);
  } catch (error) {
    if (error instanceof SinkFailedError) throw error;
    throw new SinkFailedError(`sink of stream "${streamId}"`, outputs, [error]);
  }
}

/** Whether the source is a consumer's `batches()`, which ends only when the consumer is stopped. */
function isConsumerSource(source: unknown): boolean {
  return typeof (source as { readingShards?: unknown }).readingShards === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
