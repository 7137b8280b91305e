import { InvalidOptionError } from '../errors.js';
import { type PlanOptions, planQuery } from '../plan/plan-query.js';
import type { QueryPlan } from '../plan/query-plan.js';
import { inferSchema } from '../schema/infer-schema.js';
import type { SourceSchema } from '../schema/source-schema.js';
import { parseSql } from '../sql/parser.js';
import { QueryRunner } from './query-run.js';
import type { CompiledQuery, QueryRun, RunQueryOptions } from './query-types.js';

/**
 * Runs a continuous query (KDA or Flink-style SQL) over `options.source` and returns the run:
 * iterate it for the main output stream (the last pump's target, or `RESULT`), `stream(name)`
 * for another, `late` and `errors` for the side outputs, `done` for the final stats.
 *
 * The run starts reading the source when you start iterating it or read `done` (or by itself,
 * one macrotask later, when `sinks` are given). Open the side iterators (`late`, `errors`,
 * `stream(name)`) before that: each output goes to the iterators open at that moment and to the
 * sinks of its stream; outputs no iterator takes are counted in `stats().unread`, never queued
 * without bound. An open iterator holds up to 10,000 outputs; while one is full the source is
 * not read (back-pressure), so read every iterator you open.
 *
 * ROWTIME is `max(previous ROWTIME, clock.now())` when the engine takes a source item (every
 * row of the item gets the same one): with a fake `clock`, set the time before yielding an item.
 * Processing-time windows fire when a later item arrives, on a timer, and at the end.
 * Event time (a `WATERMARK FOR ts AS ts - INTERVAL ...` column) keeps the newest time per shard
 * (records' or batches' `shardId`; plain rows are one shard): the watermark is the minimum over
 * shards of the watermark expression, newest time minus the delay, as in Flink SQL (a window
 * `[start, end)` fires once the watermark reaches `end - 1`). A source that says which shards it
 * reads (`KinesisConsumer.batches()` has `readingShards()`) makes the watermark wait for shards
 * that have given no rows yet; `idleTimeoutMs` stops a silent shard holding it back.
 *
 * How the run ends decides what is final and what is checkpointed. A source that ends by itself
 * (and is not a consumer's `batches()`) completes the input: every open window fires as final
 * (`insert`) and every batch is checkpointed. An interruption — `run.stop()`, aborting `signal`,
 * leaving the main `for await`, or a consumer's `batches()` ending because the consumer was
 * stopped — emits the windows still open as `early` (partial) results, flushes and closes the
 * sinks, and checkpoints only the batches whose windows all fired, so a restart replays the
 * others. Checkpoints do not depend on who read the outputs: a run nobody iterates and that has
 * no sink (its outputs only counted in `stats().unread`) still checkpoints, and is a mistake.
 *
 * @throws {SqlSyntaxError} / {SqlValidationError} when the SQL is wrong (when `schema` is not
 *   given and the SQL does not declare the source's columns, column errors come later, from
 *   `done` and the iterators, once the schema is inferred from the first source item).
 * @throws {InvalidOptionError} for an option out of range, a sink for an unknown stream.
 * @example
 * ```ts
 * const run = runQuery(
 *   `SELECT window_start, url, COUNT(*) AS hits
 *    FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ROWTIME), INTERVAL '10' SECOND))
 *    GROUP BY window_start, window_end, url`,
 *   { source: consumer.batches(), schema: { columns: { url: { type: 'VARCHAR' } } } },
 * );
 * for await (const output of run) console.log(output.row);
 * ```
 */
export function runQuery(sql: string, options: RunQueryOptions): QueryRun {
  checkOptions(options);
  const script = parseSql(sql);
  const planOptions: PlanOptions = optionsFor(options.schema, options.sourceName);
  const plan = planQuery(script, planOptions);
  const known = plan.source.schema === undefined ? undefined : plan;
  const planFor = (firstItem: unknown): QueryPlan => {
    if (known !== undefined) return known;
    const schema = inferSchema([firstItem]);
    return planQuery(script, optionsFor(schema, plan.source.name));
  };
  checkSinks(options, plan);
  return new QueryRunner(options, planFor, known);
}

/**
 * Parses, resolves and type-checks a query without running it: unknown streams, columns and
 * functions, wrong types, aggregates where none may be, unsupported constructs all throw here.
 * Without a schema (and no CREATE TABLE of the source) source columns are not checked.
 *
 * @throws {SqlSyntaxError} / {SqlValidationError} pointing at line and column.
 * @example
 * ```ts
 * const query = compileQuery(kdaSql, { schema });
 * query.mainStream; // 'DESTINATION_SQL_STREAM'
 * ```
 */
export function compileQuery(
  sql: string,
  options: { schema?: SourceSchema; sourceName?: string } = {},
): CompiledQuery {
  const plan = planQuery(parseSql(sql), optionsFor(options.schema, options.sourceName));
  const main = plan.streams.get(plan.main);
  return {
    dialect: plan.dialect,
    sourceName: plan.source.name,
    mainStream: main?.name ?? plan.main,
    streams: [...plan.streams.values()]
      .filter((s) => s.isOutput)
      .map((s) => ({
        name: s.name,
        columns: s.columns.map((c) => ({ name: c.name, type: c.type })),
      })),
    eventTime: plan.source.eventTime !== undefined,
  };
}

function optionsFor(schema: SourceSchema | undefined, sourceName: string | undefined): PlanOptions {
  return {
    ...(schema === undefined ? {} : { schema }),
    ...(sourceName === undefined ? {} : { sourceName }),
  };
}

function checkOptions(options: RunQueryOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'runQuery needs an options object with `source`');
  }
  const source = options.source as unknown;
  if (
    source === null ||
    typeof source !== 'object' ||
    typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function'
  ) {
    throw new InvalidOptionError('source', 'must be an async iterable of records, batches or rows');
  }
  nonNegative('allowedLatenessMs', options.allowedLatenessMs, true);
  nonNegative('earlyResultsIntervalMs', options.earlyResultsIntervalMs, false);
  nonNegative('idleTimeoutMs', options.idleTimeoutMs, false);
  if (options.clock !== undefined && typeof options.clock.now !== 'function') {
    throw new InvalidOptionError('clock', 'must have a now() method returning epoch milliseconds');
  }
}

function nonNegative(option: string, value: number | undefined, zeroAllowed: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new InvalidOptionError(
      option,
      `must be a finite number of milliseconds ${zeroAllowed ? '>= 0' : '> 0'}, got ${String(value)}`,
    );
  }
}

function checkSinks(options: RunQueryOptions, plan: QueryPlan): void {
  const names = [
    ...[...plan.streams.values()].filter((s) => s.isOutput).map((s) => s.name),
    'error_stream',
  ];
  for (const [name, sinks] of Object.entries(options.sinks ?? {})) {
    if (!names.includes(name)) {
      throw new InvalidOptionError(
        `sinks.${name}`,
        `the query has no output stream "${name}"; streams: ${names.join(', ')}`,
      );
    }
    const list = Array.isArray(sinks) ? sinks : [sinks];
    for (const sink of list as unknown[]) {
      const s = sink as { write?: unknown; close?: unknown } | null;
      if (
        s === null ||
        typeof s !== 'object' ||
        typeof s.write !== 'function' ||
        typeof s.close !== 'function'
      ) {
        throw new InvalidOptionError(
          `sinks.${name}`,
          'each sink needs write(outputs) and close() methods',
        );
      }
    }
  }
}
