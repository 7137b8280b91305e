import { type SourcePosition, SqlValidationError } from '../errors.js';
import { MS_PER_UNIT } from '../time-units.js';
import type {
  ColumnDefinition,
  ColumnExpr,
  Expr,
  FromItem,
  Identifier,
  IntervalExpr,
  NamedWindow,
  Script,
  SelectItem,
  SelectStatement,
  Statement,
  TopKItemsTumbling,
  WindowSpec,
  WindowTvf,
} from './ast.js';
import { formatSql } from './format-sql.js';
import { columnsOf, mapExpr } from './map-expr.js';
import { parseSql } from './parser.js';

/**
 * The Flink SQL equivalent of a KDA-dialect script, for teams moving to a Flink cluster:
 * - each source stream read but not created becomes `CREATE TABLE` with the columns the script
 *   uses (typed `STRING`: KDA keeps the source schema outside the SQL, so check them) and
 *   `ROWTIME AS PROCTIME()`; each `CREATE OR REPLACE STREAM` becomes `CREATE TABLE` (with
 *   `ROWTIME AS PROCTIME()` when a later pump reads it);
 * - each pump becomes `INSERT INTO ... SELECT`; `SELECT STREAM` loses `STREAM`;
 * - `GROUP BY ..., STEP(t.ROWTIME BY INTERVAL ...)` or `FLOOR(ROWTIME TO unit)` becomes a
 *   `TUMBLE` window TVF grouped by `window_start, window_end`, and the same STEP/FLOOR in the
 *   select list becomes `window_start`;
 * - `WINDOW W AS (PARTITION BY k RANGE ... PRECEDING)` is inlined into each `OVER W` as
 *   `OVER (PARTITION BY k ORDER BY ROWTIME RANGE BETWEEN ... PRECEDING AND CURRENT ROW)`;
 * - `AVG(x)` becomes `AVG(CAST(x AS DOUBLE))`: Flink's AVG of an integer column is an integer
 *   (truncated), this engine's AVG is DOUBLE, and the cast keeps the numbers the same;
 * - `TOP_K_ITEMS_TUMBLING` becomes a window Top-N (`ROW_NUMBER() OVER (PARTITION BY
 *   window_start, window_end ORDER BY ITEM_COUNT DESC)` over a `TUMBLE` count);
 * - quoted identifiers become backquoted.
 * Flink-dialect and standard input comes back normalized.
 *
 * @throws {SqlSyntaxError} when the text does not parse.
 * @throws {SqlValidationError} naming a construct that has no Flink translation (e.g. `STEP`
 *   outside `GROUP BY`, two window keys in one `GROUP BY`, `FLOOR(ROWTIME TO MONTH)`).
 * @example
 * toFlinkSql(`SELECT STREAM url, COUNT(*) FROM "S" GROUP BY url, FLOOR("S".ROWTIME TO MINUTE)`);
 * // -- Translated from Kinesis Data Analytics SQL. (and notes on what to check)
 * // CREATE TABLE `S` (url STRING, ROWTIME AS PROCTIME()) WITH ('connector' = 'kinesis', ...);
 * // SELECT url, COUNT(*)
 * // FROM TABLE(TUMBLE(TABLE `S`, DESCRIPTOR(ROWTIME), INTERVAL '1' MINUTE)) AS `S`
 * // GROUP BY url, window_start, window_end;
 */
export function toFlinkSql(sql: string | Script): string {
  const script = typeof sql === 'string' ? parseSql(sql) : sql;
  if (script.dialect !== 'kda') return formatSql(script, { identifierQuote: '`' });
  const translator = new Translator(script);
  const statements = translator.translate();
  const note = ['-- Translated from Kinesis Data Analytics SQL.'];
  if (translator.sources.length > 0) {
    const names = translator.sources.map((n) => n.name).join(', ');
    note.push(
      `-- KDA kept the schema of ${names} outside the SQL: the columns the script reads are typed`,
      '-- STRING here (an event-time column TIMESTAMP(3)); set their real types.',
    );
  }
  if (translator.eventTime.size > 0) {
    note.push(
      '-- Event-time windows wait for a watermark 5 s behind: set the delay your data needs.',
    );
  }
  return `${note.join('\n')}\n${formatSql({ statements }, { identifierQuote: '`' })}`;
}

const ROWTIME = 'ROWTIME';

function sameName(a: Identifier, b: Identifier): boolean {
  return a.quoted || b.quoted ? a.name === b.name : a.name.toUpperCase() === b.name.toUpperCase();
}

function ident(name: string, position: SourcePosition, quoted = false): Identifier {
  return { name, quoted, position };
}

function column(name: string, position: SourcePosition, table?: Identifier): ColumnExpr {
  return {
    kind: 'column',
    column: ident(name, position),
    position,
    ...(table === undefined ? {} : { table }),
  };
}

/** A tumbling window written the KDA way: `STEP(col BY interval)` or `FLOOR(col TO unit)`. */
interface KdaWindow {
  readonly timeColumn: ColumnExpr;
  readonly size: IntervalExpr;
}

/** The `FLOOR(ROWTIME TO unit)` units that become a one-unit `TUMBLE`. */
const FLOOR_UNITS = ['SECOND', 'MINUTE', 'HOUR', 'DAY'] as const;

function kdaWindow(e: Expr): KdaWindow | undefined {
  if (e.kind === 'step' && e.operand.kind === 'column') {
    return { timeColumn: e.operand, size: e.interval };
  }
  if (e.kind === 'floor-to' && e.fn === 'FLOOR' && e.operand.kind === 'column') {
    const unit = FLOOR_UNITS.find((u) => u === e.unit);
    if (unit === undefined) {
      throw new SqlValidationError(
        e.position,
        `FLOOR(... TO ${e.unit}) has no Flink tumbling window translation; units: ${FLOOR_UNITS.join(', ')}`,
      );
    }
    return {
      timeColumn: e.operand,
      size: {
        kind: 'interval',
        ms: MS_PER_UNIT[unit],
        text: `INTERVAL '1' ${unit}`,
        position: e.position,
      },
    };
  }
  return undefined;
}

function isRowtime(w: KdaWindow): boolean {
  return !w.timeColumn.column.quoted && w.timeColumn.column.name.toUpperCase() === ROWTIME;
}

interface WindowKey {
  readonly g: Expr;
  readonly w: KdaWindow;
}

/**
 * The tumbling window of a GROUP BY, if any. KDA's event-time pattern groups by both
 * `STEP(ROWTIME ...)` and `STEP(event_time ...)` of one size: Flink's watermark does the
 * ROWTIME window's job, so the event-time window is kept and the ROWTIME one dropped.
 */
function windowKey(groupBy: readonly Expr[]): { key: WindowKey; dropped?: Expr } | undefined {
  const keys: WindowKey[] = groupBy.flatMap((g) => {
    const w = kdaWindow(g);
    return w === undefined ? [] : [{ g, w }];
  });
  const [a, b] = keys;
  if (a === undefined) return undefined;
  if (b === undefined) return { key: a };
  if (keys.length === 2 && isRowtime(a.w) !== isRowtime(b.w) && a.w.size.ms === b.w.size.ms) {
    return isRowtime(a.w) ? { key: b, dropped: a.g } : { key: a, dropped: b.g };
  }
  throw new SqlValidationError(
    b.g.position,
    'a GROUP BY with more than one STEP/FLOOR window has no Flink translation (but for ROWTIME and one event-time column with windows of one size)',
  );
}

class Translator {
  readonly #script: Script;
  /** In-application streams created by the script. */
  readonly #inApp: Identifier[] = [];
  /** Streams read but never created: the application's inputs. */
  readonly sources: Identifier[] = [];
  readonly #sourceColumns = new Map<Identifier, Identifier[]>();
  /** The event-time column of a source, when a window is laid on one: it gets a watermark. */
  readonly eventTime = new Map<Identifier, Identifier>();
  /** In-application streams that some query reads (they need a time attribute too). */
  readonly #readStreams: Identifier[] = [];

  constructor(script: Script) {
    this.#script = script;
    for (const s of script.statements) {
      if (s.kind === 'create-stream' || s.kind === 'create-table') this.#inApp.push(s.name);
    }
  }

  translate(): Statement[] {
    const body: Statement[] = [];
    for (const s of this.#script.statements) {
      if (s.kind === 'select') this.#scanSelect(s);
      else if (s.kind === 'create-pump' || s.kind === 'insert') this.#scanSelect(s.query);
    }
    for (const s of this.#script.statements) body.push(this.#statement(s));
    const sourceTables: Statement[] = this.sources.map((name) => {
      const eventTime = this.eventTime.get(name);
      const isEventTime = (c: Identifier): boolean =>
        eventTime !== undefined && sameName(c, eventTime);
      const columns: ColumnDefinition[] = (this.#sourceColumns.get(name) ?? []).map((c) => ({
        name: c,
        type: isEventTime(c)
          ? { name: 'TIMESTAMP', params: [3], position: c.position }
          : { name: 'STRING', params: [], position: c.position },
        position: c.position,
      }));
      columns.push(this.#rowtimeColumn(name.position));
      const position = name.position;
      return {
        kind: 'create-table',
        name,
        columns,
        with: connector(name),
        position,
        ...(eventTime === undefined
          ? {}
          : {
              watermark: {
                column: eventTime,
                expr: {
                  kind: 'binary',
                  op: '-',
                  left: { kind: 'column', column: eventTime, position },
                  right: { kind: 'interval', ms: 5000, text: "INTERVAL '5' SECOND", position },
                  position,
                },
                position,
              },
            }),
      };
    });
    return [...sourceTables, ...body];
  }

  #rowtimeColumn(position: SourcePosition): ColumnDefinition {
    return {
      name: ident(ROWTIME, position),
      type: { name: 'ANY', params: [], position },
      computed: {
        kind: 'call',
        name: 'PROCTIME',
        args: [],
        star: false,
        distinct: false,
        position,
      },
      position,
    };
  }

  #statement(s: Statement): Statement {
    switch (s.kind) {
      case 'select':
        return this.#select(s);
      case 'create-stream': {
        const columns = [...s.columns];
        if (this.#readStreams.some((r) => sameName(r, s.name))) {
          columns.push(this.#rowtimeColumn(s.position));
        }
        return {
          kind: 'create-table',
          name: s.name,
          columns,
          with: connector(s.name),
          position: s.position,
        };
      }
      case 'create-pump':
      case 'insert':
        return {
          kind: 'insert',
          target: s.target,
          columns: s.columns,
          query: this.#select(s.query),
          position: s.position,
        };
      case 'create-table':
        return s;
    }
  }

  /** Finds the source streams and the columns the script reads from each. */
  #scanSelect(s: SelectStatement): void {
    const from = s.from;
    if (from.kind === 'subquery') this.#scanSelect(from.query);
    if (from.kind === 'top-k-items-tumbling') {
      this.#scanSelect(from.cursor);
      const cursorFrom = from.cursor.from;
      if (cursorFrom.kind === 'stream-ref') {
        this.#useColumn(cursorFrom.name, ident(from.column, from.position, true));
      }
      return;
    }
    const name =
      from.kind === 'stream-ref' ? from.name : from.kind === 'window-tvf' ? from.table : undefined;
    if (name === undefined) return;
    if (this.#inApp.some((n) => sameName(n, name))) {
      if (!this.#readStreams.some((n) => sameName(n, name))) this.#readStreams.push(name);
      return;
    }
    if (!this.sources.some((n) => sameName(n, name))) this.sources.push(name);
    const source = this.sources.find((n) => sameName(n, name)) as Identifier;
    const aliases = s.items.flatMap((i) => (i.kind === 'expr' && i.alias ? [i.alias] : []));
    const exprs: Expr[] = [
      ...s.items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : [])),
      ...s.groupBy,
      ...(s.where ? [s.where] : []),
      ...(s.having ? [s.having] : []),
      ...s.windows.flatMap((w) => [
        ...w.spec.partitionBy,
        ...(w.spec.orderBy ? [w.spec.orderBy] : []),
      ]),
    ];
    const qualifiers = [name, ...(from.alias ? [from.alias] : [])];
    const key = windowKey(s.groupBy)?.key;
    if (key !== undefined && !isRowtime(key.w) && !this.eventTime.has(source)) {
      this.eventTime.set(source, key.w.timeColumn.column);
    }
    for (const c of exprs.flatMap((e) => columnsOf(e, []))) {
      const ours =
        c.table === undefined || qualifiers.some((q) => sameName(q, c.table as Identifier));
      if (!ours || c.column.name.toUpperCase() === ROWTIME) continue;
      if (c.table === undefined && aliases.some((a) => sameName(a, c.column))) continue;
      this.#useColumn(source, c.column);
    }
  }

  #useColumn(source: Identifier, col: Identifier): void {
    const key = this.sources.find((n) => sameName(n, source)) ?? source;
    if (!this.sources.includes(key)) this.sources.push(key);
    const list = this.#sourceColumns.get(key) ?? [];
    if (!list.some((c) => sameName(c, col))) list.push(col);
    this.#sourceColumns.set(key, list);
  }

  #select(s: SelectStatement): SelectStatement {
    if (s.from.kind === 'top-k-items-tumbling') return this.#topK(s, s.from);
    const windows = s.windows;
    const inline = (e: Expr): Expr => avgInDouble(inlineWindows(e, windows));
    let from: FromItem =
      s.from.kind === 'subquery' ? { ...s.from, query: this.#select(s.from.query) } : s.from;
    let groupBy = s.groupBy.map(inline);
    let items: SelectItem[] = s.items.map((i) =>
      i.kind === 'expr' ? { ...i, expr: inline(i.expr) } : i,
    );
    let having = s.having === undefined ? undefined : inline(s.having);
    const where = s.where === undefined ? undefined : inline(s.where);

    const found = windowKey(groupBy);
    if (found !== undefined) {
      const { key, dropped } = found;
      if (from.kind !== 'stream-ref') {
        throw new SqlValidationError(
          key.g.position,
          'a STEP/FLOOR window over a subquery or table function has no Flink translation: read a stream directly',
        );
      }
      const position = key.g.position;
      const qualified = [
        ...items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : [])),
        ...groupBy,
        ...(having ? [having] : []),
      ]
        .flatMap((e) => columnsOf(e, []))
        .some(
          (c) => c.table !== undefined && sameName(c.table, (from as { name: Identifier }).name),
        );
      const alias = from.alias ?? (qualified ? from.name : undefined);
      const tvf: WindowTvf = {
        kind: 'window-tvf',
        fn: 'TUMBLE',
        table: from.name,
        partitionBy: [],
        timeColumn: key.w.timeColumn.column,
        intervals: [key.w.size],
        position: from.position,
        ...(alias === undefined ? {} : { alias }),
      };
      from = tvf;
      const toStart = (e: Expr): Expr =>
        mapExpr(e, (x) => {
          const w = kdaWindow(x);
          const same =
            w !== undefined &&
            w.size.ms === key.w.size.ms &&
            (sameName(w.timeColumn.column, key.w.timeColumn.column) ||
              (dropped !== undefined && isRowtime(w)));
          return same ? column('window_start', x.position) : x;
        });
      groupBy = groupBy.flatMap((g) => {
        if (g === dropped) return [];
        if (g === key.g) return [column('window_start', position), column('window_end', position)];
        return [toStart(g)];
      });
      items = items.map((i) => (i.kind === 'expr' ? { ...i, expr: toStart(i.expr) } : i));
      having = having === undefined ? undefined : toStart(having);
    }
    for (const e of [
      ...items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : [])),
      ...groupBy,
      ...(having ? [having] : []),
      ...(where ? [where] : []),
    ]) {
      rejectStep(e);
    }
    return {
      kind: 'select',
      stream: false,
      distinct: s.distinct,
      items,
      from,
      groupBy,
      windows: [],
      position: s.position,
      ...(where === undefined ? {} : { where }),
      ...(having === undefined ? {} : { having }),
    };
  }

  /** `TOP_K_ITEMS_TUMBLING` as Flink's window Top-N over a `TUMBLE` count. */
  #topK(outer: SelectStatement, topK: TopKItemsTumbling): SelectStatement {
    const cursor = topK.cursor;
    const onlyStar = cursor.items.length === 1 && cursor.items[0]?.kind === 'star';
    if (cursor.from.kind !== 'stream-ref' || !onlyStar || cursor.groupBy.length > 0) {
      throw new SqlValidationError(
        cursor.position,
        'TOP_K_ITEMS_TUMBLING translates only over CURSOR(SELECT STREAM * FROM stream [WHERE ...])',
      );
    }
    const position = topK.position;
    const col: ColumnExpr = {
      kind: 'column',
      column: ident(topK.column, position, true),
      position,
    };
    const countStar: Expr = {
      kind: 'call',
      name: 'COUNT',
      args: [],
      star: true,
      distinct: false,
      position,
    };
    const item = (expr: Expr, alias?: string): SelectItem => ({
      kind: 'expr',
      expr,
      position,
      ...(alias === undefined ? {} : { alias: ident(alias, position) }),
    });
    const start = column('window_start', position);
    const end = column('window_end', position);
    const counts: SelectStatement = {
      kind: 'select',
      stream: false,
      distinct: false,
      items: [item(start), item(end), item(col, 'ITEM'), item(countStar, 'ITEM_COUNT')],
      from: {
        kind: 'window-tvf',
        fn: 'TUMBLE',
        table: cursor.from.name,
        partitionBy: [],
        timeColumn: ident(ROWTIME, position),
        intervals: [
          {
            kind: 'interval',
            ms: topK.windowSeconds * 1000,
            text: `INTERVAL '${topK.windowSeconds}' SECOND`,
            position,
          },
        ],
        position,
      },
      groupBy: [start, end, col],
      windows: [],
      position,
      ...(cursor.where === undefined ? {} : { where: cursor.where }),
    };
    const rank: WindowSpec = {
      kind: 'window-spec',
      partitionBy: [start, end],
      orderBy: column('ITEM_COUNT', position),
      descending: true,
      frame: { unit: 'ROWS', preceding: Number.POSITIVE_INFINITY },
      position,
    };
    const rowNumber: Expr = {
      kind: 'call',
      name: 'ROW_NUMBER',
      args: [],
      star: false,
      distinct: false,
      over: rank,
      position,
    };
    const ranked: SelectStatement = {
      kind: 'select',
      stream: false,
      distinct: false,
      items: [{ kind: 'star', position }, item(rowNumber, 'rownum')],
      from: { kind: 'subquery', query: counts, position },
      groupBy: [],
      windows: [],
      position,
    };
    const topKFilter: Expr = {
      kind: 'binary',
      op: '<=',
      left: column('rownum', position),
      right: { kind: 'literal', value: topK.k, type: 'INTEGER', position },
      position,
    };
    const where: Expr =
      outer.where === undefined
        ? topKFilter
        : { kind: 'binary', op: 'AND', left: topKFilter, right: outer.where, position };
    // KDA's TOP_K_ITEMS_TUMBLING yields exactly ITEM and ITEM_COUNT: keep `*` from growing the
    // window bounds and rank into the result.
    const items: readonly SelectItem[] = outer.items.some((i) => i.kind === 'star')
      ? [item(column('ITEM', position)), item(column('ITEM_COUNT', position))]
      : outer.items;
    return {
      kind: 'select',
      stream: false,
      distinct: outer.distinct,
      items,
      from: {
        kind: 'subquery',
        query: ranked,
        position,
        ...(topK.alias ? { alias: topK.alias } : {}),
      },
      where,
      groupBy: outer.groupBy,
      windows: [],
      position: outer.position,
      ...(outer.having === undefined ? {} : { having: outer.having }),
    };
  }
}

function connector(name: Identifier): { key: string; value: string }[] {
  return [
    { key: 'connector', value: 'kinesis' },
    { key: 'stream', value: name.name },
    { key: 'format', value: 'json' },
  ];
}

/**
 * `AVG(x)` → `AVG(CAST(x AS DOUBLE))`: this engine averages in DOUBLE whatever x is, Flink's AVG
 * of an INT or BIGINT is an INT or BIGINT (truncated), so the bare call would give other numbers.
 * The types of source columns are not in KDA SQL, so every argument is cast but a DOUBLE literal
 * or a CAST to DOUBLE (for a DOUBLE x the cast changes nothing).
 */
function avgInDouble(e: Expr): Expr {
  return mapExpr(e, (x) => {
    if (x.kind !== 'call' || x.name !== 'AVG' || x.args.length !== 1) return x;
    const arg = x.args[0] as Expr;
    const isDouble =
      (arg.kind === 'literal' && arg.type === 'DOUBLE') ||
      (arg.kind === 'cast' && arg.type.name === 'DOUBLE');
    if (isDouble) return x;
    const position = arg.position;
    const type = { name: 'DOUBLE', params: [], position };
    return { ...x, args: [{ kind: 'cast', operand: arg, type, position }] };
  });
}

/** `OVER W` → `OVER (spec)`, each spec ordered by ROWTIME when it did not say. */
function inlineWindows(e: Expr, windows: readonly NamedWindow[]): Expr {
  return mapExpr(e, (x) => {
    if (x.kind !== 'call' || x.over === undefined) return x;
    let spec: WindowSpec;
    if ('kind' in x.over) {
      spec = x.over;
    } else {
      const name = x.over;
      const found = windows.find((w) => sameName(w.name, name));
      if (found === undefined) {
        throw new SqlValidationError(
          name.position,
          `unknown window ${name.name}; windows of this query: ${windows.map((w) => w.name.name).join(', ') || 'none'}`,
        );
      }
      spec = found.spec;
    }
    if (spec.orderBy === undefined) spec = { ...spec, orderBy: column(ROWTIME, spec.position) };
    return { ...x, over: spec };
  });
}

function rejectStep(e: Expr): void {
  mapExpr(e, (x) => {
    if (x.kind === 'step') {
      throw new SqlValidationError(
        x.position,
        'STEP outside GROUP BY has no Flink translation: group by it to make a tumbling window',
      );
    }
    return x;
  });
}
