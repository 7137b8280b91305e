import type { Accumulator } from '../aggregates/aggregate-function.js';
import { InvalidOptionError } from '../errors.js';
import type { AggregateSlot } from './aggregate-slot.js';
import { latenessOf } from './group-state.js';
import { addLateRow, type LateRow, notFiniteTimeReason } from './late-row.js';
import { TimeOrderedBuffer } from './time-ordered-buffer.js';

/**
 * The frame of an analytic (OVER) window, ending at the current row:
 * - `{ rangeMs }`: `RANGE INTERVAL ... PRECEDING` — the partition's rows with
 *   `time >= t - rangeMs` (the boundary row at exactly `t - rangeMs` is included, as SQL says).
 * - `{ rows }`: `ROWS n PRECEDING` — the current row and the `n` rows before it in the partition.
 */
export type SlidingFrame = { readonly rangeMs: number } | { readonly rows: number };

/** One output of a sliding aggregation: an input row and its aggregate values over its frame. */
export interface SlidingOutput<Row> {
  readonly row: Row;
  /** One value per aggregate slot. */
  readonly values: readonly unknown[];
}

/** What a sliding aggregation needs from the planner. */
export interface SlidingAggregationOptions<Row> {
  /** The frame preceding each row. */
  readonly frame: SlidingFrame;
  /** The row's time (ROWTIME or an event-time column), epoch ms. */
  timeOf(row: Row): number;
  /** The PARTITION BY key as a primitive (`''` without PARTITION BY). */
  keyOf(row: Row): string | number;
  /** The aggregate calls, in SELECT order. */
  readonly aggregates: readonly AggregateSlot<Row>[];
  /**
   * `true` when row times never decrease (ROWTIME): each row is output as it arrives, nothing is
   * buffered, and a row older than the newest one seen goes to `late`. `false` for an event-time
   * column: rows wait until the watermark passes them and then run in time order.
   */
  readonly ordered: boolean;
  /**
   * Unordered only: rows wait until `watermark >= time + allowedLatenessMs`, so rows up to that
   * much behind the watermark are still used (exactly, at the cost of that much more latency).
   * @default 0
   */
  readonly allowedLatenessMs?: number;
  /** Takes the outputs of one call, in processing order (time order, ties in arrival order). */
  emit(outputs: readonly SlidingOutput<Row>[]): void;
  /** Takes the rows of one call that came too late to be processed in time order. */
  late(rows: readonly LateRow<Row>[]): void;
}

/** The rows still in some frame of one partition, as a queue of times and evaluated arguments. */
interface Partition {
  readonly times: number[];
  /** Arguments, `aggregates.length` per row. */
  readonly args: unknown[];
  /** Index of the oldest row still in the frame. */
  head: number;
  /** Running accumulators of the slots that support `remove`, `undefined` for the others. */
  readonly running: (Accumulator | undefined)[];
  lastTime: number;
}

/** Queues shrink once this many evicted rows sit at their front (and they are half the queue). */
const COMPACT_AT = 1024;

/**
 * An analytic window: one output per input row with aggregates over the preceding frame of its
 * partition — KDA `WINDOW W AS (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING)`, Flink
 * `OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)`
 * or `ROWS BETWEEN n PRECEDING AND CURRENT ROW`.
 *
 * Rows are processed in time order, ties in arrival order, and each row's frame holds only the
 * rows processed before it and itself: a row with the same time arriving later is not in it (as
 * KDA, which outputs each row when it arrives; standard SQL RANGE would add such peers).
 *
 * Accumulators with `remove` (COUNT, SUM, AVG) run incrementally; the others (MIN, MAX, ...) are
 * recomputed from the frame's rows for each output, O(frame) per row.
 *
 * Memory: per partition, the rows of the current frame; unordered, plus the rows not yet passed
 * by the watermark. For RANGE, a partition is released once its newest row is more than
 * `rangeMs` behind the newest processed row, so memory follows the partitions active within the
 * range. For ROWS, a partition is **never** released: a row arriving after any pause must still
 * see the `n` rows before it, so `n + 1` rows are kept for every partition key ever seen, until
 * `finish()` — as Flink keeps OVER ... ROWS state without a state TTL. Bound the number of
 * PARTITION BY keys (or use a RANGE frame) for unbounded key spaces; `openPartitions` reports it.
 *
 * @example
 * ```ts
 * const avgPrice = new SlidingAggregation<Trade>({
 *   frame: { rangeMs: 60_000 }, ordered: true,
 *   timeOf: (t) => t.rowtime, keyOf: (t) => t.ticker,
 *   aggregates: [{ create: () => avg.create([], false), argOf: (t) => t.price }],
 *   emit: (outputs) => sink.push(...outputs), late: (rows) => errors.push(...rows),
 * });
 * avgPrice.process(batch);
 * ```
 */
export class SlidingAggregation<Row> {
  readonly #rangeMs: number;
  readonly #rows: number;
  readonly #timeOf: (row: Row) => number;
  readonly #keyOf: (row: Row) => string | number;
  readonly #slots: readonly AggregateSlot<Row>[];
  readonly #ordered: boolean;
  readonly #latenessMs: number;
  readonly #emit: (outputs: readonly SlidingOutput<Row>[]) => void;
  readonly #late: (rows: readonly LateRow<Row>[]) => void;
  readonly #partitions = new Map<string | number, Partition>();
  readonly #buffer = new TimeOrderedBuffer<Row>();
  /** Per slot: whether its accumulators have `remove`; known once the first one is created. */
  #removable: boolean[] | undefined;
  #watermark = Number.NEGATIVE_INFINITY;
  /** The newest processed time: no later processed row is older. */
  #maxTime = Number.NEGATIVE_INFINITY;
  #releaseScanAt = Number.NEGATIVE_INFINITY;
  #pending: SlidingOutput<Row>[] = [];
  #finished = false;
  readonly #processBuffered = (row: Row, time: number): void => {
    this.#processOne(row, time);
  };

  /** @throws InvalidOptionError when the frame or `allowedLatenessMs` is out of range. */
  constructor(options: SlidingAggregationOptions<Row>) {
    const frame = options.frame;
    if ('rangeMs' in frame) {
      if (!(frame.rangeMs >= 0) || !Number.isFinite(frame.rangeMs)) {
        throw new InvalidOptionError(
          'frame.rangeMs',
          `must be a finite number of milliseconds >= 0, got ${String(frame.rangeMs)}`,
        );
      }
      this.#rangeMs = frame.rangeMs;
      this.#rows = Number.POSITIVE_INFINITY;
    } else {
      if (!Number.isSafeInteger(frame.rows) || frame.rows < 0) {
        throw new InvalidOptionError(
          'frame.rows',
          `must be a whole number of preceding rows >= 0, got ${String(frame.rows)}`,
        );
      }
      this.#rangeMs = Number.POSITIVE_INFINITY;
      this.#rows = frame.rows;
    }
    this.#latenessMs = latenessOf(options.allowedLatenessMs);
    this.#timeOf = options.timeOf;
    this.#keyOf = options.keyOf;
    this.#slots = options.aggregates;
    this.#ordered = options.ordered;
    this.#emit = options.emit;
    this.#late = options.late;
  }

  /**
   * Takes a batch. Ordered: outputs every row now. Unordered: buffers the rows the watermark has
   * not passed yet; outputs come from `advanceWatermark`.
   */
  process(rows: readonly Row[]): void {
    let lateRows: LateRow<Row>[] | undefined;
    // The same for every row past the horizon in this call (the watermark moves between calls).
    let pastHorizon: string | undefined;
    const ordered = this.#ordered;
    const horizon = this.#watermark - this.#latenessMs;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Row;
      const time = this.#timeOf(row);
      let reason: string | undefined;
      if (!Number.isFinite(time)) {
        reason = notFiniteTimeReason(time);
      } else if (this.#finished) {
        reason = 'the input has ended: finish() was called';
      } else if (ordered) {
        if (time < this.#maxTime) {
          reason = `the row's time ${time} is before the previous row's ${this.#maxTime} in a stream declared ordered`;
        } else {
          this.#processOne(row, time);
        }
      } else if (time <= horizon) {
        pastHorizon ??= `rows up to the watermark ${this.#watermark} - allowedLatenessMs (${this.#latenessMs}) have been output already`;
        reason = pastHorizon;
      } else {
        this.#buffer.push(row, time);
      }
      if (reason !== undefined) {
        lateRows = addLateRow(lateRows, row, time, this.#watermark, reason);
      }
    }
    if (lateRows !== undefined) this.#late(lateRows);
    this.#flush();
  }

  /**
   * Moves event time forward. Unordered: outputs, in time order, every buffered row with
   * `time <= watermarkMs - allowedLatenessMs`; later rows at or below that are late. Both
   * modes: releases idle partitions. Watermarks never go back.
   */
  advanceWatermark(watermarkMs: number): void {
    if (!(watermarkMs > this.#watermark)) return;
    this.#watermark = watermarkMs;
    if (!this.#ordered) this.#buffer.drain(watermarkMs - this.#latenessMs, this.#processBuffered);
    this.#flush();
  }

  /** End of input: outputs every buffered row, releases all state; rows given afterwards are late. */
  finish(): void {
    this.#finished = true;
    this.#watermark = Number.POSITIVE_INFINITY;
    this.#buffer.drain(Number.POSITIVE_INFINITY, this.#processBuffered);
    this.#flush();
    this.#partitions.clear();
  }

  /**
   * How many partitions hold rows. With a ROWS frame this is every partition key seen so far
   * (see the class comment): watch it when the keys are unbounded.
   */
  get openPartitions(): number {
    return this.#partitions.size;
  }

  /** How many rows wait for the watermark (unordered only). */
  get bufferedRows(): number {
    return this.#buffer.size;
  }

  #flush(): void {
    this.#releaseIdlePartitions();
    if (this.#pending.length === 0) return;
    const outputs = this.#pending;
    this.#pending = [];
    this.#emit(outputs);
  }

  /** Drops partitions no future row can see: their newest row is older than any future frame. */
  #releaseIdlePartitions(): void {
    const range = this.#rangeMs;
    // ROWS frames reach back by count, not time: every partition stays visible (class comment).
    if (range === Number.POSITIVE_INFINITY) return;
    const oldestVisible = this.#maxTime - range;
    // Scanning at most once per `range` of time progress keeps this O(1) amortised per row.
    if (!(oldestVisible > this.#releaseScanAt)) return;
    this.#releaseScanAt = this.#maxTime;
    for (const [key, partition] of this.#partitions) {
      if (partition.lastTime < oldestVisible) this.#partitions.delete(key);
    }
  }

  #processOne(row: Row, time: number): void {
    this.#maxTime = time;
    const slots = this.#slots;
    const stride = slots.length;
    const key = this.#keyOf(row);
    let partition = this.#partitions.get(key);
    if (partition === undefined) {
      partition = this.#newPartition();
      this.#partitions.set(key, partition);
    }
    const { times, args, running } = partition;
    times.push(time);
    partition.lastTime = time;
    for (let a = 0; a < stride; a++) {
      const value = (slots[a] as AggregateSlot<Row>).argOf(row);
      args.push(value);
      running[a]?.add(value);
    }
    // Evict rows that left the frame: older than t - range, or more than `rows` back.
    const oldest = time - this.#rangeMs;
    const maxRows = this.#rows + 1;
    let head = partition.head;
    while ((times[head] as number) < oldest || times.length - head > maxRows) {
      for (let a = 0; a < stride; a++) running[a]?.remove?.(args[head * stride + a]);
      head++;
    }
    if (head >= COMPACT_AT && head * 2 >= times.length) {
      times.splice(0, head);
      args.splice(0, head * stride);
      head = 0;
    }
    partition.head = head;
    const values = new Array<unknown>(stride);
    for (let a = 0; a < stride; a++) {
      const acc = running[a];
      if (acc !== undefined) {
        values[a] = acc.result();
      } else {
        const fresh = (slots[a] as AggregateSlot<Row>).create();
        for (let i = head; i < times.length; i++) fresh.add(args[i * stride + a]);
        values[a] = fresh.result();
      }
    }
    this.#pending.push({ row, values });
  }

  #newPartition(): Partition {
    const slots = this.#slots;
    const running: (Accumulator | undefined)[] = new Array(slots.length);
    let removable = this.#removable;
    if (removable === undefined) {
      removable = [];
      for (const slot of slots) removable.push(typeof slot.create().remove === 'function');
      this.#removable = removable;
    }
    for (let a = 0; a < slots.length; a++) {
      running[a] = removable[a] ? (slots[a] as AggregateSlot<Row>).create() : undefined;
    }
    return { times: [], args: [], head: 0, running, lastTime: Number.NEGATIVE_INFINITY };
  }
}
