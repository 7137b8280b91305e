import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { InvalidOptionError } from '../../src/errors.js';
import {
  outputEncoder,
  outputsToWrite,
  serializeOutput,
  serializeRow,
} from '../../src/sinks/serialize-output.js';

/** What a JSON reader should see for a row. */
function expectedRow(row: Readonly<Record<string, unknown>>): unknown {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, expectedColumn(value)]),
  );
}

/** What a JSON reader should see for a column value: the brute-force reference. */
function expectedColumn(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return expectedJsonValue(value);
}

/** What a JSON reader should see for a value: the brute-force reference. */
function expectedJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(expectedJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, expectedJsonValue(inner)]),
    );
  }
  return value;
}

const columnValue = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }),
  fc.bigInt(),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
);
const row = fc.dictionary(fc.string({ minLength: 1 }), columnValue);
const output = fc.record({
  stream: fc.string(),
  kind: fc.constantFrom('insert' as const, 'early' as const, 'update' as const, 'retract' as const),
  revision: fc.nat(),
  key: fc.string(),
  row,
});

describe('serializeRow', () => {
  it('writes dates as ISO-8601 strings and bigints as decimal strings', () => {
    const text = serializeRow({
      at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
      big: 2n ** 70n,
      n: 1,
    });
    expect(text).toBe('{"at":"2026-01-02T03:04:05.006Z","big":"1180591620717411303424","n":1}');
  });

  it('reads back as the row with every date, bigint and non-finite number turned to a string', () => {
    fc.assert(
      fc.property(row, (generated) => {
        expect(JSON.parse(serializeRow(generated))).toEqual(expectedRow(generated));
      }),
    );
  });

  it("writes NaN and ±Infinity columns as the strings 'NaN', 'Infinity' and '-Infinity', not null", () => {
    expect(
      serializeRow({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: -Infinity, d: null, e: 1 }),
    ).toBe('{"a":"NaN","b":"Infinity","c":"-Infinity","d":null,"e":1}');
    expect(serializeRow({ big: 1n, x: Number.NaN })).toBe('{"big":"1","x":"NaN"}');
    expect(serializeRow({ nothing: null })).toBe('{"nothing":null}');
  });
});

describe('serializeOutput', () => {
  it('reads back as the envelope { stream, kind, revision, key, row }, in that field order', () => {
    fc.assert(
      fc.property(output, (generated) => {
        const text = serializeOutput(generated);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(Object.keys(parsed)).toEqual(['stream', 'kind', 'revision', 'key', 'row']);
        expect(parsed).toEqual({
          stream: generated.stream,
          kind: generated.kind,
          revision: generated.revision,
          key: generated.key,
          row: expectedRow(generated.row),
        });
      }),
    );
  });

  it('carries the kind of a retraction, so that a consumer deletes the key', () => {
    const retract: QueryOutput = {
      stream: 'S',
      kind: 'retract',
      revision: 1,
      key: 'k',
      row: { n: 1 },
    };
    expect(serializeOutput(retract)).toBe(
      '{"stream":"S","kind":"retract","revision":1,"key":"k","row":{"n":1}}',
    );
  });

  it('writes only the five fields, whatever else the output object carries', () => {
    const withExtra = { stream: 'S', kind: 'insert', revision: 0, key: 'k', row: {}, internal: 1 };
    expect(JSON.parse(serializeOutput(withExtra as QueryOutput))).not.toHaveProperty('internal');
  });
});

describe('outputEncoder', () => {
  const sample: QueryOutput = { stream: 'S', kind: 'update', revision: 2, key: 'k', row: { n: 1 } };

  it("gives the envelope by default, the row alone for 'row', and calls a function", () => {
    expect(outputEncoder(undefined)(sample)).toBe(serializeOutput(sample));
    expect(outputEncoder('envelope')(sample)).toBe(serializeOutput(sample));
    expect(outputEncoder('row')(sample)).toBe('{"n":1}');
    expect(outputEncoder((o: QueryOutput) => `${o.key},${o.revision}`)(sample)).toBe('k,2');
  });

  it("leaves retractions out for 'row' only: a bare row cannot say it is withdrawn", () => {
    const retract: QueryOutput = { ...sample, kind: 'retract' };
    const batch = [sample, retract, sample];
    expect(outputsToWrite('row', batch)).toEqual([sample, sample]);
    expect(outputsToWrite('envelope', batch)).toBe(batch);
    expect(outputsToWrite(undefined, batch)).toBe(batch);
    const format = (o: QueryOutput) => o.kind;
    expect(outputsToWrite(format, batch)).toBe(batch);
    const plain = [sample, sample];
    expect(outputsToWrite('row', plain)).toBe(plain);
  });

  it('refuses any other format, naming the option and the choices', () => {
    expect(() => outputEncoder('csv')).toThrow(InvalidOptionError);
    expect(() => outputEncoder('csv')).toThrow(
      /^format: must be 'envelope', 'row' or a function .*, got "csv"$/,
    );
  });
});
