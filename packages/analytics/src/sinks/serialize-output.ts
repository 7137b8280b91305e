import type { QueryOutput } from '../engine/query-output.js';
import { InvalidOptionError } from '../errors.js';
import { describeValue } from './sink-options.js';

/**
 * How a sink turns an output into a record:
 * - `'envelope'` (default): `{"stream","kind","revision","key","row"}` — a consumer upserts by
 *   `key` and keeps the highest `revision`, and deletes `key` on `"kind":"retract"` (session
 *   windows whose bounds moved), so replays, late updates and moved sessions are idempotent.
 * - `'row'`: the row alone; its window bounds and group columns identify it. A bare row cannot
 *   say it is withdrawn, so `retract` outputs are not written in this format (see
 *   {@link outputsToWrite}): for session windows, the superseded rows stay; use `'envelope'`.
 * - a function: any text or bytes (e.g. CSV); it must not throw. It gets every output,
 *   retractions included: check `output.kind`.
 */
export type OutputFormat = 'envelope' | 'row' | ((output: QueryOutput) => string | Uint8Array);

/**
 * The JSON form of a row, the one every sink writes: a `Date` becomes its ISO-8601 string
 * (`2026-01-01T00:00:00.000Z`), a `bigint` its decimal string (the engine hands out numbers;
 * this keeps a custom column from making the sink throw), a `NaN` or `±Infinity` column the
 * string `"NaN"`, `"Infinity"` or `"-Infinity"` (JSON has no such numbers; `JSON.stringify`
 * would write `null`, which reads as SQL NULL — Jackson, so Flink's JSON format, writes the same
 * strings), and `undefined` columns are left out.
 *
 * @example
 * ```ts
 * serializeRow({ window_start: new Date(0), url: '/a', hits: 3 });
 * // '{"window_start":"1970-01-01T00:00:00.000Z","url":"/a","hits":3}'
 * ```
 */
export function serializeRow(row: Readonly<Record<string, unknown>>): string {
  try {
    // Date#toJSON already gives ISO-8601: no replacer (a call per value) on the common path.
    const text = JSON.stringify(row);
    // NaN and ±Infinity come out as null: only a row with a null can hold one.
    return text.includes('null') && hasNonFiniteNumber(row)
      ? JSON.stringify(row, replaceSpecial)
      : text;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(row, replaceSpecial);
  }
}

/**
 * The envelope JSON of an output: `{"stream":…,"kind":…,"revision":…,"key":…,"row":{…}}`, fields
 * in that order, the row as {@link serializeRow} writes it.
 *
 * @example
 * ```ts
 * serializeOutput({ stream: 'OUT', kind: 'insert', revision: 0, key: 'k', row: { n: 1 } });
 * // '{"stream":"OUT","kind":"insert","revision":0,"key":"k","row":{"n":1}}'
 * ```
 */
export function serializeOutput(output: QueryOutput): string {
  // Built field by field: only these five fields, whatever else the output object carries.
  return `{"stream":${JSON.stringify(output.stream)},"kind":${JSON.stringify(output.kind)},"revision":${output.revision},"key":${JSON.stringify(output.key)},"row":${serializeRow(output.row)}}`;
}

/**
 * The outputs a record sink writes in `format`: all of them, except that `'row'` leaves out
 * `retract` outputs — a bare row cannot say it is withdrawn, and writing it would repeat the row.
 *
 * @example
 * ```ts
 * outputsToWrite('row', outputs); // outputs.filter((o) => o.kind !== 'retract')
 * ```
 */
export function outputsToWrite(
  format: unknown,
  outputs: readonly QueryOutput[],
): readonly QueryOutput[] {
  if (format !== 'row') return outputs;
  for (const output of outputs) {
    if (output.kind === 'retract') return outputs.filter((o) => o.kind !== 'retract');
  }
  return outputs;
}

/** Turns outputs into record text or bytes in one format; see {@link outputEncoder}. */
export type OutputEncoder = (output: QueryOutput) => string | Uint8Array;

/**
 * The encoder for a `format` option; throws {@link InvalidOptionError} naming `option` for
 * anything but `'envelope'`, `'row'` or a function.
 */
export function outputEncoder(format: unknown, option = 'format'): OutputEncoder {
  if (format === undefined || format === 'envelope') return serializeOutput;
  if (format === 'row') return (output) => serializeRow(output.row);
  if (typeof format === 'function') return format as OutputEncoder;
  throw new InvalidOptionError(
    option,
    `must be 'envelope', 'row' or a function (output) => string | Uint8Array, got ${describeValue(format)}`,
  );
}

function hasNonFiniteNumber(row: Readonly<Record<string, unknown>>): boolean {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'number' && !Number.isFinite(value)) return true;
  }
  return false;
}

function replaceSpecial(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
