import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SourcePosition, SqlValidationError } from '../../src/errors.js';
import { compileExpression } from '../../src/expressions/compile-expression.js';
import { ExpressionEvaluationError } from '../../src/expressions/expression-evaluation-error.js';
import type { ExpressionScope } from '../../src/expressions/expression-scope.js';
import type { Expr } from '../../src/sql/ast.js';

const P: SourcePosition = { line: 1, column: 1, offset: 0 };
const str = (value: string | null): Expr => ({
  kind: 'literal',
  value,
  type: value === null ? 'NULL' : 'VARCHAR',
  position: P,
});
const col = (name: string): Expr => ({
  kind: 'column',
  column: { name, quoted: false, position: P },
  position: P,
});
const like = (operand: Expr, pattern: Expr, escapeChar?: Expr, negated = false): Expr => ({
  kind: 'like',
  operand,
  pattern,
  negated,
  position: P,
  ...(escapeChar === undefined ? {} : { escape: escapeChar }),
});
const scope: ExpressionScope = {
  column: (ref) => ({
    type: ref.column.name === 'n' ? 'INTEGER' : 'VARCHAR',
    key: ref.column.name,
  }),
  columnNames: () => ['s', 'p', 'e', 'n'],
};
const matches = (
  s: string | null,
  pattern: string | null,
  escapeChar?: string | null,
  negated = false,
) =>
  compileExpression(
    like(col('s'), str(pattern), escapeChar === undefined ? undefined : str(escapeChar), negated),
    scope,
  ).evaluate({ s });

/** Brute force: does `s` match `pattern` from these positions? (`%` any run, `_` one character.) */
function bruteForce(s: string, tokens: readonly { wildcard?: '%' | '_'; ch?: string }[]): boolean {
  const go = (i: number, t: number): boolean => {
    if (t === tokens.length) return i === s.length;
    const token = tokens[t] as { wildcard?: '%' | '_'; ch?: string };
    if (token.wildcard === '%') {
      for (let k = i; k <= s.length; k++) if (go(k, t + 1)) return true;
      return false;
    }
    if (i >= s.length) return false;
    return (token.wildcard === '_' || s[i] === token.ch) && go(i + 1, t + 1);
  };
  return go(0, 0);
}

describe('LIKE', () => {
  it.each([
    ['/home', '/home', true],
    ['/home', '/HOME', false],
    ['/home/a', '/home%', true],
    ['/x/home', '%home', true],
    ['/x/home/y', '%home%', true],
    ['/x/hom', '%home%', false],
    ['abc', 'a_c', true],
    ['ac', 'a_c', false],
    ['abc', 'a%b%c', true],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['a\nb', 'a_b', true],
    ['(x)', '(%)', true],
    ['', '%', true],
    ['', '_', false],
    ['ab', 'a%b', true],
    ['a', 'a%a', false],
  ])("'%s' LIKE '%s' is %s", (s, pattern, expected) => {
    expect(matches(s, pattern)).toBe(expected);
    expect(matches(s, pattern, undefined, true)).toBe(!expected);
  });

  it.each([
    ['100%', '100!%', '!', true],
    ['100x', '100!%', '!', false],
    ['a_b', 'a!_b', '!', true],
    ['axb', 'a!_b', '!', false],
    ['a!b', 'a!!b', '!', true],
    ['50% off', '%\\%%', '\\', true],
    ['50 off', '%\\%%', '\\', false],
  ])("'%s' LIKE '%s' ESCAPE '%s' is %s", (s, pattern, escapeChar, expected) => {
    expect(matches(s, pattern, escapeChar)).toBe(expected);
  });

  it('is NULL when the text, the pattern or the escape is NULL', () => {
    expect(matches(null, 'a%')).toBeNull();
    expect(matches('a', null)).toBeNull();
    expect(matches('a', 'a%', null)).toBeNull();
  });

  it('refuses a constant pattern with a bad escape at compile time', () => {
    expect(() => matches('a', 'a!x', '!')).toThrow(SqlValidationError);
    expect(() => matches('a', 'a!x', '!')).toThrow(
      /invalid escape sequence in LIKE pattern 'a!x' at character 2/,
    );
    expect(() => matches('a', 'a!', '!')).toThrow(/must be followed by %, _ or itself/);
    expect(() => matches('a', 'a', '!!')).toThrow(
      /the LIKE escape must be a single character, got '!!'/,
    );
  });

  it('fails the row for a bad pattern that comes from a column', () => {
    const compiled = compileExpression(like(col('s'), col('p'), col('e')), scope);
    expect(compiled.evaluate({ s: 'a%', p: 'a!%', e: '!' })).toBe(true);
    expect(compiled.evaluate({ s: 'ab', p: 'a_', e: '!' })).toBe(true);
    expect(() => compiled.evaluate({ s: 'a', p: 'a!', e: '!' })).toThrow(ExpressionEvaluationError);
  });

  it('names the operand type when it is not VARCHAR', () => {
    expect(() => compileExpression(like(col('n'), str('1%')), scope)).toThrow(
      /LIKE expects VARCHAR, got INTEGER \(argument 1\)/,
    );
  });

  it('agrees with a brute-force matcher on random patterns and texts', () => {
    type Token = { wildcard?: '%' | '_'; ch?: string };
    const token = fc.oneof(
      fc.constantFrom('%', '_').map((wildcard): Token => ({ wildcard })),
      fc.constantFrom('a', 'b', '.', '*', '!', '%', '_', '\\').map((ch): Token => ({ ch })),
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 7 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '!', '%', '_', '\\'), maxLength: 8 }),
        (tokens, s) => {
          // Literal characters are written escaped with '!' when they are special.
          const pattern = tokens
            .map(
              (t) =>
                t.wildcard ?? (t.ch === '%' || t.ch === '_' || t.ch === '!' ? `!${t.ch}` : t.ch),
            )
            .join('');
          expect(matches(s, pattern, '!')).toBe(bruteForce(s, tokens));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with a dynamic-programming matcher on longer texts and patterns with many %', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '%', '_'), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 40 }),
        (pattern, s) => {
          expect(matches(s, pattern)).toBe(referenceLike(s, pattern));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('matches a 10,000-character text against patterns that backtrack in a regular expression', () => {
    const text = 'a'.repeat(10_000);
    expect(matches(text, '%a%a%a%a%a%a%b')).toBe(false);
    expect(matches(text, '%a%a%a%a%a%a%a')).toBe(true);
    expect(matches(text, '%a_%a_%a_%a_%a_%b%')).toBe(false);
    expect(matches(`${text}b`, '%a_%a_%a_%a_%a_%b')).toBe(true);
    expect(matches(text, '_%_%_%_%_%_%_%_%_%_%c')).toBe(false);
  });
});

/** Reference LIKE without escapes: table[i][j] = text[0, i) matches pattern[0, j). */
function referenceLike(text: string, pattern: string): boolean {
  let row = [true];
  for (let j = 1; j <= pattern.length; j++)
    row[j] = (row[j - 1] as boolean) && pattern[j - 1] === '%';
  for (let i = 1; i <= text.length; i++) {
    const next = [false];
    for (let j = 1; j <= pattern.length; j++) {
      const p = pattern[j - 1];
      next[j] =
        p === '%'
          ? (next[j - 1] as boolean) || (row[j] as boolean)
          : (row[j - 1] as boolean) && (p === '_' || p === text[i - 1]);
    }
    row = next;
  }
  return row[pattern.length] as boolean;
}
