/** Tests one string against a LIKE pattern. */
export type LikeMatcher = (text: string) => boolean;

/** Why a LIKE pattern or escape is invalid; the caller turns it into a typed error. */
export class LikePatternError extends Error {
  override readonly name = 'LikePatternError';
}

/**
 * Compiles a SQL LIKE pattern: `%` matches any run of characters (also none), `_` exactly one
 * character (a UTF-16 unit, as in Java), everything else itself, case-sensitively. With an
 * `escapeChar` (one character), `escapeChar%`, `escapeChar_` and `escapeChar escapeChar` stand for
 * the character itself; the escape before anything else, or at the end, is an error (SQL standard).
 * Common shapes (`abc`, `abc%`, `%abc`, `%abc%`) avoid regular expressions: they are the hot ones.
 */
export function compileLike(pattern: string, escapeChar: string | null): LikeMatcher {
  if (escapeChar !== null && escapeChar.length !== 1) {
    throw new LikePatternError(
      `the LIKE escape must be a single character, got '${escapeChar}' (${escapeChar.length} characters)`,
    );
  }
  // Pieces of literal text separated by wildcards: '%' or '_'.
  const pieces: string[] = [];
  const wildcards: ('%' | '_')[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === escapeChar) {
      const next = pattern[i + 1];
      if (next !== '%' && next !== '_' && next !== escapeChar) {
        throw new LikePatternError(
          `invalid escape sequence in LIKE pattern '${pattern}' at character ${i + 1}: the escape '${escapeChar}' must be followed by %, _ or itself`,
        );
      }
      text += next;
      i++;
    } else if (ch === '%' || ch === '_') {
      pieces.push(text);
      wildcards.push(ch);
      text = '';
    } else {
      text += ch;
    }
  }
  pieces.push(text);

  if (wildcards.length === 0) return (s) => s === text;
  if (wildcards.length === 1 && wildcards[0] === '%') {
    const [head = '', tail = ''] = pieces;
    if (tail === '') return (s) => s.startsWith(head);
    if (head === '') return (s) => s.endsWith(tail);
    const min = head.length + tail.length;
    return (s) => s.length >= min && s.startsWith(head) && s.endsWith(tail);
  }
  if (
    wildcards.length === 2 &&
    wildcards[0] === '%' &&
    wildcards[1] === '%' &&
    pieces[0] === '' &&
    pieces[2] === ''
  ) {
    const middle = pieces[1] as string;
    return (s) => s.includes(middle);
  }
  let source = '^';
  for (let i = 0; i < pieces.length; i++) {
    source += escapeRegExp(pieces[i] as string);
    const wildcard = wildcards[i];
    if (wildcard === '%') source += '[\\s\\S]*';
    else if (wildcard === '_') source += '[\\s\\S]';
  }
  const regExp = new RegExp(`${source}$`);
  return (s) => regExp.test(s);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
