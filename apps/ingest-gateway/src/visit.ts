import { COUNTRY_CODES } from './country-codes.js';

/**
 * One page visit, as the gateway accepts it and writes it to the stream (UTF-8 JSON, fields in
 * this order; values exactly as posted).
 */
export interface Visit {
  /** The client's id for this visit: 1–128 visible ASCII characters (`!` to `~`, no spaces). */
  readonly visitId: string;
  /** The page visited: an absolute `http:` / `https:` URL with a host, ≤ 2,048 characters. */
  readonly url: string;
  /** Who visited: same rules as `visitId`. */
  readonly visitorId: string;
  /**
   * When: an ISO 8601 date-time with seconds and a zone (`2026-11-26T01:40:00Z`,
   * `2026-11-26T02:40:00.123+01:00`), or epoch milliseconds (an integer ≥ 0). Kept as posted.
   */
  readonly timestamp: string | number;
  /** Where the visitor came from: same rules as `url`. Omit it when there is none. */
  readonly referrer?: string;
  /** An assigned ISO 3166-1 alpha-2 code, upper case (`DE`, `GB`, `US`). */
  readonly country?: string;
}

/** The schema's limits. */
export const VISIT_LIMITS = {
  /** Longest `visitId` / `visitorId`, in characters. */
  maxIdLength: 128,
  /** Longest `url` / `referrer`, in characters. */
  maxUrlLength: 2048,
  /** Latest epoch-millisecond timestamp (the largest a JavaScript `Date` holds). */
  maxTimestampMs: 8.64e15,
} as const;

/** The rule a visit (or the body carrying it) broke; stable, machine-readable. */
export const VisitRule = {
  /** The body (or an NDJSON line) is not valid JSON. */
  JsonSyntax: 'json-syntax',
  /** The body is not valid UTF-8. */
  Utf8: 'utf-8',
  /** The body holds no visit (empty body, `[]`, only blank NDJSON lines). */
  Empty: 'empty',
  /** More visits than `maxVisitsPerRequest`. */
  MaxVisits: 'max-visits',
  /** The body is neither a visit object nor an array of them; or a visit is not an object. */
  Object: 'object',
  /** A required field is missing. */
  Required: 'required',
  /** A field has the wrong JSON type. */
  Type: 'type',
  /** A field is empty or too long. */
  Length: 'length',
  /** An id has characters outside visible ASCII. */
  Characters: 'characters',
  /** Not an absolute http(s) URL with a host. */
  AbsoluteHttpUrl: 'absolute-http-url',
  /** Neither an ISO 8601 date-time with zone nor epoch milliseconds. */
  Timestamp: 'timestamp',
  /** Not an assigned ISO 3166-1 alpha-2 code. */
  Country: 'country',
  /** A field the schema does not have (unknown fields are refused, never dropped). */
  UnknownField: 'unknown-field',
} as const;
export type VisitRule = (typeof VisitRule)[keyof typeof VisitRule];

/** One thing wrong with a request's visits. */
export interface VisitIssue {
  /** The visit's position in the batch, from 0 (absent for whole-body problems). */
  readonly index?: number;
  /** For NDJSON: the line, from 1. */
  readonly line?: number;
  /** The field (absent when the whole visit or body is at fault). */
  readonly field?: string;
  readonly rule: VisitRule;
  /** Where and what, for humans: `visits[2].country must be ... got "uk"`. */
  readonly message: string;
}

/** What {@link validateVisits} found: every visit valid, or the issues (first ones). */
export type VisitValidation =
  | { readonly ok: true; readonly visits: Visit[] }
  | { readonly ok: false; readonly issues: VisitIssue[] };

/** Options of {@link validateVisits}. */
export interface ValidateVisitsOptions {
  /** Most visits accepted at once. @default 500 */
  readonly maxVisits?: number;
  /** Most issues reported (validation still looks at every visit). @default 20 */
  readonly maxIssues?: number;
  /** For NDJSON: the line number of each visit, to name it in messages. */
  readonly lines?: readonly number[];
}

const FIELDS = ['visitId', 'url', 'visitorId', 'timestamp', 'referrer', 'country'] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set(FIELDS);
const ID_PATTERN = /^[\x21-\x7e]+$/;
// Whitespace and control characters must be percent-encoded: the URL is stored as posted and is
// the partition key, so two spellings of one page would be counted apart.
const URL_FORBIDDEN = /[\s\p{Cc}]/u;
/**
 * An http(s) URL whose host is plain ASCII (letters, digits, hyphens; dot-separated labels),
 * with an optional port: `new URL()` accepts every such URL, so the common case skips it.
 * Punycode labels (`xn--`) and hosts whose last label is a number (IPv4 to the URL parser) are
 * left to `new URL()`, which checks them.
 */
const PLAIN_HTTP_URL = /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?(?:[/?#]|$)/i;
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/i;
const PUNYCODE = /xn--/i;
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Checks a batch of visits against the schema of {@link Visit}. `input` is what a JSON body
 * parsed to: one visit object or an array of them. Returns the visits (fresh objects holding
 * only the schema's fields, in schema order) or every issue found (up to `maxIssues`), each
 * naming the visit's index, the field and the rule. A batch is valid only if every visit is.
 *
 * @example
 * ```ts
 * const result = validateVisits([{ visitId: 'v1', url: 'https://example.com/', visitorId: 'u1', timestamp: 1764121200000 }]);
 * if (!result.ok) console.log(result.issues[0]?.message);
 * ```
 */
export function validateVisits(
  input: unknown,
  options: ValidateVisitsOptions = {},
): VisitValidation {
  const maxVisits = options.maxVisits ?? 500;
  const maxIssues = options.maxIssues ?? 20;
  const items = Array.isArray(input) ? (input as unknown[]) : [input];
  if (!Array.isArray(input) && (typeof input !== 'object' || input === null)) {
    return fail({
      rule: VisitRule.Object,
      message: `the body must be a visit object or an array of visits, got ${describe(input)}`,
    });
  }
  if (items.length === 0) {
    return fail({ rule: VisitRule.Empty, message: 'the body holds no visit' });
  }
  if (items.length > maxVisits) {
    return fail({
      rule: VisitRule.MaxVisits,
      message: `the body holds ${items.length} visits, more than the limit of ${maxVisits} per request`,
    });
  }
  const visits: Visit[] = [];
  const issues: Issues = { list: [], maxIssues, lines: options.lines, index: 0, valid: true };
  for (let index = 0; index < items.length; index++) {
    if (!(index in items)) continue; // a hole of a sparse array, as forEach skips it
    issues.index = index;
    const visit = validateOne(items[index], issues);
    if (visit) visits.push(visit);
  }
  if (visits.length < items.length) return { ok: false, issues: issues.list };
  return { ok: true, visits };
}

/**
 * Where the checks of a batch put what they find, and which visit they look at: one object per
 * batch rather than closures per visit, since validation runs for every visit posted.
 */
interface Issues {
  readonly list: VisitIssue[];
  readonly maxIssues: number;
  readonly lines: readonly number[] | undefined;
  /** The visit being checked. */
  index: number;
  /** Whether it has no issue so far. */
  valid: boolean;
}

/** Records that the current visit broke `rule` (kept if fewer than `maxIssues` are). */
function problem(issues: Issues, field: string | undefined, rule: VisitRule, text: string): void {
  issues.valid = false;
  if (issues.list.length >= issues.maxIssues) return;
  const { index } = issues;
  const line = issues.lines?.[index];
  const where = line === undefined ? `visits[${index}]` : `line ${line}`;
  issues.list.push({
    index,
    ...(line === undefined ? {} : { line }),
    ...(field === undefined ? {} : { field }),
    rule,
    message: field === undefined ? `${where}: ${text}` : `${where}: ${field} ${text}`,
  });
}

function validateOne(item: unknown, issues: Issues): Visit | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problem(
      issues,
      undefined,
      VisitRule.Object,
      `a visit must be a JSON object, got ${describe(item)}`,
    );
    return undefined;
  }
  const value = item as Record<string, unknown>;
  issues.valid = true;
  checkId(value, 'visitId', issues);
  checkUrl(value, 'url', true, issues);
  checkId(value, 'visitorId', issues);
  checkTimestamp(value, issues);
  checkUrl(value, 'referrer', false, issues);
  checkCountry(value, issues);
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) {
      problem(
        issues,
        key,
        VisitRule.UnknownField,
        `is not a field of a visit (known: ${FIELDS.join(', ')}); unknown fields are refused`,
      );
    }
  }
  if (!issues.valid) return undefined;
  const visit: {
    visitId: string;
    url: string;
    visitorId: string;
    timestamp: string | number;
    referrer?: string;
    country?: string;
  } = {
    visitId: value.visitId as string,
    url: value.url as string,
    visitorId: value.visitorId as string,
    timestamp: value.timestamp as string | number,
  };
  if (value.referrer !== undefined) visit.referrer = value.referrer as string;
  if (value.country !== undefined) visit.country = value.country as string;
  return visit;
}

function present(value: Record<string, unknown>, field: string): boolean {
  return Object.hasOwn(value, field);
}

function checkString(
  value: Record<string, unknown>,
  field: string,
  required: boolean,
  issues: Issues,
): string | undefined {
  if (!present(value, field)) {
    if (required) problem(issues, field, VisitRule.Required, 'is required');
    return undefined;
  }
  const text = value[field];
  if (typeof text !== 'string') {
    problem(
      issues,
      field,
      VisitRule.Type,
      `must be a string${required ? '' : ' (omit the field when there is none)'}, got ${describe(text)}`,
    );
    return undefined;
  }
  return text;
}

function checkId(value: Record<string, unknown>, field: string, issues: Issues): void {
  const text = checkString(value, field, true, issues);
  if (text === undefined) return;
  if (text.length === 0 || text.length > VISIT_LIMITS.maxIdLength) {
    problem(
      issues,
      field,
      VisitRule.Length,
      `must have 1 to ${VISIT_LIMITS.maxIdLength} characters, got ${text.length}`,
    );
  } else if (!ID_PATTERN.test(text)) {
    problem(
      issues,
      field,
      VisitRule.Characters,
      `must consist of visible ASCII characters (no spaces), got ${describe(text)}`,
    );
  }
}

function checkUrl(
  value: Record<string, unknown>,
  field: string,
  required: boolean,
  issues: Issues,
): void {
  const text = checkString(value, field, required, issues);
  if (text === undefined) return;
  if (text.length === 0 || text.length > VISIT_LIMITS.maxUrlLength) {
    problem(
      issues,
      field,
      VisitRule.Length,
      `must have 1 to ${VISIT_LIMITS.maxUrlLength} characters, got ${text.length}`,
    );
    return;
  }
  if (!isAbsoluteHttpUrl(text)) {
    problem(
      issues,
      field,
      VisitRule.AbsoluteHttpUrl,
      `must be an absolute http: or https: URL with a host and no whitespace, got ${describe(text)}`,
    );
  }
}

/** Whether `text` is an absolute http(s) URL with a host, without whitespace or controls. */
export function isAbsoluteHttpUrl(text: string): boolean {
  if (URL_FORBIDDEN.test(text) || !text.isWellFormed()) return false;
  if (isPlainHttpUrl(text)) return true;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  // `new URL('http:example.com')` parses; the scheme must be followed by `//`.
  const scheme = /^https?:\/\//i.exec(text);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    scheme !== null &&
    url.hostname !== ''
  );
}

/** Whether `text` matches {@link PLAIN_HTTP_URL}, a port ≤ 65535 and a host `new URL()` takes as is. */
function isPlainHttpUrl(text: string): boolean {
  const match = PLAIN_HTTP_URL.exec(text);
  if (match === null) return false;
  const [, host = '', port] = match;
  if (port !== undefined && Number(port) > 65_535) return false;
  return !PUNYCODE.test(host) && !NUMERIC_LAST_LABEL.test(host);
}

function checkTimestamp(value: Record<string, unknown>, issues: Issues): void {
  const field = 'timestamp';
  if (!present(value, field)) {
    problem(issues, field, VisitRule.Required, 'is required');
    return;
  }
  const timestamp = value[field];
  if (typeof timestamp === 'number') {
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > VISIT_LIMITS.maxTimestampMs) {
      problem(
        issues,
        field,
        VisitRule.Timestamp,
        `as a number must be whole epoch milliseconds from 0 to ${VISIT_LIMITS.maxTimestampMs}, got ${timestamp}`,
      );
    }
    return;
  }
  if (typeof timestamp !== 'string') {
    problem(
      issues,
      field,
      VisitRule.Type,
      `must be an ISO 8601 string or epoch milliseconds, got ${describe(timestamp)}`,
    );
    return;
  }
  if (!isIsoTimestamp(timestamp)) {
    problem(
      issues,
      field,
      VisitRule.Timestamp,
      `must be an ISO 8601 date-time with seconds and a zone, such as "2026-11-26T01:40:00Z" or "2026-11-26T02:40:00.5+01:00", got ${describe(timestamp)}`,
    );
  }
}

/** Whether `text` is an ISO 8601 date-time with seconds and a zone, naming a real instant. */
export function isIsoTimestamp(text: string): boolean {
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return false;
  if (match[9] !== undefined && (Number(match[10]) > 23 || Number(match[11]) > 59)) return false;
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkCountry(value: Record<string, unknown>, issues: Issues): void {
  const text = checkString(value, 'country', false, issues);
  if (text === undefined) return;
  if (!COUNTRY_CODES.has(text)) {
    problem(
      issues,
      'country',
      VisitRule.Country,
      `must be an assigned ISO 3166-1 alpha-2 code in upper case, such as "DE", got ${describe(text)}`,
    );
  }
}

function fail(issue: VisitIssue): VisitValidation {
  return { ok: false, issues: [issue] };
}

/** A short, safe rendering of a value for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
