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
 * Common shapes (`abc`, `abc%`, `%abc`, `%abc%`) take one string method; the others a glob
 * match whose time grows with text length × pattern length, never exponentially.
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
  return globMatcher(pieces, wildcards);
}

/**
 * One run of the pattern between two `%`: its text, and where `_` stands (any one character).
 * `anchor` is its longest `_`-free part, at `anchorAt`, to find candidates with indexOf.
 */
interface Segment {
  readonly text: string;
  readonly any: readonly boolean[];
  readonly anchor: string;
  readonly anchorAt: number;
}

/** A segment from its pieces, which `_` separates. */
function segment(pieces: readonly string[]): Segment {
  let text = '';
  const any: boolean[] = [];
  let anchor = '';
  let anchorAt = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    if (piece.length > anchor.length) {
      anchor = piece;
      anchorAt = text.length;
    }
    text += piece;
    for (let k = 0; k < piece.length; k++) any.push(false);
    if (i < pieces.length - 1) {
      text += '_';
      any.push(true);
    }
  }
  return { text, any, anchor, anchorAt };
}

function matchesAt(s: string, at: number, seg: Segment): boolean {
  for (let k = 0; k < seg.text.length; k++) {
    if (!seg.any[k] && s.charCodeAt(at + k) !== seg.text.charCodeAt(k)) return false;
  }
  return true;
}

/** The first start in [from, last] where `seg` matches, or -1. */
function findSegment(s: string, from: number, last: number, seg: Segment): number {
  if (seg.anchor === '') return from <= last ? from : -1;
  for (
    let i = s.indexOf(seg.anchor, from + seg.anchorAt);
    i !== -1 && i - seg.anchorAt <= last;
    i = s.indexOf(seg.anchor, i + 1)
  ) {
    if (matchesAt(s, i - seg.anchorAt, seg)) return i - seg.anchorAt;
  }
  return -1;
}

/**
 * The general case, without regular expressions (a RegExp of several `[\s\S]*` backtracks
 * exponentially): the pattern is split at `%` into segments; the first must match at the start,
 * the last at the end, and each one between at its leftmost place after the one before. Taking the
 * leftmost place never loses a match, as a `%` on both sides absorbs whatever is skipped, so no
 * segment is tried twice: the time is O(text length × pattern length) at worst.
 */
function globMatcher(pieces: readonly string[], wildcards: readonly ('%' | '_')[]): LikeMatcher {
  const segments: Segment[] = [];
  let start = 0;
  for (let i = 0; i <= wildcards.length; i++) {
    if (i === wildcards.length || wildcards[i] === '%') {
      segments.push(segment(pieces.slice(start, i + 1)));
      start = i + 1;
    }
  }
  const first = segments[0] as Segment;
  if (segments.length === 1) {
    return (s) => s.length === first.text.length && matchesAt(s, 0, first);
  }
  const last = segments[segments.length - 1] as Segment;
  const middle = segments.slice(1, -1);
  const minLength = segments.reduce((n, seg) => n + seg.text.length, 0);
  return (s) => {
    if (s.length < minLength || !matchesAt(s, 0, first)) return false;
    const lastAt = s.length - last.text.length;
    if (!matchesAt(s, lastAt, last)) return false;
    let at = first.text.length;
    for (const seg of middle) {
      const found = findSegment(s, at, lastAt - seg.text.length, seg);
      if (found < 0) return false;
      at = found + seg.text.length;
    }
    return true;
  };
}
