import { describe, expect, it } from 'vitest';
import { SqlSyntaxError } from '../../src/errors.js';
import { tokenize } from '../../src/sql/lexer.js';

const kindsAndValues = (text: string): string[] =>
  tokenize(text).map((t) => `${t.kind}:${t.value}`);

describe('tokenize', () => {
  it('splits words, quoted identifiers, strings, numbers and symbols', () => {
    expect(kindsAndValues(`select "Src""X".a, 'it''s', 12.5e-1 <= x || \`bq\` => ;`)).toEqual([
      'word:SELECT',
      'quoted:Src"X',
      'symbol:.',
      'word:A',
      'symbol:,',
      "string:it's",
      'symbol:,',
      'number:12.5e-1',
      'symbol:<=',
      'word:X',
      'symbol:||',
      'quoted:bq',
      'symbol:=>',
      'symbol:;',
      'end:',
    ]);
  });

  it('keeps the text of words as written beside their upper-cased value', () => {
    const [word] = tokenize('myCol');
    expect(word).toMatchObject({ kind: 'word', text: 'myCol', value: 'MYCOL' });
  });

  it('takes the longest operator', () => {
    expect(kindsAndValues('a<>b!=c>=d<e').filter((t) => t.startsWith('symbol'))).toEqual([
      'symbol:<>',
      'symbol:!=',
      'symbol:>=',
      'symbol:<',
    ]);
  });

  it('skips comments and keeps line and column across them and across multi-line strings', () => {
    const tokens = tokenize("-- one\n/* two\n three */ a 'x\ny' b");
    expect(tokens.map((t) => [t.value, t.position.line, t.position.column])).toEqual([
      ['A', 3, 11],
      ['x\ny', 3, 13],
      ['B', 4, 4],
      ['', 4, 5],
    ]);
  });

  it('does not take a minus sign into a number', () => {
    expect(kindsAndValues('1-2')).toEqual(['number:1', 'symbol:-', 'number:2', 'end:']);
  });

  it('refuses a character that starts no token, naming it and its place', () => {
    try {
      tokenize('a\n  ?');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SqlSyntaxError);
      expect((error as SqlSyntaxError).message).toBe("line 2, column 3: unexpected character '?'");
    }
  });
});
