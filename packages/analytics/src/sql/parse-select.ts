import { type SourcePosition, SqlSyntaxError } from '../errors.js';
import type {
  Expr,
  FromItem,
  Identifier,
  IntervalExpr,
  NamedWindow,
  SelectItem,
  SelectStatement,
  TopKItemsTumbling,
  WindowTvf,
} from './ast.js';
import type { Token } from './lexer.js';
import { parseExpr, parseExprList, parseWindowSpec } from './parse-expression.js';
import { describe, type TokenCursor } from './token-cursor.js';

const JOIN_WORDS = ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS'];
const WINDOW_TVFS = ['TUMBLE', 'HOP', 'CUMULATE', 'SESSION'] as const;
type WindowTvfName = (typeof WINDOW_TVFS)[number];

/** The argument slots of each window TVF, in positional order (named arguments use these names). */
const TVF_SLOTS: Readonly<Record<WindowTvfName, readonly string[]>> = {
  TUMBLE: ['DATA', 'TIMECOL', 'SIZE', 'OFFSET'],
  HOP: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE', 'OFFSET'],
  CUMULATE: ['DATA', 'TIMECOL', 'STEP', 'SIZE', 'OFFSET'],
  SESSION: ['DATA', 'TIMECOL', 'GAP'],
};

/**
 * `SELECT [STREAM] [DISTINCT] items FROM from [WHERE] [GROUP BY] [HAVING] [WINDOW ...]`.
 * Clauses the engine deliberately does not run (ORDER BY, LIMIT, joins, set operations, stagger
 * windows) are read far enough to name them in a {@link SqlValidationError}.
 */
export function parseSelect(p: TokenCursor): SelectStatement {
  const position = p.expectWord('SELECT').position;
  p.enter();
  const stream = atStreamKeyword(p);
  if (stream) {
    p.next();
    p.sawKda = true;
  }
  const distinct = p.acceptWord('DISTINCT');
  if (!distinct) p.acceptWord('ALL');
  const items: SelectItem[] = [parseSelectItem(p)];
  while (p.acceptSymbol(',')) items.push(parseSelectItem(p));
  p.expectWord('FROM');
  const from = parseFromItem(p);
  rejectJoin(p);
  rejectStagger(p);
  const where = p.acceptWord('WHERE') ? parseExpr(p) : undefined;
  rejectStagger(p);
  let groupBy: Expr[] = [];
  if (p.acceptWord('GROUP')) {
    p.expectWord('BY');
    groupBy = parseExprList(p);
  }
  const having = p.acceptWord('HAVING') ? parseExpr(p) : undefined;
  const windows: NamedWindow[] = [];
  if (p.acceptWord('WINDOW')) {
    do {
      const name = p.identifier();
      p.expectWord('AS');
      windows.push({ name, spec: parseWindowSpec(p), position: name.position });
    } while (p.acceptSymbol(','));
  }
  rejectTrailingClauses(p);
  p.leave();
  return {
    kind: 'select',
    stream,
    distinct,
    items,
    from,
    groupBy,
    windows,
    position,
    ...(where === undefined ? {} : { where }),
    ...(having === undefined ? {} : { having }),
  };
}

// `SELECT STREAM x` is KDA's stream keyword; `SELECT stream FROM t` selects a column named stream.
function atStreamKeyword(p: TokenCursor): boolean {
  if (!p.atWord('STREAM')) return false;
  const t = p.peek(1);
  if (t.kind === 'symbol') return t.value === '*' || t.value === '(' || t.value === '-';
  return !(t.kind === 'word' && (t.value === 'FROM' || t.value === 'AS'));
}

function rejectJoin(p: TokenCursor): void {
  for (const word of JOIN_WORDS) {
    if (p.atWord(word)) p.unsupported(p.position, 'JOIN is not supported yet');
  }
  if (p.atSymbol(',')) {
    p.unsupported(p.position, 'JOIN is not supported yet (a comma between FROM items joins them)');
  }
}

function rejectStagger(p: TokenCursor): void {
  if (!p.atWord('WINDOWED')) return;
  const position = p.next().position;
  const kind = p.peek(1);
  const what = p.atWord('BY') && kind.kind === 'word' ? `WINDOWED BY ${kind.value}` : 'WINDOWED BY';
  p.unsupported(position, `${what} is not supported yet`);
}

/** ORDER BY, LIMIT and set operations after a query: named, not silently misread. */
export function rejectTrailingClauses(p: TokenCursor): void {
  if (p.atWord('ORDER')) p.unsupported(p.position, 'ORDER BY is not supported on a stream');
  if (p.atWord('LIMIT') || p.atWord('FETCH') || p.atWord('OFFSET')) {
    p.unsupported(p.position, `${p.peek().value} is not supported on a stream`);
  }
  for (const word of ['UNION', 'EXCEPT', 'INTERSECT', 'MINUS']) {
    if (p.atWord(word)) p.unsupported(p.position, `${word} is not supported yet`);
  }
  rejectJoin(p);
  rejectStagger(p);
}

function parseSelectItem(p: TokenCursor): SelectItem {
  const t = p.peek();
  if (p.atSymbol('*')) {
    p.next();
    return { kind: 'star', position: t.position };
  }
  if (
    p.atIdentifier() &&
    p.atSymbol('.', 1) &&
    p.peek(2).kind === 'symbol' &&
    p.peek(2).value === '*'
  ) {
    const table = p.identifier();
    p.next();
    p.next();
    return { kind: 'star', table, position: t.position };
  }
  const expr = parseExpr(p);
  const alias = parseAlias(p);
  return { kind: 'expr', expr, position: expr.position, ...(alias === undefined ? {} : { alias }) };
}

/** `[AS] name` after a select item or FROM item. */
function parseAlias(p: TokenCursor): Identifier | undefined {
  if (p.acceptWord('AS')) return p.identifier();
  return p.atIdentifier() ? p.identifier() : undefined;
}

function withAlias<T extends FromItem>(item: T, alias: Identifier | undefined): T {
  return alias === undefined ? item : { ...item, alias };
}

/** One FROM item: a stream, `TABLE(window TVF)`, `TABLE(TOP_K_ITEMS_TUMBLING(...))`, `(SELECT ...)`. */
export function parseFromItem(p: TokenCursor): FromItem {
  const position = p.position;
  if (p.acceptSymbol('(')) {
    const query = parseSelect(p);
    p.expectSymbol(')');
    return withAlias({ kind: 'subquery', query, position }, parseAlias(p));
  }
  if (p.acceptWord('TABLE')) {
    p.expectSymbol('(');
    const fn = p.peek();
    p.note('table function');
    if (fn.kind !== 'word' || !p.atSymbol('(', 1)) p.fail();
    let item: WindowTvf | TopKItemsTumbling;
    if ((WINDOW_TVFS as readonly string[]).includes(fn.value)) {
      item = parseWindowTvf(p, position);
    } else if (fn.value === 'TOP_K_ITEMS_TUMBLING') {
      item = parseTopK(p, position);
    } else {
      p.unsupported(
        fn.position,
        `${fn.value} is not supported yet; table functions: ${[...WINDOW_TVFS, 'TOP_K_ITEMS_TUMBLING'].join(', ')}`,
      );
    }
    p.expectSymbol(')');
    return withAlias(item, parseAlias(p));
  }
  const name = p.identifier();
  return withAlias({ kind: 'stream-ref', name, position }, parseAlias(p));
}

// `token` is where the argument starts, for error messages.
type TvfArg =
  | { kind: 'table'; table: Identifier; partitionBy: Expr[]; token: Token }
  | { kind: 'descriptor'; column: Identifier; token: Token }
  | { kind: 'expr'; expr: Expr; token: Token };

function parseTvfArg(p: TokenCursor): TvfArg {
  const token = p.peek();
  if (p.acceptWord('TABLE')) {
    const table = p.identifier();
    let partitionBy: Expr[] = [];
    if (p.acceptWord('PARTITION')) {
      p.expectWord('BY');
      // Flink writes several keys in parentheses: the comma after one key ends the argument.
      if (p.acceptSymbol('(')) {
        partitionBy = parseExprList(p);
        p.expectSymbol(')');
      } else {
        partitionBy = [parseExpr(p)];
      }
    }
    return { kind: 'table', table, partitionBy, token };
  }
  if (p.atWord('DESCRIPTOR') && p.atSymbol('(', 1)) {
    p.next();
    p.next();
    const column = p.identifier();
    p.expectSymbol(')');
    return { kind: 'descriptor', column, token };
  }
  return { kind: 'expr', expr: parseExpr(p), token };
}

function parseWindowTvf(p: TokenCursor, position: SourcePosition): WindowTvf {
  const fnToken = p.next();
  const fn = fnToken.value as WindowTvfName;
  const slots = TVF_SLOTS[fn];
  p.expectSymbol('(');
  p.sawFlink = true;
  const args = new Map<string, TvfArg>();
  let positional = 0;
  do {
    const t = p.peek();
    let slot: string;
    if (t.kind === 'word' && p.atSymbol('=>', 1)) {
      slot = t.value;
      if (!slots.includes(slot) || args.has(slot)) {
        throw new SqlSyntaxError(
          t.position,
          describe(t),
          slots.filter((s) => !args.has(s)),
          `${args.has(slot) ? 'repeated' : 'unknown'} argument ${t.value} of ${fn}; its arguments: ${slots.join(', ')}`,
        );
      }
      p.next();
      p.next();
    } else {
      const next = slots[positional];
      if (next === undefined) p.fail(`too many arguments to ${fn}: it takes ${slots.join(', ')}`);
      slot = next;
      positional++;
    }
    args.set(slot, parseTvfArg(p));
  } while (p.acceptSymbol(','));
  const close = p.peek();
  p.expectSymbol(')');

  const data = args.get('DATA');
  const timecol = args.get('TIMECOL');
  const sizeSlots = slots.filter((s) => s !== 'DATA' && s !== 'TIMECOL' && s !== 'OFFSET');
  const missing = ['DATA', 'TIMECOL', ...sizeSlots].filter((s) => !args.has(s));
  if (missing.length > 0 || data === undefined || timecol === undefined) {
    throw new SqlSyntaxError(
      close.position,
      describe(close),
      missing,
      `${fn} is missing ${missing.join(', ')}: it takes ${slots.join(', ')}`,
    );
  }
  if (data.kind !== 'table') tvfArgError(data, fn, 'DATA', 'TABLE name');
  if (timecol.kind !== 'descriptor') tvfArgError(timecol, fn, 'TIMECOL', 'DESCRIPTOR(column)');
  if (fn !== 'SESSION' && data.partitionBy.length > 0) {
    tvfArgError(data, fn, 'DATA', 'TABLE name without PARTITION BY (only SESSION takes it)');
  }
  const intervals = sizeSlots.map((s) => intervalArg(args.get(s) as TvfArg, fn, s));
  const offsetArg = args.get('OFFSET');
  const offset = offsetArg === undefined ? undefined : intervalArg(offsetArg, fn, 'OFFSET');
  return {
    kind: 'window-tvf',
    fn,
    table: data.table,
    partitionBy: data.partitionBy,
    timeColumn: timecol.column,
    intervals,
    position,
    ...(offset === undefined ? {} : { offset }),
  };
}

function intervalArg(arg: TvfArg, fn: string, slot: string): IntervalExpr {
  if (arg.kind === 'expr' && arg.expr.kind === 'interval') return arg.expr;
  return tvfArgError(arg, fn, slot, "an INTERVAL (e.g. INTERVAL '10' SECOND)");
}

function tvfArgError(arg: TvfArg, fn: string, slot: string, expected: string): never {
  throw new SqlSyntaxError(
    arg.token.position,
    describe(arg.token),
    [expected],
    `${fn}'s ${slot} argument must be ${expected}`,
  );
}

/** `TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM ...), 'column', k, windowSeconds)`. */
function parseTopK(p: TokenCursor, position: SourcePosition): TopKItemsTumbling {
  p.next();
  p.sawKda = true;
  p.expectSymbol('(');
  p.expectWord('CURSOR');
  p.expectSymbol('(');
  const cursor = parseSelect(p);
  p.expectSymbol(')');
  p.expectSymbol(',');
  const column = p.peek();
  p.note("'column name'");
  if (column.kind !== 'string') p.fail();
  p.next();
  p.expectSymbol(',');
  const k = positiveInteger(p, 'k');
  p.expectSymbol(',');
  const windowSeconds = positiveInteger(p, 'window size in seconds');
  p.expectSymbol(')');
  return { kind: 'top-k-items-tumbling', cursor, column: column.value, k, windowSeconds, position };
}

function positiveInteger(p: TokenCursor, what: string): number {
  const t = p.peek();
  p.note(`a positive integer (${what})`);
  if (t.kind !== 'number' || !/^\d+$/.test(t.value) || Number(t.value) === 0) p.fail();
  p.next();
  return Number(t.value);
}
