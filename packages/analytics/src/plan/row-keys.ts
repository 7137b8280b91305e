import type { Row } from './query-plan.js';

type Read = (row: Row) => unknown;

/** Functions generated so far, by parameters and body; see {@link generatedFunction}. */
const GENERATED = new Map<string, unknown>();
/** Beyond this many, functions are generated afresh instead of kept. */
const GENERATED_LIMIT = 1000;

/**
 * A function compiled from JavaScript `body` with `new Function`, `undefined` where code cannot be
 * generated. The same text gives the same function, so the engine's call sites see one function
 * per distinct reader however many queries a process runs (call sites that see many functions
 * stop inlining them).
 */
export function generatedFunction<F>(params: readonly string[], body: string): F | undefined {
  const text = `${params.join(',')}\n${body}`;
  const known = GENERATED.get(text);
  if (known !== undefined) return known as F;
  let made: F;
  try {
    made = new Function(...params, body) as F;
  } catch (error) {
    if (error instanceof EvalError) return undefined;
    throw error;
  }
  if (GENERATED.size < GENERATED_LIMIT) GENERATED.set(text, made);
  return made;
}

/**
 * `(row) => row[key]` (with `?? null` when `orNull`) as code generated for this key: the read
 * is by name, so it stays monomorphic however many other keys the process reads (a closure
 * shared by every key turns megamorphic). As a closure where code cannot be generated.
 */
export function propertyReader(key: string, orNull: boolean): Read {
  const read = `row[${JSON.stringify(key)}]`;
  return (
    generatedFunction<Read>(['row'], `return ${orNull ? `${read} ?? null` : read};`) ??
    (orNull ? (row) => row[key] ?? null : (row) => row[key])
  );
}

/**
 * The `timesOf` of a window stage whose row time is `row[key]` (see `WindowOperatorPlan`), as
 * generated code: the times go to a typed array, never boxed; `undefined` where code cannot be
 * generated.
 */
export function timesReader(
  key: string,
): ((rows: readonly Row[], out: Float64Array) => number) | undefined {
  const body = [
    'let max = -Infinity;',
    'for (let i = 0; i < rows.length; i++) {',
    `const t = rows[i][${JSON.stringify(key)}];`,
    "if (typeof t !== 'number') return NaN;",
    'out[i] = t;',
    'if (t > max) max = t;',
    '}',
    'return max;',
  ].join('\n');
  return generatedFunction(['rows', 'out'], body);
}

/** A group key value as text that cannot collide with another type's (`'1'` vs `1` vs NULL). */
function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    default:
      return value === null || value === undefined ? 'z' : `j${JSON.stringify(value)}`;
  }
}

/**
 * The group key function of GROUP BY / PARTITION BY values: `''` for none; the value itself for
 * one string or number (the fast path: no allocation per row); an encoded, separated text for
 * several values, NULLs and other types.
 */
export function groupKeyOf(readers: readonly Read[]): (row: Row) => string | number {
  if (readers.length === 0) return () => '';
  if (readers.length === 1) {
    const read = readers[0] as Read;
    return (row) => {
      const value = read(row);
      return typeof value === 'string' || typeof value === 'number'
        ? value
        : `\u0000${encode(value)}`;
    };
  }
  return (row) => {
    let key = '';
    for (let i = 0; i < readers.length; i++) key += `${encode((readers[i] as Read)(row))}\u0001`;
    return key;
  };
}

/** The GROUP BY values of a row, in GROUP BY order. */
export function groupValuesOf(readers: readonly Read[]): (row: Row) => readonly unknown[] {
  if (readers.length === 0) return () => [];
  return (row) => readers.map((read) => read(row));
}
