import type { SourcePosition } from '../errors.js';

/**
 * The syntax tree both SQL dialects parse into: the Flink-style dialect (window table-valued
 * functions, `CREATE TABLE ... WATERMARK FOR`) and the Kinesis Data Analytics dialect
 * (`CREATE OR REPLACE STREAM/PUMP`, `SELECT STREAM`, `STEP`, `FLOOR(ROWTIME TO ...)`,
 * `WINDOW ... RANGE ... PRECEDING`, `TOP_K_ITEMS_TUMBLING`). The planner turns it into one plan.
 *
 * Conventions:
 * - Every node has `position`: where its text starts (for error messages).
 * - Identifiers are kept as written in `name`; `quoted` says whether they were in double quotes.
 *   Unquoted identifiers compare case-insensitively, quoted ones exactly (as in KDA and Flink).
 * - Keywords and function names are upper-cased (`COUNT`, `TUMBLE`).
 */

/** A name as written. */
export interface Identifier {
  readonly name: string;
  readonly quoted: boolean;
  readonly position: SourcePosition;
}

/** Time units of `INTERVAL` literals, `FLOOR(... TO unit)` and `EXTRACT(unit FROM ...)`. */
export type TimeUnit =
  | 'MILLISECOND'
  | 'SECOND'
  | 'MINUTE'
  | 'HOUR'
  | 'DAY'
  | 'WEEK'
  | 'MONTH'
  | 'YEAR';

/** A type in `CAST(x AS type)` and column declarations: `VARCHAR(256)`, `DECIMAL(10, 2)`, `TIMESTAMP(3)`. */
export interface TypeName {
  /** Upper-cased: `VARCHAR`, `CHAR`, `STRING`, `INTEGER`, `INT`, `BIGINT`, `SMALLINT`, `TINYINT`,
   * `DOUBLE`, `REAL`, `FLOAT`, `DECIMAL`, `NUMERIC`, `BOOLEAN`, `TIMESTAMP`, `DATE`, ... */
  readonly name: string;
  readonly params: readonly number[];
  readonly position: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | LiteralExpr
  | IntervalExpr
  | ColumnExpr
  | StarExpr
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | BetweenExpr
  | InExpr
  | LikeExpr
  | CaseExpr
  | CastExpr
  | CallExpr
  | FloorToExpr
  | ExtractExpr
  | StepExpr;

/** `'text'`, `42`, `3.5`, `TRUE`, `NULL`, `TIMESTAMP '2026-01-27 10:00:00'`. */
export interface LiteralExpr {
  readonly kind: 'literal';
  /** For `TIMESTAMP '...'` literals: epoch milliseconds (UTC). */
  readonly value: string | number | boolean | null;
  /** A whole number is INTEGER up to 2^31 - 1, BIGINT beyond (up to 2^53 - 1, the parser's limit). */
  readonly type: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP' | 'NULL';
  readonly position: SourcePosition;
}

/** `INTERVAL '10' SECOND`, `INTERVAL '1' MINUTE`; also `INTERVAL '1:30' MINUTE TO SECOND`. */
export interface IntervalExpr {
  readonly kind: 'interval';
  /** The interval's length in milliseconds. */
  readonly ms: number;
  /** The text as written, for error messages and translation (`INTERVAL '10' SECOND`). */
  readonly text: string;
  readonly position: SourcePosition;
}

/** `url`, `"url"`, `v.url`, `"SOURCE_SQL_STREAM_001".ROWTIME`, `ROWTIME`. */
export interface ColumnExpr {
  readonly kind: 'column';
  /** The stream, table or alias that qualifies the column, when written. */
  readonly table?: Identifier;
  readonly column: Identifier;
  readonly position: SourcePosition;
}

/** `*` or `t.*` in a select list, and the `*` of `COUNT(*)` is a {@link CallExpr} with `star`. */
export interface StarExpr {
  readonly kind: 'star';
  readonly table?: Identifier;
  readonly position: SourcePosition;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly position: SourcePosition;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR';

/** `a + b`, `a = b`, `a AND b`; `!=` is parsed as `<>`. */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly position: SourcePosition;
}

/** `x IS NULL`, `x IS NOT NULL`. */
export interface IsNullExpr {
  readonly kind: 'is-null';
  readonly operand: Expr;
  readonly negated: boolean;
  readonly position: SourcePosition;
}

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenExpr {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly position: SourcePosition;
}

/** `x [NOT] IN (a, b, c)`. */
export interface InExpr {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly position: SourcePosition;
}

/** `x [NOT] LIKE pattern [ESCAPE e]`. */
export interface LikeExpr {
  readonly kind: 'like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
  readonly negated: boolean;
  readonly position: SourcePosition;
}

/** `CASE [operand] WHEN w THEN t ... [ELSE e] END`. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly operand?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else?: Expr;
  readonly position: SourcePosition;
}

/** `CAST(x AS type)`. */
export interface CastExpr {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: TypeName;
  readonly position: SourcePosition;
}

/**
 * A function call, scalar or aggregate: `UPPER(url)`, `COUNT(*)`, `COUNT(DISTINCT user_id)`,
 * `APPROX_COUNT_DISTINCT(user_id)`, `AVG(x) OVER W`, `AVG(x) OVER (PARTITION BY k RANGE ...)`.
 * Whether a name is an aggregate is the planner's business, not the parser's.
 */
export interface CallExpr {
  readonly kind: 'call';
  /** Upper-cased function name. */
  readonly name: string;
  readonly args: readonly Expr[];
  /** `COUNT(*)`: `args` is empty and `star` is true. */
  readonly star: boolean;
  /** `COUNT(DISTINCT x)`. */
  readonly distinct: boolean;
  /** `... OVER W` (a named window) or `... OVER (window spec)`. */
  readonly over?: Identifier | WindowSpec;
  readonly position: SourcePosition;
}

/** `FLOOR(ROWTIME TO MINUTE)`, `CEIL(ts TO HOUR)`; FLOOR/CEIL of a number is a {@link CallExpr}. */
export interface FloorToExpr {
  readonly kind: 'floor-to';
  readonly fn: 'FLOOR' | 'CEIL';
  readonly operand: Expr;
  readonly unit: TimeUnit;
  readonly position: SourcePosition;
}

/** `EXTRACT(HOUR FROM ts)`. */
export interface ExtractExpr {
  readonly kind: 'extract';
  readonly unit: TimeUnit;
  readonly operand: Expr;
  readonly position: SourcePosition;
}

/** KDA's `STEP(ROWTIME BY INTERVAL '10' SECOND)`: the time rounded down to a multiple of the interval. */
export interface StepExpr {
  readonly kind: 'step';
  readonly operand: Expr;
  readonly interval: IntervalExpr;
  readonly position: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// Windows of analytic functions (sliding windows)

/**
 * `(PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING)` or
 * `(PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)`,
 * also `ROWS n PRECEDING`. Used by `OVER` and by `WINDOW name AS (...)`.
 */
export interface WindowSpec {
  readonly kind: 'window-spec';
  readonly partitionBy: readonly Expr[];
  readonly orderBy?: Expr;
  /** `ORDER BY x DESC` (e.g. `ROW_NUMBER() OVER (... ORDER BY cnt DESC)` in a Top-N); absent = ascending. */
  readonly descending?: boolean;
  /** `RANGE` with an interval (time-based) or `ROWS` with a row count. No frame, or `UNBOUNDED
   * PRECEDING`, parses to `ROWS` with `preceding: Infinity` (every earlier row). */
  readonly frame:
    | { readonly unit: 'RANGE'; readonly preceding: IntervalExpr }
    | { readonly unit: 'ROWS'; readonly preceding: number };
  readonly position: SourcePosition;
}

/** `WINDOW W AS (...)` in a SELECT. */
export interface NamedWindow {
  readonly name: Identifier;
  readonly spec: WindowSpec;
  readonly position: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// FROM

export type FromItem = StreamRef | WindowTvf | TopKItemsTumbling | SubqueryRef;

/** `"SOURCE_SQL_STREAM_001"`, `visits`, `visits AS v`. */
export interface StreamRef {
  readonly kind: 'stream-ref';
  readonly name: Identifier;
  readonly alias?: Identifier;
  readonly position: SourcePosition;
}

/**
 * Flink window table-valued functions:
 * - `TUMBLE(TABLE t, DESCRIPTOR(ts), size)`
 * - `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`
 * - `CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)`
 * - `SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)`
 * wrapped in `TABLE(...)`. Named arguments (`DATA => TABLE t, TIMECOL => DESCRIPTOR(ts),
 * SIZE => INTERVAL ...`) parse to the same node.
 */
export interface WindowTvf {
  readonly kind: 'window-tvf';
  readonly fn: 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';
  /** The table (stream) the windows are laid over. */
  readonly table: Identifier;
  /** SESSION only: `PARTITION BY` keys. */
  readonly partitionBy: readonly Expr[];
  /** The time column named by `DESCRIPTOR(...)`. */
  readonly timeColumn: Identifier;
  /** TUMBLE: [size]; HOP: [slide, size]; CUMULATE: [step, size]; SESSION: [gap]. */
  readonly intervals: readonly IntervalExpr[];
  /** TUMBLE and HOP may take an offset as last argument. */
  readonly offset?: IntervalExpr;
  readonly alias?: Identifier;
  readonly position: SourcePosition;
}

/**
 * KDA's `TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "S"), 'column', k, seconds))`:
 * the `k` most frequent values of `column` in each tumbling window of `seconds`, as rows
 * (`ITEM`, `ITEM_COUNT`).
 */
export interface TopKItemsTumbling {
  readonly kind: 'top-k-items-tumbling';
  readonly cursor: SelectStatement;
  readonly column: string;
  readonly k: number;
  readonly windowSeconds: number;
  readonly alias?: Identifier;
  readonly position: SourcePosition;
}

/** `(SELECT ...) AS x`. */
export interface SubqueryRef {
  readonly kind: 'subquery';
  readonly query: SelectStatement;
  readonly alias?: Identifier;
  readonly position: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type SelectItem =
  | {
      readonly kind: 'expr';
      readonly expr: Expr;
      readonly alias?: Identifier;
      readonly position: SourcePosition;
    }
  | StarExpr;

/** `SELECT [STREAM] [DISTINCT] ... FROM ... [WHERE] [GROUP BY] [HAVING] [WINDOW ...]`. */
export interface SelectStatement {
  readonly kind: 'select';
  /** KDA's `SELECT STREAM`. */
  readonly stream: boolean;
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly windows: readonly NamedWindow[];
  readonly position: SourcePosition;
}

/** A column in `CREATE [OR REPLACE] STREAM` / `CREATE TABLE`. */
export interface ColumnDefinition {
  readonly name: Identifier;
  /** For a computed column: `ANY` (the planner types it from `computed`). */
  readonly type: TypeName;
  /** Flink computed column `name AS expr`, e.g. `ROWTIME AS PROCTIME()`. */
  readonly computed?: Expr;
  readonly position: SourcePosition;
}

/** KDA: `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(256), visitors INTEGER);` */
export interface CreateStreamStatement {
  readonly kind: 'create-stream';
  readonly name: Identifier;
  readonly columns: readonly ColumnDefinition[];
  readonly position: SourcePosition;
}

/** KDA: `CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST" [(cols)] SELECT STREAM ...;` */
export interface CreatePumpStatement {
  readonly kind: 'create-pump';
  readonly name: Identifier;
  readonly target: Identifier;
  readonly columns: readonly Identifier[];
  readonly query: SelectStatement;
  readonly position: SourcePosition;
}

/**
 * Flink: `CREATE TABLE visits (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5'
 * SECOND) [WITH (...)]`. The `WITH` options are kept as written (connector settings do not apply
 * here; the source is given to `runQuery`).
 */
export interface CreateTableStatement {
  readonly kind: 'create-table';
  readonly name: Identifier;
  readonly columns: readonly ColumnDefinition[];
  /** `WATERMARK FOR column AS expr`: the watermark strategy. */
  readonly watermark?: {
    readonly column: Identifier;
    readonly expr: Expr;
    readonly position: SourcePosition;
  };
  readonly with: readonly { readonly key: string; readonly value: string }[];
  readonly position: SourcePosition;
}

/** Flink: `INSERT INTO sink SELECT ...`. */
export interface InsertStatement {
  readonly kind: 'insert';
  readonly target: Identifier;
  readonly columns: readonly Identifier[];
  readonly query: SelectStatement;
  readonly position: SourcePosition;
}

export type Statement =
  | SelectStatement
  | CreateStreamStatement
  | CreatePumpStatement
  | CreateTableStatement
  | InsertStatement;

/** A whole SQL text: statements separated by `;`. */
export interface Script {
  readonly statements: readonly Statement[];
  /** `kda` when the text uses KDA-only syntax (`CREATE ... STREAM/PUMP`, `SELECT STREAM`),
   * `flink` when it uses Flink-only syntax (window TVFs, `CREATE TABLE`), `standard` otherwise. */
  readonly dialect: 'kda' | 'flink' | 'standard';
}
