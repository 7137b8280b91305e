import { type SourcePosition, SqlValidationError } from '../errors.js';
import type { BinaryOp, Expr, Identifier, WindowSpec } from './ast.js';
import {
  literal,
  parseInterval,
  parseTimestamp,
  parseTimeUnit,
  parseTypeName,
} from './parse-literal.js';
import { isReserved, type TokenCursor } from './token-cursor.js';

const COMPARISON: Readonly<Record<string, BinaryOp>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** `expr`: the whole precedence ladder, lowest (`OR`) first. */
export function parseExpr(p: TokenCursor): Expr {
  p.enter();
  const depth = p.depth;
  let left = parseAnd(p);
  while (p.atWord('OR')) {
    const position = p.next().position;
    p.enter(); // each operator of a chain is one level more of the tree
    left = { kind: 'binary', op: 'OR', left, right: parseAnd(p), position };
  }
  p.restoreDepth(depth - 1);
  return left;
}

function parseAnd(p: TokenCursor): Expr {
  const depth = p.depth;
  let left = parseNot(p);
  while (p.atWord('AND')) {
    const position = p.next().position;
    p.enter();
    left = { kind: 'binary', op: 'AND', left, right: parseNot(p), position };
  }
  p.restoreDepth(depth);
  return left;
}

function parseNot(p: TokenCursor): Expr {
  if (p.atWord('NOT')) {
    const position = p.next().position;
    p.enter();
    const operand = parseNot(p);
    p.leave();
    return { kind: 'unary', op: 'NOT', operand, position };
  }
  return parsePredicate(p);
}

function parsePredicate(p: TokenCursor): Expr {
  const depth = p.depth;
  let left = parseAdditive(p);
  for (;;) {
    p.enter();
    p.note('operator');
    const t = p.peek();
    const position = left.position;
    if (t.kind === 'symbol' && COMPARISON[t.value] !== undefined) {
      p.next();
      const op = COMPARISON[t.value] as BinaryOp;
      left = { kind: 'binary', op, left, right: parseAdditive(p), position };
      continue;
    }
    if (p.acceptWord('IS')) {
      const negated = p.acceptWord('NOT');
      p.expectWord('NULL');
      left = { kind: 'is-null', operand: left, negated, position };
      continue;
    }
    // `NOT` here belongs to IN / LIKE / BETWEEN; a bare NOT after an operand is an error below.
    const negated = p.atWord('NOT') && isNegatable(p);
    if (negated) p.next();
    if (p.acceptWord('IN')) {
      p.expectSymbol('(');
      if (p.atWord('SELECT')) p.unsupported(p.position, 'IN (SELECT ...) is not supported yet');
      const list = parseExprList(p);
      p.expectSymbol(')');
      left = { kind: 'in', operand: left, list, negated, position };
      continue;
    }
    if (p.acceptWord('LIKE')) {
      const pattern = parseAdditive(p);
      const escapeExpr = p.acceptWord('ESCAPE') ? parseAdditive(p) : undefined;
      left = {
        kind: 'like',
        operand: left,
        pattern,
        negated,
        position,
        ...(escapeExpr === undefined ? {} : { escape: escapeExpr }),
      };
      continue;
    }
    if (p.acceptWord('BETWEEN')) {
      const low = parseAdditive(p);
      p.expectWord('AND');
      const high = parseAdditive(p);
      left = { kind: 'between', operand: left, low, high, negated, position };
      continue;
    }
    if (negated) p.fail();
    p.restoreDepth(depth);
    return left;
  }
}

function isNegatable(p: TokenCursor): boolean {
  const t = p.peek(1);
  return t.kind === 'word' && (t.value === 'IN' || t.value === 'LIKE' || t.value === 'BETWEEN');
}

function parseAdditive(p: TokenCursor): Expr {
  const depth = p.depth;
  let left = parseMultiplicative(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'symbol' || (t.value !== '+' && t.value !== '-' && t.value !== '||')) {
      p.restoreDepth(depth);
      return left;
    }
    p.next();
    p.enter();
    const op = t.value as BinaryOp;
    left = { kind: 'binary', op, left, right: parseMultiplicative(p), position: left.position };
  }
}

function parseMultiplicative(p: TokenCursor): Expr {
  const depth = p.depth;
  let left = parseUnary(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'symbol' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) {
      p.restoreDepth(depth);
      return left;
    }
    p.next();
    p.enter();
    const op = t.value as BinaryOp;
    left = { kind: 'binary', op, left, right: parseUnary(p), position: left.position };
  }
}

function parseUnary(p: TokenCursor): Expr {
  p.note('-');
  const t = p.peek();
  if (t.kind === 'symbol' && (t.value === '-' || t.value === '+')) {
    p.next();
    p.enter();
    const operand = parseUnary(p);
    p.leave();
    return { kind: 'unary', op: t.value, operand, position: t.position };
  }
  return parsePrimary(p);
}

/** Largest INTEGER (Java's int); a larger whole number is a BIGINT literal, as in Flink. */
const MAX_INTEGER = 2 ** 31 - 1;

/**
 * `42` is INTEGER, `3000000000` BIGINT, `3.5` and `1e3` DOUBLE. A whole number beyond 2^53 - 1
 * is refused: it would not be exact (Flink's BIGINT goes to 2^63 - 1; this engine's stop at 2^53).
 */
function numberLiteral(text: string, position: SourcePosition): Expr {
  const value = Number(text);
  if (!/^\d+$/.test(text)) return literal(value, 'DOUBLE', position);
  if (value <= MAX_INTEGER) return literal(value, 'INTEGER', position);
  if (Number.isSafeInteger(value)) return literal(value, 'BIGINT', position);
  throw new SqlValidationError(
    position,
    `integer literal ${text} is too large: integers are exact only up to ${Number.MAX_SAFE_INTEGER} (2^53 - 1); write it as a DOUBLE (${text}.0) if an approximate value will do`,
  );
}

function parsePrimary(p: TokenCursor): Expr {
  const t = p.peek();
  if (t.kind === 'number') {
    p.next();
    return numberLiteral(t.value, t.position);
  }
  if (t.kind === 'string') {
    p.next();
    return literal(t.value, 'VARCHAR', t.position);
  }
  if (p.acceptSymbol('(')) {
    if (p.atWord('SELECT')) p.unsupported(p.position, 'scalar subqueries are not supported yet');
    const inner = parseExpr(p);
    p.expectSymbol(')');
    return inner;
  }
  for (const what of ['number', 'string', 'TRUE', 'FALSE', 'NULL', 'INTERVAL', 'CASE', 'CAST']) {
    p.note(what);
  }
  if (t.kind === 'word') {
    switch (t.value) {
      case 'TRUE':
      case 'FALSE':
        p.next();
        return literal(t.value === 'TRUE', 'BOOLEAN', t.position);
      case 'NULL':
        p.next();
        return literal(null, 'NULL', t.position);
      case 'INTERVAL':
        return parseInterval(p);
      case 'CASE':
        return parseCase(p);
      case 'TIMESTAMP':
        if (p.peek(1).kind === 'string') return parseTimestamp(p);
        break;
    }
    // Reserved words are no functions (`FROM(` stays a syntax error), but CAST is both.
    if (
      p.atSymbol('(', 1) &&
      t.value !== 'TIMESTAMP' &&
      (!isReserved(t.value) || t.value === 'CAST')
    ) {
      return parseCall(p);
    }
  }
  if (p.atIdentifier()) return parseColumn(p);
  return p.fail();
}

function parseColumn(p: TokenCursor): Expr {
  const first = p.identifier();
  if (!p.acceptSymbol('.')) {
    return { kind: 'column', column: first, position: first.position };
  }
  if (p.atSymbol('*')) {
    // `t.*` only makes sense in a select list; the select-list parser handles it before us.
    p.fail();
  }
  const column = p.identifier();
  return { kind: 'column', table: first, column, position: first.position };
}

function parseCase(p: TokenCursor): Expr {
  const position = p.expectWord('CASE').position;
  const operand = p.atWord('WHEN') ? undefined : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  do {
    p.expectWord('WHEN');
    const when = parseExpr(p);
    p.expectWord('THEN');
    // biome-ignore lint/suspicious/noThenProperty: `then` is the syntax tree's name (ast.ts), never awaited.
    whens.push({ when, then: parseExpr(p) });
  } while (p.atWord('WHEN'));
  const otherwise = p.acceptWord('ELSE') ? parseExpr(p) : undefined;
  p.expectWord('END');
  return {
    kind: 'case',
    whens,
    position,
    ...(operand === undefined ? {} : { operand }),
    ...(otherwise === undefined ? {} : { else: otherwise }),
  };
}

/** `name(...)` including the calls with their own syntax: CAST, EXTRACT, FLOOR/CEIL TO, STEP. */
function parseCall(p: TokenCursor): Expr {
  const nameToken = p.next();
  const name = nameToken.value;
  const position = nameToken.position;
  p.expectSymbol('(');
  switch (name) {
    case 'CAST': {
      const operand = parseExpr(p);
      p.expectWord('AS');
      const type = parseTypeName(p);
      p.expectSymbol(')');
      return { kind: 'cast', operand, type, position };
    }
    case 'EXTRACT': {
      const unit = parseTimeUnit(p);
      p.expectWord('FROM');
      const operand = parseExpr(p);
      p.expectSymbol(')');
      return { kind: 'extract', unit, operand, position };
    }
    case 'STEP': {
      const operand = parseExpr(p);
      p.expectWord('BY');
      const interval = parseInterval(p);
      p.expectSymbol(')');
      p.sawKda = true;
      return { kind: 'step', operand, interval, position };
    }
    case 'FLOOR':
    case 'CEIL':
    case 'CEILING': {
      const operand = parseExpr(p);
      if (p.acceptWord('TO')) {
        const unit = parseTimeUnit(p);
        p.expectSymbol(')');
        return {
          kind: 'floor-to',
          fn: name === 'FLOOR' ? 'FLOOR' : 'CEIL',
          operand,
          unit,
          position,
        };
      }
      p.expectSymbol(')');
      return finishCall(p, name, [operand], false, false, position);
    }
    case 'SUBSTRING': {
      // SUBSTRING(s FROM start [FOR length]) is SUBSTRING(s, start[, length]).
      const args = [parseExpr(p)];
      if (p.acceptWord('FROM')) {
        args.push(parseExpr(p));
        if (p.acceptWord('FOR')) args.push(parseExpr(p));
      } else {
        while (p.acceptSymbol(',')) args.push(parseExpr(p));
      }
      p.expectSymbol(')');
      return finishCall(p, name, args, false, false, position);
    }
    case 'POSITION': {
      // POSITION(needle IN haystack): parse the needle below IN so IN is not taken as a predicate.
      const needle = parseAdditive(p);
      const args = [needle];
      if (p.acceptWord('IN')) args.push(parseExpr(p));
      else while (p.acceptSymbol(',')) args.push(parseExpr(p));
      p.expectSymbol(')');
      return finishCall(p, name, args, false, false, position);
    }
  }
  if (p.acceptSymbol('*')) {
    p.expectSymbol(')');
    return finishCall(p, name, [], true, false, position);
  }
  const distinct = p.acceptWord('DISTINCT');
  if (!distinct) p.acceptWord('ALL');
  const args = p.atSymbol(')') ? [] : parseExprList(p);
  p.expectSymbol(')');
  return finishCall(p, name, args, false, distinct, position);
}

function finishCall(
  p: TokenCursor,
  name: string,
  args: Expr[],
  star: boolean,
  distinct: boolean,
  position: SourcePosition,
): Expr {
  if (!p.acceptWord('OVER')) return { kind: 'call', name, args, star, distinct, position };
  const over: Identifier | WindowSpec = p.atSymbol('(') ? parseWindowSpec(p) : p.identifier();
  return { kind: 'call', name, args, star, distinct, over, position };
}

/** `a, b, c`: one or more expressions. */
export function parseExprList(p: TokenCursor): Expr[] {
  const list = [parseExpr(p)];
  while (p.acceptSymbol(',')) list.push(parseExpr(p));
  return list;
}

/**
 * `(PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)`.
 * A spec without a frame (or with `UNBOUNDED PRECEDING`) gets `ROWS` with `preceding: Infinity`.
 */
export function parseWindowSpec(p: TokenCursor): WindowSpec {
  const position = p.expectSymbol('(').position;
  let partitionBy: Expr[] = [];
  if (p.acceptWord('PARTITION')) {
    p.expectWord('BY');
    partitionBy = parseExprList(p);
  }
  let orderBy: Expr | undefined;
  let descending = false;
  if (p.acceptWord('ORDER')) {
    p.expectWord('BY');
    orderBy = parseExpr(p);
    if (p.acceptWord('DESC')) descending = true;
    else p.acceptWord('ASC');
    if (p.atSymbol(','))
      p.unsupported(p.position, 'ORDER BY of more than one expression is not supported in OVER');
  }
  let frame: WindowSpec['frame'] = { unit: 'ROWS', preceding: Number.POSITIVE_INFINITY };
  if (p.atWord('RANGE') || p.atWord('ROWS')) {
    const unit = p.next().value as 'RANGE' | 'ROWS';
    const between = p.acceptWord('BETWEEN');
    if (p.acceptWord('UNBOUNDED')) {
      frame = { unit: 'ROWS', preceding: Number.POSITIVE_INFINITY };
    } else if (unit === 'RANGE') {
      frame = { unit, preceding: parseInterval(p) };
    } else {
      const t = p.peek();
      p.note('integer');
      if (t.kind !== 'number' || !/^\d+$/.test(t.value)) p.fail();
      p.next();
      frame = { unit, preceding: Number(t.value) };
    }
    if (p.atWord('FOLLOWING')) p.unsupported(p.position, 'FOLLOWING is not supported on a stream');
    p.expectWord('PRECEDING');
    if (between) {
      p.expectWord('AND');
      p.expectWord('CURRENT');
      p.expectWord('ROW');
    }
  }
  p.expectSymbol(')');
  return {
    kind: 'window-spec',
    partitionBy,
    frame,
    position,
    ...(orderBy === undefined ? {} : { orderBy }),
    ...(descending ? { descending } : {}),
  };
}
