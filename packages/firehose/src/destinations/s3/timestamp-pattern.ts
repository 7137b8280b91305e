import { PrefixExpressionError } from '../../errors.js';

const FIELDS: Record<string, (date: Date) => string> = {
  yyyy: (date) => String(date.getUTCFullYear()).padStart(4, '0'),
  MM: (date) => String(date.getUTCMonth() + 1).padStart(2, '0'),
  dd: (date) => String(date.getUTCDate()).padStart(2, '0'),
  HH: (date) => String(date.getUTCHours()).padStart(2, '0'),
  mm: (date) => String(date.getUTCMinutes()).padStart(2, '0'),
  ss: (date) => String(date.getUTCSeconds()).padStart(2, '0'),
};

// Characters Java's DateTimeFormatter gives a meaning other than "print me": optional
// sections and reserved characters. Rejected rather than printed.
const RESERVED = new Set(['[', ']', '{', '}', '#']);

/**
 * Compiles the subset of Java's DateTimeFormatter patterns that S3 prefixes use: `yyyy`, `MM`,
 * `dd`, `HH`, `mm`, `ss`, quoted literal text (`'year='`; `''` is a quote, inside or outside
 * quoted text, so `'it''s'` prints `it's`) and any other non-letter character. Other letters
 * would silently mean something else to Java, so they are rejected. Renders UTC, as Firehose
 * does.
 *
 * @example
 * ```ts
 * compileTimestampPattern("'year='yyyy")(Date.UTC(2024, 0, 1)); // 'year=2024'
 * ```
 */
export function compileTimestampPattern(pattern: string): (timeMs: number) => string {
  if (pattern === '') {
    throw new PrefixExpressionError('timestamp pattern is empty: !{timestamp:} formats nothing');
  }
  const parts: Array<string | ((date: Date) => string)> = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === "'") {
      const { text, end } = readQuoted(pattern, i);
      parts.push(text);
      i = end;
    } else if (/[A-Za-z]/.test(char)) {
      let end = i;
      while (pattern[end] === char) end++;
      const run = pattern.slice(i, end);
      const field = FIELDS[run];
      if (!field) {
        throw new PrefixExpressionError(
          `timestamp pattern "${pattern}" uses "${run}"; supported are yyyy, MM, dd, HH, mm, ss and quoted text`,
        );
      }
      parts.push(field);
      i = end;
    } else if (RESERVED.has(char)) {
      throw new PrefixExpressionError(
        `timestamp pattern "${pattern}" uses "${char}", which DateTimeFormatter reserves; quote it ('${char}')`,
      );
    } else {
      parts.push(char);
      i++;
    }
  }
  return (timeMs) => {
    const date = new Date(timeMs);
    return parts.map((part) => (typeof part === 'string' ? part : part(date))).join('');
  };
}

/** Reads the quoted literal that starts at `start`: its text and the index after it. */
function readQuoted(pattern: string, start: number): { text: string; end: number } {
  if (pattern[start + 1] === "'") return { text: "'", end: start + 2 };
  let text = '';
  let i = start + 1;
  for (;;) {
    if (i >= pattern.length) {
      throw new PrefixExpressionError(`timestamp pattern "${pattern}" has an unclosed quote`);
    }
    if (pattern[i] === "'") {
      if (pattern[i + 1] !== "'") return { text, end: i + 1 };
      text += "'";
      i += 2;
    } else {
      text += pattern[i];
      i++;
    }
  }
}
