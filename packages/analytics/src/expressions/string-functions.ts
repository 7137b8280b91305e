import { SqlValidationError } from '../errors.js';
import type { CompiledNode } from './compiled-node.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import { type ScalarFunction, strictFunction, unaryFunction } from './scalar-function.js';
import { expectArgument } from './type-check.js';

const varchar = () => 'VARCHAR' as const;
const integer = () => 'INTEGER' as const;

// SQL TRIM removes spaces only, not every kind of white space (tabs and new lines stay).
const trimStart = (s: string) => {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return s.slice(i);
};
const trimEnd = (s: string) => {
  let i = s.length;
  while (i > 0 && s.charCodeAt(i - 1) === 32) i--;
  return s.slice(0, i);
};

/**
 * SQL-standard SUBSTRING: the characters at 1-based positions `start` .. `start + length - 1`
 * that exist (`SUBSTRING('abc', 0, 2)` = `'a'`); `length` is not negative.
 */
function substring(s: string, start: number, length?: number): string {
  const from = Math.max(start, 1);
  if (length === undefined) return s.slice(from - 1);
  const to = start + length; // exclusive, 1-based
  return to <= from ? '' : s.slice(from - 1, to - 1);
}

const SUBSTRING: ScalarFunction = {
  name: 'SUBSTRING',
  signature: 'SUBSTRING(VARCHAR, integer[, integer])',
  minArgs: 2,
  maxArgs: 3,
  compile(args, call) {
    const expected = ['VARCHAR', 'integer', 'integer'] as const;
    args.forEach((arg, i) => {
      expectArgument('SUBSTRING', i, arg.type, expected[i] ?? 'integer', call.position);
    });
    const [s, start, length] = args.map((arg) => arg.evaluate);
    if (s === undefined || start === undefined)
      throw new Error('unreachable: argument count checked');
    return {
      type: 'VARCHAR',
      evaluate: (row) => {
        const text = s(row);
        if (text == null) return null;
        const from = start(row);
        if (from == null) return null;
        if (length === undefined) return substring(text as string, from as number);
        const n = length(row);
        if (n == null) return null;
        if ((n as number) < 0) {
          throw new ExpressionEvaluationError(
            `SUBSTRING length must not be negative, got ${n}`,
            call.position,
          );
        }
        return substring(text as string, from as number, n as number);
      },
    };
  },
};

/** `CONCAT(a, b, ...)`: NULL when any argument is NULL (as Flink's CONCAT). */
const CONCAT: ScalarFunction = {
  name: 'CONCAT',
  signature: 'CONCAT(VARCHAR, VARCHAR, ...)',
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  compile(args, call) {
    args.forEach((arg, i) => {
      expectArgument('CONCAT', i, arg.type, 'VARCHAR', call.position);
    });
    const readers = args.map((arg: CompiledNode) => arg.evaluate);
    return {
      type: 'VARCHAR',
      evaluate: (row) => {
        let out = '';
        for (let i = 0; i < readers.length; i++) {
          const v = (readers[i] as (r: Record<string, unknown>) => unknown)(row);
          if (v == null) return null;
          out += v as string;
        }
        return out;
      },
    };
  },
};

/**
 * `REGEXP_EXTRACT(s, regex[, group])`: the group (default 0: the whole match) of the first match,
 * or NULL. The regex is a JavaScript RegExp (no flags), not Flink's Java `Pattern`: most syntax
 * agrees, but Java's inline flags (`(?i)`), possessive quantifiers (`a*+`) and `\Q...\E` are
 * refused, and `$` matches only at the very end. Both engines backtrack: a pattern with nested
 * quantifiers (`(a+)+b`) can take exponential time on an unlucky value, and here that blocks the
 * whole process, so write patterns that fail fast (anchored, no nested `+`/`*`).
 */
const REGEXP_EXTRACT: ScalarFunction = {
  name: 'REGEXP_EXTRACT',
  signature: 'REGEXP_EXTRACT(VARCHAR, VARCHAR[, integer])',
  minArgs: 2,
  maxArgs: 3,
  compile(args, call) {
    const expected = ['VARCHAR', 'VARCHAR', 'integer'] as const;
    args.forEach((arg, i) => {
      expectArgument('REGEXP_EXTRACT', i, arg.type, expected[i] ?? 'integer', call.position);
    });
    const [s, regex, group] = args.map((arg) => arg.evaluate);
    if (s === undefined || regex === undefined)
      throw new Error('unreachable: argument count checked');
    const compileRegExp = (source: string, where: 'compile' | 'run'): RegExp => {
      try {
        return new RegExp(source);
      } catch (error) {
        const message = `REGEXP_EXTRACT: invalid regular expression '${source}' (JavaScript RegExp syntax; Java's inline flags such as (?i) are not supported): ${(error as Error).message}`;
        if (where === 'compile') throw new SqlValidationError(call.position, message);
        throw new ExpressionEvaluationError(message, call.position);
      }
    };
    const regexNode = args[1] as CompiledNode;
    let cachedSource =
      regexNode.constant && typeof regexNode.value === 'string' ? regexNode.value : undefined;
    let cached = cachedSource === undefined ? undefined : compileRegExp(cachedSource, 'compile');
    return {
      type: 'VARCHAR',
      evaluate: (row) => {
        const text = s(row);
        if (text == null) return null;
        const source = regex(row);
        if (source == null) return null;
        const index = group === undefined ? 0 : group(row);
        if (index == null) return null;
        if (source !== cachedSource || cached === undefined) {
          cached = compileRegExp(source as string, 'run');
          cachedSource = source as string;
        }
        const match = cached.exec(text as string);
        return match === null ? null : (match[index as number] ?? null);
      },
    };
  },
};

/** The string functions, by name. */
export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  unaryFunction('UPPER', 'VARCHAR', varchar, (s: string) => s.toUpperCase()),
  unaryFunction('LOWER', 'VARCHAR', varchar, (s: string) => s.toLowerCase()),
  unaryFunction('TRIM', 'VARCHAR', varchar, (s: string) => trimEnd(trimStart(s))),
  unaryFunction('LTRIM', 'VARCHAR', varchar, trimStart),
  unaryFunction('RTRIM', 'VARCHAR', varchar, trimEnd),
  unaryFunction('CHAR_LENGTH', 'VARCHAR', integer, (s: string) => s.length),
  unaryFunction('CHARACTER_LENGTH', 'VARCHAR', integer, (s: string) => s.length),
  SUBSTRING,
  { ...SUBSTRING, name: 'SUBSTR', signature: 'SUBSTR(VARCHAR, integer[, integer])' },
  // The parser turns POSITION(a IN b) into a call with arguments (a, b).
  strictFunction(
    'POSITION',
    ['VARCHAR', 'VARCHAR'],
    0,
    integer,
    (needle: string, haystack: string) => haystack.indexOf(needle) + 1,
  ),
  CONCAT,
  strictFunction(
    'REPLACE',
    ['VARCHAR', 'VARCHAR', 'VARCHAR'],
    0,
    varchar,
    (s: string, from: string, to: string) => (from === '' ? s : s.split(from).join(to)),
  ),
  REGEXP_EXTRACT,
];
