import { type SourcePosition, SqlSyntaxError } from '../errors.js';

/**
 * What a token is:
 * - `word`: an unquoted identifier or keyword (`upper` holds it upper-cased for keyword tests)
 * - `quoted`: a `"double"` or `` `back` `` quoted identifier (`value` is unescaped)
 * - `string`: a `'literal'` (`value` is unescaped)
 * - `number`: `42`, `3.5`, `1e3`
 * - `symbol`: punctuation and operators (`(`, `,`, `<=`, `||`, `=>`, ...)
 * - `end`: the end of the text
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'symbol' | 'end';

/** One token of SQL text. */
export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for error messages). */
  readonly text: string;
  /** Identifiers and strings unescaped; words upper-cased; symbols and numbers as written. */
  readonly value: string;
  readonly position: SourcePosition;
}

// Longest first, so `<=` wins over `<`.
const SYMBOLS = [
  '<>',
  '<=',
  '>=',
  '!=',
  '||',
  '=>',
  '(',
  ')',
  ',',
  ';',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
];

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits SQL text into tokens, skipping whitespace and `--` / `/* *\/` comments. The last token
 * is always `end`.
 *
 * @throws {SqlSyntaxError} on an unterminated string, quoted identifier or comment, or a
 *   character that starts no token.
 * @example
 * tokenize('SELECT "a" FROM t').map((t) => t.kind); // ['word', 'quoted', 'word', 'word', 'end']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  const pos = (offset: number): SourcePosition => ({
    line,
    column: offset - lineStart + 1,
    offset,
  });
  // Advances over text[from, to) keeping line/column right across newlines inside tokens.
  const advance = (to: number): void => {
    for (let j = i; j < to; j++) {
      if (text.charCodeAt(j) === 10) {
        line++;
        lineStart = j + 1;
      }
    }
    i = to;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10 || c === 12) {
      advance(i + 1);
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const eol = text.indexOf('\n', i);
      advance(eol < 0 ? n : eol);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) {
        throw new SqlSyntaxError(
          pos(i),
          'end of input',
          ['*/'],
          'unterminated comment: expected */',
        );
      }
      advance(close + 2);
      continue;
    }
    const start = pos(i);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'word', text: word, value: word.toUpperCase(), position: start });
      advance(j);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 46) {
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      const e = text.charCodeAt(j);
      if (e === 69 || e === 101) {
        let k = j + 1;
        const sign = text.charCodeAt(k);
        if (sign === 43 || sign === 45) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (k < n && isDigit(text.charCodeAt(k))) k++;
          j = k;
        }
      }
      const num = text.slice(i, j);
      tokens.push({ kind: 'number', text: num, value: num, position: start });
      advance(j);
      continue;
    }
    if (c === 39 || c === 34 || c === 96) {
      const quote = text[i] as string;
      let j = i + 1;
      let value = '';
      for (;;) {
        const close = text.indexOf(quote, j);
        if (close < 0) {
          const what = c === 39 ? 'string' : 'quoted identifier';
          throw new SqlSyntaxError(
            start,
            'end of input',
            [quote],
            `unterminated ${what}: expected ${quote}`,
          );
        }
        value += text.slice(j, close);
        // A doubled quote is an escaped quote inside the token.
        if (text[close + 1] === quote) {
          value += quote;
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      const raw = text.slice(i, j);
      if (c !== 39 && value.length === 0) {
        throw new SqlSyntaxError(start, raw, ['identifier'], 'empty quoted identifier');
      }
      tokens.push({ kind: c === 39 ? 'string' : 'quoted', text: raw, value, position: start });
      advance(j);
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? c);
      throw new SqlSyntaxError(start, `'${ch}'`, ['a SQL token'], `unexpected character '${ch}'`);
    }
    tokens.push({ kind: 'symbol', text: symbol, value: symbol, position: start });
    advance(i + symbol.length);
  }
  tokens.push({ kind: 'end', text: '', value: '', position: pos(n) });
  return tokens;
}
