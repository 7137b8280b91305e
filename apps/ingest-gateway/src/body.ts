import type { IncomingMessage } from 'node:http';
import { IngestGatewayError } from './errors.js';
import { VisitRule, type VisitValidation, validateVisits } from './visit.js';

/** How a request body is framed. */
export type BodyFormat = 'json' | 'ndjson';

const FORMATS: Readonly<Record<string, BodyFormat>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

/**
 * The body format a `Content-Type` names, or a 415 error: JSON or NDJSON, in UTF-8 (a `charset`
 * parameter other than `utf-8` is refused rather than misread).
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat {
  // The usual header, spelled exactly: no parameters to look at.
  if (contentType === 'application/json') return 'json';
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const format = FORMATS[type.trim().toLowerCase()];
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='));
  const utf8 =
    charset === undefined || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(charset);
  if (format === undefined || !utf8) {
    throw new IngestGatewayError(
      'UnsupportedMediaType',
      `Content-Type must be application/json or application/x-ndjson (UTF-8), got ${
        contentType === undefined ? 'none' : JSON.stringify(contentType)
      }`,
    );
  }
  return format;
}

function tooLarge(limitBytes: number, what: string): IngestGatewayError {
  return new IngestGatewayError(
    'PayloadTooLarge',
    `the body is larger than the limit of ${limitBytes} bytes (${what})`,
  );
}

/** Called once with the body, or with the reason it could not be read. */
export type BodyCallback = (error: Error | undefined, body: Buffer | undefined) => void;

/**
 * Reads a request body of at most `limitBytes`, then calls `done` once. A declared
 * `Content-Length` over the limit is refused before a byte is read; a body that grows past it is
 * refused as soon as it does, and what arrived so far is dropped: memory per request never
 * exceeds the limit. A body that arrives in one chunk (the usual small POST) is used as it is,
 * without a copy. Callback-based: no promise or listener removal per request.
 */
export function readBody(request: IncomingMessage, limitBytes: number, done: BodyCallback): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    done(tooLarge(limitBytes, `Content-Length: ${declared}`), undefined);
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let bytes = 0;
  let settled = false;
  // Once settled, later events (the request's `close`, a late `error`) are ignored.
  request.on('data', (chunk: Buffer) => {
    if (settled) return;
    bytes += chunk.length;
    if (bytes > limitBytes) {
      settled = true;
      first = undefined;
      chunks = undefined;
      // Stop reading: the answer goes out and the connection is closed behind it.
      request.pause();
      done(tooLarge(limitBytes, `more than ${limitBytes} bytes arrived`), undefined);
      return;
    }
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  });
  request.on('end', () => {
    if (settled) return;
    settled = true;
    const body = chunks !== undefined ? Buffer.concat(chunks, bytes) : (first ?? Buffer.alloc(0));
    first = undefined;
    chunks = undefined;
    done(undefined, body);
  });
  request.on('error', (error: Error) => {
    if (settled) return;
    settled = true;
    done(error, undefined);
  });
  request.on('close', () => {
    if (settled) return;
    settled = true;
    done(new Error('the client closed the connection before the body ended'), undefined);
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses and validates a body: JSON (one visit or an array) or NDJSON (one visit per line;
 * blank lines are skipped; lines are numbered from 1 in messages). Any issue rejects the whole
 * batch.
 */
export function parseVisits(body: Buffer, format: BodyFormat, maxVisits: number): VisitValidation {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return issue(VisitRule.Utf8, 'the body is not valid UTF-8');
  }
  if (text.trim() === '') return issue(VisitRule.Empty, 'the body is empty');
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return issue(VisitRule.JsonSyntax, `the body is not valid JSON: ${(error as Error).message}`);
    }
    return validateVisits(value, { maxVisits });
  }
  const values: unknown[] = [];
  const lines: number[] = [];
  const rows = text.split('\n');
  for (const [index, row] of rows.entries()) {
    const line = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (line.trim() === '') continue;
    if (values.length === maxVisits) {
      return issue(
        VisitRule.MaxVisits,
        `the body holds more than the limit of ${maxVisits} visits per request`,
      );
    }
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      return {
        ok: false,
        issues: [
          {
            index: values.length,
            line: index + 1,
            rule: VisitRule.JsonSyntax,
            message: `line ${index + 1}: not valid JSON: ${(error as Error).message}`,
          },
        ],
      };
    }
    lines.push(index + 1);
  }
  if (values.length === 0) return issue(VisitRule.Empty, 'the body holds no visit');
  // Each NDJSON line is one visit: a line holding an array is an error, not a batch.
  return validateVisits(values, { maxVisits, lines });
}

function issue(rule: VisitRule, message: string): VisitValidation {
  return { ok: false, issues: [{ rule, message }] };
}
