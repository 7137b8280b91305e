import { InvalidArgumentError } from '@kinesis-kit/records';

/**
 * One JSON document, no trailing newline.
 *
 * @example
 * ```ts
 * ok(toJson({ id: 1 })); // '{"id":1}'
 * ```
 */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new InvalidArgumentError(`${typeof value} cannot be serialised as JSON`);
  }
  return text;
}

/**
 * NDJSON: each value as one JSON line, each line newline-terminated, so objects that Firehose
 * concatenates stay one document per line.
 *
 * @example
 * ```ts
 * ok(toNdjson({ id: 1 }, { id: 2 })); // '{"id":1}\n{"id":2}\n'
 * ```
 */
export function toNdjson(...values: readonly unknown[]): string {
  return values.map((value) => `${toJson(value)}\n`).join('');
}

/**
 * Text lines, each newline-terminated (a line that already ends with `\n` keeps its one).
 *
 * @example
 * ```ts
 * ok(toLines('GET /', 'POST /login')); // 'GET /\nPOST /login\n'
 * ```
 */
export function toLines(...lines: readonly string[]): string {
  return lines.map((line) => (line.endsWith('\n') ? line : `${line}\n`)).join('');
}
