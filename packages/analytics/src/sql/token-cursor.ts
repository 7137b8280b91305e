import { type SourcePosition, SqlSyntaxError, SqlValidationError } from '../errors.js';
import type { Identifier } from './ast.js';
import { type Token, tokenize } from './lexer.js';

/**
 * Words that never name a column or stream unquoted: they start or end clauses, so taking them
 * as names would make `SELECT a FROM t WHERE ...` ambiguous. Quote them to use them as names.
 */
const RESERVED = new Set([
  'ALL',
  'AND',
  'AS',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'CREATE',
  'CROSS',
  'CURRENT',
  'DISTINCT',
  'ELSE',
  'END',
  'EXCEPT',
  'FALSE',
  'FROM',
  'FULL',
  'GROUP',
  'HAVING',
  'IN',
  'INNER',
  'INSERT',
  'INTERSECT',
  'INTERVAL',
  'INTO',
  'IS',
  'JOIN',
  'LEFT',
  'LIKE',
  'LIMIT',
  'NOT',
  'NULL',
  'ON',
  'OR',
  'ORDER',
  'OVER',
  'PARTITION',
  'RIGHT',
  'SELECT',
  'TABLE',
  'THEN',
  'TRUE',
  'UNION',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WINDOWED',
  'WITH',
]);

/** Whether an unquoted word is reserved (cannot be a name without quotes). */
export function isReserved(upperWord: string): boolean {
  return RESERVED.has(upperWord);
}

/** How deep expressions and queries may nest. */
const MAX_DEPTH = 500;

/**
 * The parser's read head over the tokens. Every test of the next token records what was tested
 * for, so a syntax error can list exactly what the parser could have taken at that place.
 */
export class TokenCursor {
  readonly #tokens: Token[];
  #index = 0;
  #expected: string[] = [];
  #expectedAt = 0;
  #depth = 0;
  /** Set when KDA-only syntax was read (`SELECT STREAM`, `STEP`, `CREATE STREAM/PUMP`, ...). */
  sawKda = false;
  /** Set when Flink-only syntax was read (window TVFs, `CREATE TABLE`). */
  sawFlink = false;

  constructor(text: string) {
    this.#tokens = tokenize(text);
  }

  /** The token `ahead` places on (0 = the next one); the `end` token past the end. */
  peek(ahead = 0): Token {
    const tokens = this.#tokens;
    return (tokens[this.#index + ahead] ?? tokens[tokens.length - 1]) as Token;
  }

  /** Where the next token starts. */
  get position(): SourcePosition {
    return this.peek().position;
  }

  /** Moves past the next token and returns it. */
  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.#index++;
    return token;
  }

  /**
   * One level deeper into nested expressions or queries. The limit keeps absurd nesting from
   * overflowing the stack (which would surface as a RangeError, not a typed error).
   */
  enter(): void {
    this.#depth++;
    if (this.#depth > MAX_DEPTH) {
      this.fail(`nested more than ${MAX_DEPTH} levels deep: simplify the expression`);
    }
  }

  /** Back out of a level entered with {@link enter}. */
  leave(): void {
    this.#depth--;
  }

  /** The nesting depth now, to return to with {@link restoreDepth} after a chain of operators. */
  get depth(): number {
    return this.#depth;
  }

  restoreDepth(depth: number): void {
    this.#depth = depth;
  }

  /** Records that `what` could have been taken here (for the error's expected-list). */
  note(what: string): void {
    if (this.#expectedAt !== this.#index) {
      this.#expectedAt = this.#index;
      this.#expected = [];
    }
    if (!this.#expected.includes(what)) this.#expected.push(what);
  }

  /** Whether the next token is the keyword `word` (upper-case). */
  atWord(word: string, ahead = 0): boolean {
    if (ahead === 0) this.note(word);
    const t = this.peek(ahead);
    return t.kind === 'word' && t.value === word;
  }

  acceptWord(word: string): boolean {
    if (!this.atWord(word)) return false;
    this.next();
    return true;
  }

  expectWord(word: string): Token {
    if (!this.atWord(word)) this.fail();
    return this.next();
  }

  /** Whether the next token is the symbol `symbol`. */
  atSymbol(symbol: string, ahead = 0): boolean {
    if (ahead === 0) this.note(symbol);
    const t = this.peek(ahead);
    return t.kind === 'symbol' && t.value === symbol;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.atSymbol(symbol)) return false;
    this.next();
    return true;
  }

  expectSymbol(symbol: string): Token {
    if (!this.atSymbol(symbol)) this.fail();
    return this.next();
  }

  /** Whether the next token can be a name: a quoted identifier or an unreserved word. */
  atIdentifier(ahead = 0): boolean {
    if (ahead === 0) this.note('identifier');
    const t = this.peek(ahead);
    return t.kind === 'quoted' || (t.kind === 'word' && !RESERVED.has(t.value));
  }

  /** Takes a name: quoted (kept exactly) or unquoted (kept as written). */
  identifier(): Identifier {
    if (!this.atIdentifier()) this.fail();
    const t = this.next();
    return t.kind === 'quoted'
      ? { name: t.value, quoted: true, position: t.position }
      : { name: t.text, quoted: false, position: t.position };
  }

  /** Throws the syntax error for the next token: what was found and what could have been taken. */
  fail(detail?: string): never {
    const t = this.peek();
    const expected = this.#expectedAt === this.#index ? [...this.#expected] : [];
    throw new SqlSyntaxError(t.position, describe(t), expected, detail);
  }

  /** Throws the error for a construct that parses but that the engine deliberately does not run. */
  unsupported(position: SourcePosition, message: string): never {
    throw new SqlValidationError(position, message);
  }
}

/** How a token is named in an error message: its text quoted, or `end of input`. */
export function describe(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  if (token.kind === 'string') return token.text;
  return `'${token.text}'`;
}
