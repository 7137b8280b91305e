import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { inferSchema } from '../../src/schema/infer-schema.js';
import { resolveSchema } from '../../src/schema/resolve-schema.js';
import { DecodeFailure, RowDecoder } from '../../src/schema/row-decoder.js';
import type { SourceSchema } from '../../src/schema/source-schema.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function decoder(schema: SourceSchema) {
  return new RowDecoder(resolveSchema(schema));
}

describe('resolveSchema', () => {
  it('maps SQL type text to engine types', () => {
    const resolved = resolveSchema({
      columns: {
        a: { type: 'VARCHAR(64)' },
        b: { type: 'DECIMAL(10, 2)' },
        c: { type: 'int' },
        d: { type: 'TIMESTAMP' },
        e: { type: 'BIGINT' },
      },
    });
    expect(resolved.columns.map((c) => c.type)).toEqual([
      'VARCHAR',
      'DOUBLE',
      'INTEGER',
      'TIMESTAMP',
      'BIGINT',
    ]);
  });

  it('refuses an unknown type and names the column and the types there are', () => {
    expect(() => resolveSchema({ columns: { price: { type: 'MONEY' } } })).toThrow(
      /schema\.columns\.price\.type: unknown type "MONEY"; types: VARCHAR/,
    );
  });

  it('refuses declaring a metadata column', () => {
    expect(() => resolveSchema({ columns: { rowtime: { type: 'TIMESTAMP' } } })).toThrow(
      InvalidOptionError,
    );
  });

  it('refuses two names that differ only in case', () => {
    expect(() =>
      resolveSchema({ columns: { url: { type: 'VARCHAR' }, URL: { type: 'VARCHAR' } } }),
    ).toThrow(/differ only in case/);
  });

  it('refuses a malformed JSON path', () => {
    expect(() => resolveSchema({ columns: { a: { type: 'VARCHAR', path: 'page.url' } } })).toThrow(
      /starts with "\$"/,
    );
  });
});

describe('RowDecoder', () => {
  it('reads JSON records through paths and adds the metadata columns', () => {
    const d = decoder({
      columns: {
        url: { type: 'VARCHAR', path: '$.page.url' },
        first: { type: 'INTEGER', path: '$.items[0].id' },
        'user id': { type: 'VARCHAR' },
      },
    });
    const arrival = new Date(5000);
    const row = d.fromRecord(
      {
        data: bytes('{"page":{"url":"/a"},"items":[{"id":7}],"user id":"u1"}'),
        approximateArrivalTimestamp: arrival,
        partitionKey: 'pk',
        sequenceNumber: '42',
      },
      1234,
    );
    expect(row).toEqual({
      ROWTIME: 1234,
      APPROXIMATE_ARRIVAL_TIME: 5000,
      PARTITION_KEY: 'pk',
      SEQUENCE_NUMBER: '42',
      url: '/a',
      first: 7,
      'user id': 'u1',
    });
  });

  it('refuses TIMESTAMPs that are not finite or beyond the range of a Date', () => {
    const d = decoder({ columns: { t: { type: 'TIMESTAMP' } } });
    for (const t of ['1e400', '9e15', -9e15, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(d.fromObject({ t }, 0)).toBeInstanceOf(DecodeFailure);
    }
    expect(d.fromObject({ t: '8.64e15' }, 0)).toMatchObject({ t: 8.64e15 });
    expect(d.fromRecord({ data: bytes('{"t":1e400}') }, 0)).toBeInstanceOf(DecodeFailure);
  });

  it("reads a column named like an Object.prototype member only from the record's own fields", () => {
    const d = decoder({
      columns: {
        constructor: { type: 'INTEGER' },
        toString: { type: 'TIMESTAMP' },
        valueOf: { type: 'VARCHAR', path: '$.nested.valueOf' },
      },
    });
    expect(d.fromRecord({ data: bytes('{"nested":{}}') }, 0)).toMatchObject({
      constructor: null,
      toString: null,
      valueOf: null,
    });
    expect(
      d.fromRecord({ data: bytes('{"constructor":3,"toString":5,"nested":{"valueOf":"v"}}') }, 0),
    ).toMatchObject({ constructor: 3, toString: 5, valueOf: 'v' });
  });

  it('coerces numeric text, timestamp text and Dates, and treats missing values as NULL', () => {
    const d = decoder({
      columns: {
        n: { type: 'DOUBLE' },
        t: { type: 'TIMESTAMP' },
        b: { type: 'BOOLEAN' },
        s: { type: 'VARCHAR' },
      },
    });
    expect(d.fromObject({ n: '2.5', t: '2026-01-27 10:00:00', b: 'TRUE' }, 0)).toMatchObject({
      n: 2.5,
      t: Date.UTC(2026, 0, 27, 10),
      b: true,
      s: null,
    });
    expect(d.fromObject({ n: 1, t: new Date(99), b: false, s: 5 }, 0)).toMatchObject({
      t: 99,
      s: '5',
    });
  });

  it('gives a DecodeFailure naming the column for a value of the wrong type', () => {
    const d = decoder({ columns: { price: { type: 'DOUBLE' }, qty: { type: 'INTEGER' } } });
    const bad = d.fromRecord({ data: bytes('{"price":"cheap","qty":1}') }, 0);
    expect(bad).toBeInstanceOf(DecodeFailure);
    expect((bad as DecodeFailure).message).toBe('column "price" (DOUBLE): cannot take "cheap"');
    expect(d.fromObject({ price: 1, qty: 1.5 }, 0)).toBeInstanceOf(DecodeFailure);
  });

  it('gives a DecodeFailure for data that is not JSON, not an object, or not UTF-8', () => {
    const d = decoder({ columns: { a: { type: 'VARCHAR' } } });
    expect(d.fromRecord({ data: bytes('{oops') }, 0)).toBeInstanceOf(DecodeFailure);
    expect((d.fromRecord({ data: bytes('[1,2]') }, 0) as DecodeFailure).message).toMatch(
      /expected an object/,
    );
    expect(d.fromRecord({ data: new Uint8Array([0xff, 0xfe]) }, 0)).toBeInstanceOf(DecodeFailure);
  });

  it('reads CSV with quoted fields, a delimiter and a column order', () => {
    const d = decoder({
      format: 'csv',
      delimiter: ';',
      columnOrder: ['name', 'price'],
      columns: { price: { type: 'DOUBLE' }, name: { type: 'VARCHAR' } },
    });
    expect(d.fromRecord({ data: bytes('"a;""b""";3.5\n') }, 0)).toMatchObject({
      name: 'a;"b"',
      price: 3.5,
    });
    expect(d.fromRecord({ data: bytes(';') }, 0)).toMatchObject({ name: null, price: null });
    expect(d.fromRecord({ data: bytes('only') }, 0)).toBeInstanceOf(DecodeFailure);
    expect(d.fromRecord({ data: bytes('"open;1') }, 0)).toBeInstanceOf(DecodeFailure);
  });

  it('reads only the needed columns', () => {
    const d = new RowDecoder(
      resolveSchema({ columns: { a: { type: 'INTEGER' }, b: { type: 'INTEGER' } } }),
      new Set(['a']),
    );
    // b would not decode, but it is not needed.
    expect(d.fromObject({ a: 1, b: 'x' }, 0)).toMatchObject({ a: 1 });
  });
});

describe('inferSchema', () => {
  it('infers types from JSON values and flattens nested objects to paths', () => {
    const schema = inferSchema([
      {
        data: bytes(
          '{"url":"/a","ms":12,"price":1.5,"ok":true,"at":"2026-01-27T10:00:00Z","page":{"ref":"x"},"tags":[1]}',
        ),
      },
      { data: bytes('{"url":"/b","ms":3000000000,"price":2,"ok":false}') },
    ]);
    expect(schema).toEqual({
      format: 'json',
      columns: {
        url: { type: 'VARCHAR', path: '$.url' },
        ms: { type: 'BIGINT', path: '$.ms' },
        price: { type: 'DOUBLE', path: '$.price' },
        ok: { type: 'BOOLEAN', path: '$.ok' },
        at: { type: 'TIMESTAMP', path: '$.at' },
        page_ref: { type: 'VARCHAR', path: '$.page.ref' },
        tags: { type: 'ANY', path: '$.tags' },
      },
    });
  });

  it('widens disagreeing samples to VARCHAR and renames metadata names', () => {
    const schema = inferSchema([{ a: 1, ROWTIME: 5 }, { a: 'x' }, [{ a: null }]]);
    expect(schema.columns).toEqual({
      a: { type: 'VARCHAR', path: '$.a' },
      ROWTIME_: { type: 'INTEGER', path: '$.ROWTIME' },
    });
  });

  it('reads consumer batches and falls back to CSV with COL1, COL2, ...', () => {
    const schema = inferSchema([
      { records: [{ data: bytes('abc,1,2.5') }, { data: bytes('def,2,') }] },
    ]);
    expect(schema).toEqual({
      format: 'csv',
      columns: { COL1: { type: 'VARCHAR' }, COL2: { type: 'INTEGER' }, COL3: { type: 'DOUBLE' } },
    });
  });

  it('decodes what it inferred', () => {
    const sample = { data: bytes('{"page":{"url":"/a"},"n":2}') };
    const d = new RowDecoder(resolveSchema(inferSchema([sample])));
    expect(d.fromRecord(sample, 0)).toMatchObject({ page_url: '/a', n: 2 });
  });

  it('refuses an empty sample', () => {
    expect(() => inferSchema([])).toThrow(InvalidOptionError);
  });
});
