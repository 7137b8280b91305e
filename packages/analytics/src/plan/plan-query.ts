import { InvalidOptionError, type SourcePosition, SqlValidationError } from '../errors.js';
import { sqlTypeOf } from '../expressions/cast.js';
import { METADATA_COLUMNS, ROWTIME_KEY } from '../schema/metadata-columns.js';
import { type ResolvedSchema, resolveSchema } from '../schema/resolve-schema.js';
import type { SourceColumn, SourceSchema } from '../schema/source-schema.js';
import type {
  CreateStreamStatement,
  CreateTableStatement,
  FromItem,
  Identifier,
  Script,
  SelectStatement,
} from '../sql/ast.js';
import type { SqlType } from '../types.js';
import { findByIdentifier, identifierMatches, listNames } from './names.js';
import { planSelect } from './plan-select.js';
import type { PlannerContext } from './planner-context.js';
import {
  DERIVED_ROWTIME_KEY,
  type PlanColumn,
  type QueryPlan,
  type StagePlan,
  type StreamPlan,
  type TimeDomain,
} from './query-plan.js';
import type { StageTarget } from './stage-target.js';

/** What the planner may be told besides the SQL. */
export interface PlanOptions {
  /** How source records map to columns (KDA's source schema). With a Flink `CREATE TABLE` of
   * the source, the table names the columns and `schema` adds paths, the format, and types
   * (a schema's type wins over the table's). */
  readonly schema?: SourceSchema;
  /** The stream or table the SQL reads records from. @default the one it reads and nothing writes */
  readonly sourceName?: string;
}

/** The stream name of a bare SELECT's results. */
export const RESULT_STREAM = 'RESULT';

/** The stream a KDA application reads its source records from. */
export const KDA_SOURCE = 'SOURCE_SQL_STREAM_001';

/** KDA's in-application error stream (its rows are the run's `errors`). */
export const ERROR_STREAM = 'error_stream';

type Declaration = CreateStreamStatement | CreateTableStatement;

interface Query {
  readonly select: SelectStatement;
  readonly target: Identifier | undefined;
  readonly insertColumns: readonly Identifier[];
  readonly label: string;
  readonly what: string;
  readonly position: SourcePosition;
  readonly reads: readonly Identifier[];
}

/**
 * Turns a parsed script (either dialect) into a {@link QueryPlan}: finds the source, its columns
 * and time, plans every SELECT (KDA pumps, Flink INSERTs, a bare SELECT) in the order their
 * inputs become available, and checks each against the stream it writes.
 *
 * @throws {SqlValidationError} for unknown streams, columns and functions, wrong types, an
 *   aggregate where none may be, a column neither grouped nor aggregated, unsupported constructs.
 * @throws {InvalidOptionError} for a bad `schema` or a `sourceName` the SQL does not read.
 */
export function planQuery(script: Script, options: PlanOptions = {}): QueryPlan {
  return new QueryPlanner(script, options).plan();
}

class QueryPlanner implements PlannerContext {
  readonly dialect: QueryPlan['dialect'];
  readonly #script: Script;
  readonly #options: PlanOptions;
  readonly #declarations: Declaration[] = [];
  readonly #streams = new Map<string, StreamPlan>();
  readonly #stages: StagePlan[] = [];
  readonly #needed = new Set<string>();
  #stageCount = 0;
  #anonymousCount = 0;
  #source: StreamPlan | undefined;
  #sourceOpen = false;
  #watermark: { key: string; delayMs: number } | undefined;
  #eventTime: { key: string; delayMs: number } | undefined;

  constructor(script: Script, options: PlanOptions) {
    this.#script = script;
    this.#options = options;
    this.dialect = script.dialect;
  }

  plan(): QueryPlan {
    const queries = this.#collect();
    const source = this.#planSource(queries);
    if (queries.some((q) => q.reads.some(isErrorStream))) {
      this.#streams.set(ERROR_STREAM, errorStreamPlan());
    }
    const planned = new Set<Query>();
    while (planned.size < queries.length) {
      const ready = queries.find(
        (q) => !planned.has(q) && q.reads.every((r) => this.#available(r, queries, planned)),
      );
      if (ready === undefined) this.#explainStuck(queries, planned);
      const query = ready as Query;
      planned.add(query);
      planSelect(this, query.select, this.#targetOf(query), query.label);
    }
    const last = queries.at(-1) as Query;
    const main = last.target === undefined ? RESULT_STREAM : this.#streamIdOf(last.target);
    let schema: ResolvedSchema | undefined;
    if (!this.#sourceOpen) schema = this.#sourceSchema(source);
    if (this.#eventTime !== undefined) this.#needed.add(this.#eventTime.key);
    return {
      dialect: this.dialect,
      source: {
        name: source.name,
        streamId: source.id,
        schema,
        neededColumns: this.#needed,
        eventTime: this.#eventTime,
      },
      streams: this.#streams,
      stages: this.#stages,
      main,
    };
  }

  // PlannerContext ------------------------------------------------------------------------------

  nextStageNumber(): number {
    return this.#stageCount++;
  }

  anonymousStreamId(): string {
    this.#anonymousCount++;
    return `(subquery ${this.#anonymousCount})`;
  }

  addStage(stage: StagePlan): void {
    this.#stages.push(stage);
  }

  addStream(stream: StreamPlan, position: SourcePosition): StreamPlan {
    const known = this.#streams.get(stream.id);
    if (known === undefined) {
      this.#streams.set(stream.id, stream);
      return stream;
    }
    const same =
      known.columns.length === stream.columns.length &&
      known.columns.every(
        (c, i) => c.name === stream.columns[i]?.name && c.type === stream.columns[i]?.type,
      );
    if (!same) {
      throw new SqlValidationError(
        position,
        `"${stream.name}" is written twice with different columns: (${describeColumns(known.columns)}) and (${describeColumns(stream.columns)}); declare it with CREATE TABLE / CREATE OR REPLACE STREAM`,
      );
    }
    if (known.rowtimeDomain !== stream.rowtimeDomain) {
      throw new SqlValidationError(
        position,
        `"${stream.name}" is written by both a processing-time and an event-time query`,
      );
    }
    return known;
  }

  findStream(name: Identifier): StreamPlan {
    const streams = [...this.#streams.values()].filter((s) => !s.id.startsWith('(subquery'));
    const stream = findByIdentifier(name, streams, (s) => s.name, 'stream');
    if (stream === undefined) {
      throw new SqlValidationError(
        name.position,
        `unknown stream "${name.name}"; streams: ${listNames(streams.map((s) => s.name))}`,
      );
    }
    return stream;
  }

  isOpen(stream: StreamPlan): boolean {
    return this.#sourceOpen && stream === this.#source;
  }

  onUse(stream: StreamPlan): ((key: string) => void) | undefined {
    if (stream !== this.#source) return undefined;
    return (key) => this.#needed.add(key);
  }

  timeDomainOf(
    stream: StreamPlan,
    key: string,
    position: SourcePosition,
    columnName: string,
  ): TimeDomain {
    if (key === stream.rowtimeKey) return stream.rowtimeDomain;
    const attribute = stream.timeAttributes.get(key);
    if (attribute !== undefined) {
      if (attribute === 'event' && stream === this.#source) this.#eventTime = this.#watermark;
      return attribute;
    }
    if (stream === this.#source && this.#watermark === undefined) {
      // No WATERMARK declared: the column is event time with no out-of-orderness allowed
      // (Flink's `WATERMARK FOR ts AS ts`); rows behind the newest go to the late output.
      if (this.#eventTime === undefined || this.#eventTime.key === key) {
        this.#eventTime = { key, delayMs: 0 };
        return 'event';
      }
    }
    const attributes = ['ROWTIME'];
    for (const [k, domain] of stream.timeAttributes) {
      const column = stream.columns.find((c) => c.key === k);
      if (column !== undefined) attributes.push(`${column.name} (${domain} time)`);
    }
    if (this.#eventTime !== undefined && stream === this.#source) {
      const column = stream.columns.find((c) => c.key === this.#eventTime?.key);
      if (column !== undefined) attributes.push(`${column.name} (event time)`);
    }
    throw new SqlValidationError(
      position,
      `"${columnName}" is not a time attribute of "${stream.name}", so windows cannot use it; time attributes: ${listNames([...new Set(attributes)])}${stream === this.#source ? ' (declare event time with CREATE TABLE ... WATERMARK FOR column AS column - INTERVAL ...)' : ''}`,
    );
  }

  // Script structure ----------------------------------------------------------------------------

  #collect(): Query[] {
    const queries: Query[] = [];
    let bare: SelectStatement | undefined;
    for (const statement of this.#script.statements) {
      switch (statement.kind) {
        case 'create-stream':
        case 'create-table': {
          const other = this.#declarations.find((d) =>
            identifierMatches(statement.name, d.name.name),
          );
          if (other !== undefined) {
            throw new SqlValidationError(
              statement.name.position,
              `"${statement.name.name}" is declared twice (first at line ${other.position.line}, column ${other.position.column})`,
            );
          }
          this.#declarations.push(statement);
          break;
        }
        case 'create-pump':
          queries.push({
            select: statement.query,
            target: statement.target,
            insertColumns: statement.columns,
            label: statement.name.name,
            what: `pump "${statement.name.name}"`,
            position: statement.position,
            reads: readsOf(statement.query.from),
          });
          break;
        case 'insert':
          queries.push({
            select: statement.query,
            target: statement.target,
            insertColumns: statement.columns,
            label: `INSERT INTO ${statement.target.name}`,
            what: `INSERT INTO "${statement.target.name}"`,
            position: statement.position,
            reads: readsOf(statement.query.from),
          });
          break;
        default:
          if (bare !== undefined) {
            throw new SqlValidationError(
              statement.position,
              `a script runs one bare SELECT (its rows are the ${RESULT_STREAM} stream); write the others as INSERT INTO or pumps`,
            );
          }
          bare = statement;
          queries.push({
            select: statement,
            target: undefined,
            insertColumns: [],
            label: 'SELECT',
            what: 'the SELECT',
            position: statement.position,
            reads: readsOf(statement.from),
          });
      }
    }
    if (queries.length === 0) {
      const at = this.#script.statements[0]?.position ?? { line: 1, column: 1, offset: 0 };
      throw new SqlValidationError(
        at,
        'the SQL declares streams but runs no query; add a SELECT, an INSERT INTO ... SELECT or a CREATE OR REPLACE PUMP',
      );
    }
    return queries;
  }

  #writes(name: Identifier | string, queries: readonly Query[]): Query[] {
    return queries.filter(
      (q) =>
        q.target !== undefined &&
        (typeof name === 'string' ? identifierMatches(q.target, name) : sameName(q.target, name)),
    );
  }

  #available(read: Identifier, queries: readonly Query[], planned: ReadonlySet<Query>): boolean {
    if (isErrorStream(read)) return true;
    if (this.#source !== undefined && identifierMatches(read, this.#source.name)) return true;
    const writers = queries.filter((q) => q.target !== undefined && sameName(q.target, read));
    return writers.length > 0 && writers.every((w) => planned.has(w));
  }

  #explainStuck(queries: readonly Query[], planned: ReadonlySet<Query>): never {
    for (const query of queries) {
      if (planned.has(query)) continue;
      for (const read of query.reads) {
        if (
          !isErrorStream(read) &&
          this.#writes(read, queries).length === 0 &&
          !identifierMatches(read, this.#source?.name ?? '')
        ) {
          const known = [
            this.#source?.name ?? '',
            ...queries.flatMap((q) => (q.target === undefined ? [] : [q.target.name])),
          ];
          throw new SqlValidationError(
            read.position,
            `unknown stream "${read.name}": nothing writes it and it is not the source; streams: ${listNames([...new Set(known)])}`,
          );
        }
      }
    }
    const first = queries.find((q) => !planned.has(q)) as Query;
    throw new SqlValidationError(
      first.position,
      `${first.what} reads a stream that depends on its own output (a cycle of pumps)`,
    );
  }

  #streamIdOf(target: Identifier): string {
    const declaration = findByIdentifier(target, this.#declarations, (d) => d.name.name, 'stream');
    return declaration?.name.name ?? target.name;
  }

  #targetOf(query: Query): StageTarget {
    if (query.target === undefined) {
      return {
        id: RESULT_STREAM,
        isOutput: true,
        declared: undefined,
        insertColumns: [],
        what: query.what,
        targetName: RESULT_STREAM,
        position: query.position,
      };
    }
    if (isErrorStream(query.target)) {
      throw new SqlValidationError(
        query.target.position,
        `${query.what} writes ${ERROR_STREAM}, which only the engine writes (decode errors, failed expressions, late rows)`,
      );
    }
    const declaration = findByIdentifier(
      query.target,
      this.#declarations,
      (d) => d.name.name,
      'stream',
    );
    if (declaration === undefined && query.label !== `INSERT INTO ${query.target.name}`) {
      throw new SqlValidationError(
        query.target.position,
        `${query.what} inserts into "${query.target.name}", which is not declared; declare it first with CREATE OR REPLACE STREAM "${query.target.name}" (...); declared: ${listNames(this.#declarations.map((d) => d.name.name))}`,
      );
    }
    if (
      declaration !== undefined &&
      this.#source !== undefined &&
      declaration.name.name === this.#source.name
    ) {
      throw new SqlValidationError(
        query.target.position,
        `${query.what} writes the source "${this.#source.name}"`,
      );
    }
    return {
      id: declaration?.name.name ?? query.target.name,
      isOutput: true,
      declared: declaration === undefined ? undefined : declaredColumns(declaration),
      insertColumns: query.insertColumns,
      what: query.what,
      targetName: declaration?.name.name ?? query.target.name,
      position: query.position,
    };
  }

  // Source --------------------------------------------------------------------------------------

  #planSource(queries: readonly Query[]): StreamPlan {
    const reads = queries.flatMap((q) => q.reads).filter((r) => !isErrorStream(r));
    const unwritten = reads.filter((r) => this.#writes(r, queries).length === 0);
    let name: string;
    let position: SourcePosition;
    const wanted = this.#options.sourceName;
    const kdaSource = reads.find((r) => identifierMatches(r, KDA_SOURCE));
    if (wanted !== undefined) {
      const read = reads.find((r) => identifierMatches(r, wanted));
      if (read === undefined) {
        throw new InvalidOptionError(
          'sourceName',
          `the SQL does not read "${wanted}"; it reads: ${listNames([...new Set(reads.map((r) => r.name))])}`,
        );
      }
      name = read.quoted ? read.name : (this.#declaredName(read) ?? wanted);
      position = read.position;
    } else if (kdaSource !== undefined) {
      // KDA's source is always SOURCE_SQL_STREAM_001; other names are in-application streams.
      name = kdaSource.quoted ? kdaSource.name : KDA_SOURCE;
      position = kdaSource.position;
    } else {
      const distinct: Identifier[] = [];
      for (const r of unwritten) if (!distinct.some((d) => sameName(d, r))) distinct.push(r);
      if (distinct.length === 0) {
        throw new SqlValidationError(
          queries[0]?.position ?? { line: 1, column: 1, offset: 0 },
          'the SQL reads no source stream',
        );
      }
      if (distinct.length > 1) {
        const second = distinct[1] as Identifier;
        throw new SqlValidationError(
          second.position,
          `the SQL reads several streams that nothing writes (${distinct.map((d) => d.name).join(', ')}); a query reads one source (joins are not supported): pass sourceName, or check the names`,
        );
      }
      const only = distinct[0] as Identifier;
      name = this.#declaredName(only) ?? only.name;
      position = only.position;
    }
    const declaration = this.#declarations.find((d) =>
      identifierMatches({ name, quoted: true, position }, d.name.name),
    );
    let columns: PlanColumn[];
    const timeAttributes = new Map<string, TimeDomain>();
    if (declaration !== undefined) {
      const given = this.#options.schema;
      const givenTypes = given === undefined ? [] : resolveSchema(given).columns;
      columns = [];
      for (const column of declaration.columns) {
        const computed = column.computed;
        if (computed !== undefined) {
          if (computed.kind === 'call' && computed.name === 'PROCTIME') {
            columns.push({ name: column.name.name, type: 'TIMESTAMP', key: ROWTIME_KEY });
            continue;
          }
          throw new SqlValidationError(
            column.position,
            `computed column "${column.name.name}" is not supported on the source (only \`name AS PROCTIME()\`); compute it in the SELECT`,
          );
        }
        // A schema given with the SQL wins over the DDL's types: KDA kept the source's types
        // outside the SQL, and toFlinkSql types such columns STRING for the user to fix.
        const given = givenTypes.find((c) => identifierMatches(column.name, c.name));
        columns.push({
          name: column.name.name,
          type: given?.type ?? sqlTypeOf(column.type),
          key: column.name.name,
        });
      }
      if (declaration.kind === 'create-table' && declaration.watermark !== undefined) {
        this.#watermark = watermarkOf(declaration, columns);
        timeAttributes.set(this.#watermark.key, 'event');
      }
    } else if (this.#options.schema !== undefined) {
      const resolved = resolveSchema(this.#options.schema);
      columns = resolved.columns.map((c) => ({ name: c.name, type: c.type, key: c.name }));
    } else {
      columns = [];
      this.#sourceOpen = true;
    }
    const source: StreamPlan = {
      id: name,
      name,
      columns: columns.filter((c) => c.key !== ROWTIME_KEY),
      hiddenColumns: [
        ...columns.filter((c) => c.key === ROWTIME_KEY),
        ...METADATA_COLUMNS.map((c) => ({ name: c.name, type: c.type, key: c.name })),
      ],
      rowtimeKey: ROWTIME_KEY,
      rowtimeDomain: 'processing',
      timeAttributes,
      isOutput: false,
    };
    this.#source = source;
    this.#streams.set(source.id, source);
    return source;
  }

  #declaredName(id: Identifier): string | undefined {
    return findByIdentifier(id, this.#declarations, (d) => d.name.name, 'stream')?.name.name;
  }

  /** The decoding schema: the source's declared columns, with paths and format from `schema`. */
  #sourceSchema(source: StreamPlan): ResolvedSchema {
    const given = this.#options.schema;
    const declared = this.#declarations.some((d) => d.name.name === source.name);
    if (!declared && given !== undefined) return resolveSchema(given);
    const columns: Record<string, SourceColumn> = {};
    for (const column of source.columns) {
      const path = given?.columns[column.name]?.path;
      columns[column.name] =
        path === undefined ? { type: column.type } : { type: column.type, path };
    }
    const schema: SourceSchema = {
      columns,
      ...(given?.format === undefined ? {} : { format: given.format }),
      ...(given?.delimiter === undefined ? {} : { delimiter: given.delimiter }),
      ...(given?.columnOrder === undefined ? {} : { columnOrder: given.columnOrder }),
    };
    return resolveSchema(schema);
  }
}

function sameName(a: Identifier, b: Identifier): boolean {
  if (a.quoted && b.quoted) return a.name === b.name;
  return a.name.toUpperCase() === b.name.toUpperCase();
}

function describeColumns(columns: readonly PlanColumn[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/**
 * The columns a stream or table is declared with. A Flink `name AS PROCTIME()` column is the
 * stream's own ROWTIME (every derived stream has one), so it is not a column to insert into.
 */
function declaredColumns(declaration: Declaration): PlanColumn[] {
  const columns: PlanColumn[] = [];
  for (const c of declaration.columns) {
    const computed = c.computed;
    if (computed !== undefined) {
      if (computed.kind === 'call' && computed.name === 'PROCTIME') continue;
      throw new SqlValidationError(
        c.position,
        `computed column "${c.name.name}" is not supported (only \`name AS PROCTIME()\`)`,
      );
    }
    const type: SqlType = sqlTypeOf(c.type);
    columns.push({ name: c.name.name, type, key: c.name.name });
  }
  return columns;
}

/** `WATERMARK FOR ts AS ts` (no disorder) or `AS ts - INTERVAL '5' SECOND`. */
function watermarkOf(
  table: CreateTableStatement,
  columns: readonly PlanColumn[],
): { key: string; delayMs: number } {
  const watermark = table.watermark as NonNullable<CreateTableStatement['watermark']>;
  const column = findByIdentifier(watermark.column, columns, (c) => c.name, 'column');
  if (column === undefined) {
    throw new SqlValidationError(
      watermark.column.position,
      `WATERMARK FOR names "${watermark.column.name}", which is not a column; columns: ${listNames(columns.map((c) => c.name))}`,
    );
  }
  if (column.type !== 'TIMESTAMP') {
    throw new SqlValidationError(
      watermark.column.position,
      `WATERMARK FOR needs a TIMESTAMP column, "${column.name}" is ${column.type}`,
    );
  }
  const expr = watermark.expr;
  const isColumn = (e: typeof expr): boolean =>
    e.kind === 'column' && identifierMatches(e.column, column.name);
  if (isColumn(expr)) return { key: column.key, delayMs: 0 };
  if (
    expr.kind === 'binary' &&
    expr.op === '-' &&
    isColumn(expr.left) &&
    expr.right.kind === 'interval'
  ) {
    return { key: column.key, delayMs: expr.right.ms };
  }
  throw new SqlValidationError(
    expr.position,
    `a watermark must be "${column.name}" or "${column.name} - INTERVAL '...' unit" (bounded out-of-orderness)`,
  );
}

/** The streams a FROM reads by name (the source and in-application streams). */
function readsOf(from: FromItem): Identifier[] {
  switch (from.kind) {
    case 'stream-ref':
      return [from.name];
    case 'window-tvf':
      return [from.table];
    case 'top-k-items-tumbling':
      return readsOf(from.cursor.from);
    default:
      return readsOf(from.query.from);
  }
}

function isErrorStream(id: Identifier): boolean {
  return identifierMatches(id, ERROR_STREAM);
}

/**
 * KDA's in-application `error_stream`, readable by pumps: one row per record that could not be
 * decoded, row an expression failed on, or late row, with KDA's columns.
 */
function errorStreamPlan(): StreamPlan {
  const column = (name: string, type: SqlType): PlanColumn => ({ name, type, key: name });
  return {
    id: ERROR_STREAM,
    name: ERROR_STREAM,
    columns: [
      column('ERROR_TIME', 'TIMESTAMP'),
      column('ERROR_LEVEL', 'VARCHAR'),
      column('ERROR_NAME', 'VARCHAR'),
      column('MESSAGE', 'VARCHAR'),
      column('DATA_ROWTIME', 'TIMESTAMP'),
      column('DATA_ROW', 'VARCHAR'),
      column('PUMP_NAME', 'VARCHAR'),
    ],
    hiddenColumns: [{ name: 'ROWTIME', type: 'TIMESTAMP', key: DERIVED_ROWTIME_KEY }],
    rowtimeKey: DERIVED_ROWTIME_KEY,
    rowtimeDomain: 'processing',
    timeAttributes: new Map(),
    isOutput: false,
  };
}
