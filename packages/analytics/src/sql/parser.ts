import { type SourcePosition, SqlError, SqlSyntaxError } from '../errors.js';
import type {
  ColumnDefinition,
  CreateTableStatement,
  Expr,
  Identifier,
  Script,
  SelectStatement,
  Statement,
} from './ast.js';
import { parseExpr } from './parse-expression.js';
import { parseTypeName } from './parse-literal.js';
import { parseSelect, rejectTrailingClauses } from './parse-select.js';
import { TokenCursor } from './token-cursor.js';

/**
 * Parses SQL text in either dialect into a {@link Script}: statements separated by `;` (the last
 * `;` is optional), with `--` and `/* *\/` comments. `dialect` says which dialect's own syntax
 * the text used.
 *
 * Only typed errors leave this function, whatever the input.
 *
 * @throws {SqlSyntaxError} when the text does not parse: `position`, `found` and `expected` say
 *   where, what was there and what could have been.
 * @throws {SqlValidationError} for constructs the engine deliberately does not run (ORDER BY or
 *   LIMIT on a stream, JOIN, UNION, `WINDOWED BY STAGGER`, table functions other than the window
 *   TVFs and TOP_K_ITEMS_TUMBLING), naming the construct.
 * @example
 * const script = parseSql(`CREATE OR REPLACE STREAM "DEST" (url VARCHAR(256), c INTEGER);
 *   CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
 *   SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
 *   GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);`);
 * script.dialect; // 'kda'
 */
export function parseSql(text: string): Script {
  try {
    return parseScript(new TokenCursor(text));
  } catch (error) {
    if (error instanceof SqlError) throw error;
    // A bug here must still surface as a typed error that points at the text.
    const start: SourcePosition = { line: 1, column: 1, offset: 0 };
    throw new SqlSyntaxError(start, 'the SQL text', [], `internal parser error: ${String(error)}`);
  }
}

function parseScript(p: TokenCursor): Script {
  const statements: Statement[] = [];
  for (;;) {
    while (p.acceptSymbol(';')) {
      // Empty statements between semicolons are harmless.
    }
    if (p.peek().kind === 'end' && statements.length > 0) break;
    statements.push(parseStatement(p));
    if (p.peek().kind === 'end') break;
    rejectTrailingClauses(p);
    p.expectSymbol(';');
  }
  const dialect = p.sawKda ? 'kda' : p.sawFlink ? 'flink' : 'standard';
  return { statements, dialect };
}

function parseStatement(p: TokenCursor): Statement {
  if (p.atWord('SELECT')) return parseSelect(p);
  if (p.atWord('INSERT')) return parseInsert(p);
  if (p.atWord('CREATE')) return parseCreate(p);
  if (p.atWord('WITH'))
    p.unsupported(p.position, 'WITH (common table expressions) is not supported yet');
  return p.fail();
}

/** `INSERT INTO target [(a, b)] SELECT ...`, alone (Flink) or inside a KDA pump. */
function parseInsertBody(p: TokenCursor): {
  target: Identifier;
  columns: Identifier[];
  query: SelectStatement;
} {
  p.expectWord('INSERT');
  p.expectWord('INTO');
  const target = p.identifier();
  const columns: Identifier[] = [];
  if (p.acceptSymbol('(')) {
    do columns.push(p.identifier());
    while (p.acceptSymbol(','));
    p.expectSymbol(')');
  }
  return { target, columns, query: parseSelect(p) };
}

function parseInsert(p: TokenCursor): Statement {
  const position = p.position;
  return { kind: 'insert', ...parseInsertBody(p), position };
}

function parseCreate(p: TokenCursor): Statement {
  const position = p.expectWord('CREATE').position;
  const orReplace = p.acceptWord('OR');
  if (orReplace) p.expectWord('REPLACE');
  p.acceptWord('TEMPORARY');
  if (p.acceptWord('STREAM')) {
    p.sawKda = true;
    const name = p.identifier();
    const { columns } = parseColumnList(p, false);
    return { kind: 'create-stream', name, columns, position };
  }
  if (p.acceptWord('PUMP')) {
    p.sawKda = true;
    const name = p.identifier();
    p.expectWord('AS');
    return { kind: 'create-pump', name, ...parseInsertBody(p), position };
  }
  if (p.atWord('VIEW')) p.unsupported(p.position, 'CREATE VIEW is not supported yet');
  p.expectWord('TABLE');
  p.sawFlink = true;
  if (p.acceptWord('IF')) {
    p.expectWord('NOT');
    p.expectWord('EXISTS');
  }
  const name = p.identifier();
  const { columns, watermark } = parseColumnList(p, true);
  const options: { key: string; value: string }[] = [];
  if (p.acceptWord('WITH')) {
    p.expectSymbol('(');
    do {
      const key = stringLiteral(p);
      p.expectSymbol('=');
      options.push({ key, value: stringLiteral(p) });
    } while (p.acceptSymbol(','));
    p.expectSymbol(')');
  }
  const table: CreateTableStatement = {
    kind: 'create-table',
    name,
    columns,
    with: options,
    position,
    ...(watermark === undefined ? {} : { watermark }),
  };
  return table;
}

function stringLiteral(p: TokenCursor): string {
  const t = p.peek();
  p.note('string');
  if (t.kind !== 'string') p.fail();
  p.next();
  return t.value;
}

/** `(col TYPE, ...)`; in `CREATE TABLE` also `col AS expr`, `WATERMARK FOR`, `PRIMARY KEY`. */
function parseColumnList(
  p: TokenCursor,
  table: boolean,
): { columns: ColumnDefinition[]; watermark?: CreateTableStatement['watermark'] } {
  p.expectSymbol('(');
  const columns: ColumnDefinition[] = [];
  let watermark: CreateTableStatement['watermark'];
  do {
    if (table && p.atWord('WATERMARK')) {
      const position = p.next().position;
      if (watermark !== undefined) p.fail('a table has at most one WATERMARK');
      p.expectWord('FOR');
      const column = p.identifier();
      p.expectWord('AS');
      watermark = { column, expr: parseExpr(p), position };
      continue;
    }
    if (table && p.atWord('PRIMARY')) {
      // Keys do not change what a query computes here; read and drop them.
      p.next();
      p.expectWord('KEY');
      p.expectSymbol('(');
      do p.identifier();
      while (p.acceptSymbol(','));
      p.expectSymbol(')');
      p.expectWord('NOT');
      p.expectWord('ENFORCED');
      continue;
    }
    columns.push(parseColumnDefinition(p, table));
  } while (p.acceptSymbol(','));
  p.expectSymbol(')');
  return watermark === undefined ? { columns } : { columns, watermark };
}

function parseColumnDefinition(p: TokenCursor, table: boolean): ColumnDefinition {
  const name = p.identifier();
  if (table && p.acceptWord('AS')) {
    const computed: Expr = parseExpr(p);
    skipColumnComment(p);
    return {
      name,
      type: { name: 'ANY', params: [], position: computed.position },
      computed,
      position: name.position,
    };
  }
  const type = parseTypeName(p);
  // Nullability is not part of the engine's types: accept and drop it.
  if (p.acceptWord('NOT')) p.expectWord('NULL');
  else p.acceptWord('NULL');
  if (table && p.atWord('METADATA'))
    p.unsupported(p.position, 'METADATA columns are not supported');
  skipColumnComment(p);
  return { name, type, position: name.position };
}

function skipColumnComment(p: TokenCursor): void {
  if (p.acceptWord('COMMENT')) stringLiteral(p);
}
