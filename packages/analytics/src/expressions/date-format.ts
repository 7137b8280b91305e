import { dayOf, extractField, floorToMultiple, monthOf, yearOf } from './calendar.js';

/** Why a format pattern is not supported; the caller turns it into a typed error. */
export class DateFormatError extends Error {
  override readonly name = 'DateFormatError';
}

/** A compiled Java `SimpleDateFormat`-style pattern, in UTC. */
export interface DateFormat {
  /** The time as text. */
  format(ms: number): string;
  /** Epoch ms of text written in the pattern (all of it), or `undefined` when it does not match. */
  parse(text: string): number | undefined;
}

type Field = 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S';
type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly field: Field; readonly width: number };

const FIELDS = new Set<string>(['y', 'M', 'd', 'H', 'm', 's', 'S']);
const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** The pattern letters supported, for error messages. */
export const SUPPORTED_PATTERN_LETTERS =
  'y (year), M (month; MMM = Jan), d (day), H (hour 0-23), m (minute), s (second), S (millisecond)';

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      // 'text' is literal; '' is a quote.
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DateFormatError(`unterminated quote in format '${pattern}'`);
      tokens.push({ kind: 'literal', text: pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (FIELDS.has(ch)) {
      let width = 1;
      while (pattern[i + width] === ch) width++;
      tokens.push({ kind: 'field', field: ch as Field, width });
      i += width;
    } else if (/[A-Za-z]/.test(ch)) {
      throw new DateFormatError(
        `format letter '${ch}' in '${pattern}' is not supported; supported: ${SUPPORTED_PATTERN_LETTERS}; quote literal text ('T')`,
      );
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i++;
    }
  }
  return tokens;
}

function fieldValue(ms: number, field: Field): number {
  switch (field) {
    case 'y':
      return yearOf(ms);
    case 'M':
      return monthOf(ms);
    case 'd':
      return dayOf(ms);
    case 'H':
      return extractField(ms, 'HOUR');
    case 'm':
      return extractField(ms, 'MINUTE');
    case 's':
      return extractField(ms, 'SECOND');
    case 'S':
      return ms - floorToMultiple(ms, 1000);
  }
}

/**
 * Compiles a Java `SimpleDateFormat` pattern with the common letters (`yyyy-MM-dd HH:mm:ss.SSS`),
 * as KDA's `CHAR_TO_TIMESTAMP` and `TIMESTAMP_TO_CHAR` take them. Times are UTC. `yy` is a year
 * in 2000–2099 (Java's sliding century depends on today: not reproducible). Parsing must match
 * the whole text (Java ignores trailing text). Throws {@link DateFormatError} for other letters.
 */
export function compileDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  return {
    format(ms) {
      let out = '';
      for (const token of tokens) {
        if (token.kind === 'literal') out += token.text;
        else if (token.field === 'M' && token.width >= 3) out += MONTH_NAMES[monthOf(ms) - 1];
        else {
          const value = fieldValue(ms, token.field);
          out +=
            token.field === 'y' && token.width === 2
              ? String(value % 100).padStart(2, '0')
              : String(value).padStart(token.width, '0');
        }
      }
      return out;
    },
    parse(text) {
      const values: Record<Field, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
      let at = 0;
      for (let t = 0; t < tokens.length; t++) {
        const token = tokens[t] as Token;
        if (token.kind === 'literal') {
          if (!text.startsWith(token.text, at)) return undefined;
          at += token.text.length;
          continue;
        }
        if (token.field === 'M' && token.width >= 3) {
          const month = MONTH_NAMES.findIndex(
            (name) => text.slice(at, at + 3).toLowerCase() === name.toLowerCase(),
          );
          if (month < 0) return undefined;
          values.M = month + 1;
          at += 3;
          continue;
        }
        // As Java does: a numeric field followed directly by another takes exactly its width.
        const next = tokens[t + 1];
        const fixed = next !== undefined && next.kind === 'field';
        let end = at;
        while (
          end < text.length &&
          (!fixed || end - at < token.width) &&
          text.charCodeAt(end) >= 48 &&
          text.charCodeAt(end) <= 57
        )
          end++;
        if (end === at || (fixed && end - at !== token.width)) return undefined;
        let value = Number(text.slice(at, end));
        if (token.field === 'y' && token.width === 2 && end - at === 2) value += 2000;
        values[token.field] = value;
        at = end;
      }
      if (at !== text.length) return undefined;
      const { y, M, d, H, m, s, S } = values;
      if (M < 1 || M > 12 || d < 1 || H > 23 || m > 59 || s > 59 || S > 999) return undefined;
      const ms = Date.UTC(y, M - 1, d, H, m, s, S);
      // Date.UTC rolls 31 Feb over into March: reject instead, as a non-lenient parser does.
      if (dayOf(ms) !== d) return undefined;
      return y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
    },
  };
}
