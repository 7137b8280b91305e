import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AggregationError,
  aggregate,
  CorruptAggregateError,
  deaggregate,
  hashKeyOf,
  isAggregated,
  KPL_DEFAULTS,
  RecordAggregator,
  RecordValidationError,
  type StoredRecord,
  type UserRecord,
} from '../src/index.js';
import { userRecord, userRecords } from './support/arbitraries.js';

const MAGIC = Buffer.from(KPL_DEFAULTS.aggregationMagic);

function stored(data: Uint8Array, extra: Partial<StoredRecord> = {}): StoredRecord {
  return {
    partitionKey: 'a',
    data,
    sequenceNumber: '49594189147623985939251953501666965394405037144469929986',
    approximateArrivalTimestamp: new Date('2026-11-25T12:00:00Z'),
    shardId: 'shardId-000000000003',
    ...extra,
  };
}

function record(partitionKey: string, text: string, explicitHashKey?: string): UserRecord {
  return { partitionKey, data: Buffer.from(text), explicitHashKey };
}

function userView(records: readonly UserRecord[]) {
  return records.map((r) => ({
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
    data: Buffer.from(r.data).toString('hex'),
  }));
}

describe('aggregate and deaggregate', () => {
  it('round-trips any records in order, with keys, explicit hash keys and empty data', () => {
    fc.assert(
      fc.property(userRecords(), (records) => {
        const out = deaggregate(stored(aggregate(records)));
        expect(userView(out)).toEqual(userView(records));
        expect(out.map((r) => r.subSequenceNumber)).toEqual(records.map((_, i) => i));
      }),
    );
  });

  it('keeps the outer record fields on every user record', () => {
    const outer = stored(aggregate([record('k1', 'one'), record('k2', 'two', '42')]));
    const [first, second] = deaggregate(outer);
    expect(first).toMatchObject({
      sequenceNumber: outer.sequenceNumber,
      approximateArrivalTimestamp: outer.approximateArrivalTimestamp,
      shardId: outer.shardId,
      subSequenceNumber: 0,
      partitionKey: 'k1',
    });
    expect(first).not.toHaveProperty('explicitHashKey');
    expect(second).toMatchObject({
      partitionKey: 'k2',
      explicitHashKey: '42',
      subSequenceNumber: 1,
    });
  });

  it('keeps any other fields of a record shaped differently, such as the SDK encryption type', () => {
    const outer = {
      partitionKey: 'a',
      explicitHashKey: '12345',
      data: aggregate([record('k1', 'one'), record('k2', 'two', '42')]),
      sequenceNumber: '7',
      encryptionType: 'NONE',
    };
    const [first, second] = deaggregate(outer);
    expect(first).toEqual({
      partitionKey: 'k1',
      data: new Uint8Array(Buffer.from('one')),
      sequenceNumber: '7',
      encryptionType: 'NONE',
      subSequenceNumber: 0,
    });
    expect(first).not.toHaveProperty('explicitHashKey');
    expect(second).toMatchObject({
      partitionKey: 'k2',
      explicitHashKey: '42',
      encryptionType: 'NONE',
    });
  });

  it('decodes keys of any length and script, in tables of any size', () => {
    const keys = ['k', 'x'.repeat(200), 'ключ', '😀'.repeat(64), 'plain-ascii-key'];
    const records = keys.map((key, index) => record(key, `v${index}`));
    expect(deaggregate(stored(aggregate(records))).map((r) => r.partitionKey)).toEqual(keys);
    const many = Array.from({ length: 300 }, (_, index) => record(`key-${index}`, 'v'));
    expect(deaggregate(stored(aggregate(many))).map((r) => r.partitionKey)).toEqual(
      many.map((r) => r.partitionKey),
    );
  });

  it('stores each distinct partition key and explicit hash key once', () => {
    const key = 'a-rather-long-partition-key-that-would-cost-bytes-if-repeated';
    const one = aggregate([record(key, 'x', '7')]);
    const many = aggregate(Array.from({ length: 50 }, () => record(key, 'x', '7')));
    // Each further record costs only its own entry: tag, length, two indexes, data (1 byte).
    const entryBytes = 1 + 1 + 2 + 2 + 2 + 1;
    expect(many.byteLength - one.byteLength).toBe(49 * entryBytes);
    expect(Buffer.from(many).indexOf(key)).toBe(Buffer.from(many).lastIndexOf(key));
  });

  it('frames the aggregate with the KPL magic number and the MD5 of the protobuf message', () => {
    const data = Buffer.from(aggregate([record('k', 'v')]));
    expect(data.subarray(0, 4)).toEqual(MAGIC);
    const digest = createHash('md5').update(data.subarray(4, -16)).digest();
    expect(data.subarray(-16)).toEqual(digest);
    expect(isAggregated(data)).toBe(true);
  });

  it('returns user data as views of the outer data, without copying', () => {
    const outer = stored(aggregate([record('k', 'payload')]));
    const [user] = deaggregate(outer);
    expect(user?.data.buffer).toBe(outer.data.buffer);
  });

  it('refuses to aggregate nothing', () => {
    expect(() => aggregate([])).toThrow(AggregationError);
  });

  it('validates every record before aggregating', () => {
    expect(() => aggregate([record('ok', 'x'), record('', 'x')])).toThrow(RecordValidationError);
  });
});

describe('deaggregate of records that are not aggregates', () => {
  it('passes a plain record through unchanged', () => {
    const plain = stored(Buffer.from('{"hello":"world"}'), { partitionKey: 'user-1' });
    const out = deaggregate(plain);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(plain);
    expect(out[0]?.subSequenceNumber).toBeUndefined();
  });

  it('passes empty data through', () => {
    expect(deaggregate(stored(new Uint8Array(0)))).toHaveLength(1);
    expect(isAggregated(new Uint8Array(0))).toBe(false);
  });
});

describe('deaggregate of corrupt aggregates', () => {
  const valid = Buffer.from(aggregate([record('k1', 'hello'), record('k2', 'world')]));

  function corruptCode(data: Uint8Array): string {
    try {
      deaggregate(stored(data));
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptAggregateError);
      expect((error as CorruptAggregateError).retriable).toBe(false);
      return (error as CorruptAggregateError).code;
    }
    throw new Error('expected a CorruptAggregateError');
  }

  /** Re-frames a protobuf message with a correct digest, to reach the parser. */
  function framed(protobuf: Uint8Array): Buffer {
    const digest = createHash('md5').update(protobuf).digest();
    return Buffer.concat([MAGIC, protobuf, digest]);
  }

  it('detects a flipped bit by the MD5 digest', () => {
    const broken = Buffer.from(valid);
    broken[10] = (broken[10] as number) ^ 0x01;
    expect(corruptCode(broken)).toBe('DigestMismatch');
  });

  it('detects truncation', () => {
    expect(corruptCode(valid.subarray(0, valid.length - 3))).toBe('DigestMismatch');
    expect(corruptCode(valid.subarray(0, 10))).toBe('TooShort');
  });

  it('detects a truncated protobuf message even when the digest matches', () => {
    const protobuf = valid.subarray(4, -16);
    expect(corruptCode(framed(protobuf.subarray(0, protobuf.length - 2)))).toBe(
      'MalformedProtobuf',
    );
  });

  it('detects a record without its required fields', () => {
    // partition_key_table ["k"], then a record holding only data.
    const protobuf = Buffer.from([0x0a, 0x01, 0x6b, 0x1a, 0x03, 0x1a, 0x01, 0x78]);
    expect(corruptCode(framed(protobuf))).toBe('MalformedProtobuf');
  });

  it('detects an index outside the partition key table', () => {
    // partition_key_table ["k"], record { partition_key_index: 3, data: "x" }.
    const protobuf = Buffer.from([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x03, 0x1a, 0x01, 0x78]);
    expect(corruptCode(framed(protobuf))).toBe('InvalidTableIndex');
  });

  it('detects an index outside the explicit hash key table', () => {
    const protobuf = Buffer.from([
      0x0a, 0x01, 0x6b, 0x1a, 0x07, 0x08, 0x00, 0x10, 0x00, 0x1a, 0x01, 0x78,
    ]);
    expect(corruptCode(framed(protobuf))).toBe('InvalidTableIndex');
  });

  it('skips tags and unknown fields it does not need', () => {
    // record { partition_key_index: 0, data: "x", tags: [{ key: "t" }], field 9 (varint): 1 }
    const protobuf = Buffer.from([
      0x0a, 0x01, 0x6b, 0x1a, 0x0c, 0x08, 0x00, 0x1a, 0x01, 0x78, 0x22, 0x03, 0x0a, 0x01, 0x74,
      0x48, 0x01, 0x78, 0x05,
    ]);
    const [user] = deaggregate(stored(framed(protobuf)));
    expect(user).toMatchObject({ partitionKey: 'k', subSequenceNumber: 0 });
    expect(Buffer.from(user?.data ?? []).toString()).toBe('x');
  });

  it('passes a corrupt aggregate through as a plain record when asked', () => {
    const broken = Buffer.from(valid);
    broken[12] = (broken[12] as number) ^ 0xff;
    const outer = stored(broken);
    expect(deaggregate(outer, { onCorrupt: 'passThrough' })).toEqual([outer]);
  });

  it('never throws anything but CorruptAggregateError on random bytes after the magic number', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (body, fixDigest) => {
        const data = fixDigest ? framed(body) : Buffer.concat([MAGIC, body]);
        try {
          deaggregate(stored(data));
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptAggregateError);
        }
      }),
    );
  });
});

describe('deaggregate with the hash key range of the shard read from', () => {
  const records = [record('user-1', 'a'), record('user-2', 'b'), record('user-3', 'c')];
  const hashKeys = records.map(hashKeyOf).sort((a, b) => (a < b ? -1 : 1));
  const low = hashKeys[0] as bigint;
  const high = hashKeys[hashKeys.length - 1] as bigint;

  it('accepts an aggregate whose records all belong to the shard', () => {
    const out = deaggregate(stored(aggregate(records)), {
      hashKeyRange: { startingHashKey: low, endingHashKey: high },
    });
    expect(out).toHaveLength(3);
  });

  it('rejects an aggregate with a record of another shard, as the KCL drops it', () => {
    expect(() =>
      deaggregate(stored(aggregate(records)), {
        hashKeyRange: { startingHashKey: low, endingHashKey: high - 1n },
      }),
    ).toThrow(expect.objectContaining({ code: 'HashKeyOutsideShard' }));
  });

  it('places records by their explicit hash key when they have one', () => {
    const out = deaggregate(stored(aggregate([record('anything', 'x', '5')])), {
      hashKeyRange: { startingHashKey: 0n, endingHashKey: 10n },
    });
    expect(out).toHaveLength(1);
  });
});

describe('RecordAggregator', () => {
  it('emits exactly the size it predicted, and never more than its budget', () => {
    fc.assert(
      fc.property(
        fc.array(userRecord(), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 40, max: 4000 }),
        (records, budget) => {
          const aggregator = new RecordAggregator({ maxAggregatedBytes: budget });
          const emitted = [];
          for (const r of records) {
            const predicted = aggregator.sizeWith(r);
            if (aggregator.tryAdd(r)) {
              expect(aggregator.sizeBytes).toBe(predicted);
              continue;
            }
            expect(predicted).toBeGreaterThan(budget);
            const flushed = aggregator.flush();
            if (flushed) emitted.push(flushed);
            if (!aggregator.tryAdd(r)) expect(aggregator.sizeWith(r)).toBeGreaterThan(budget);
          }
          const predictedLast = aggregator.sizeBytes;
          const last = aggregator.flush();
          if (last) {
            expect(last.sizeBytes).toBe(predictedLast);
            emitted.push(last);
          }
          for (const out of emitted) {
            const actual =
              out.data.byteLength +
              Buffer.byteLength(out.partitionKey) +
              (out.explicitHashKey?.length ?? 0);
            expect(out.sizeBytes).toBe(actual);
            expect(actual).toBeLessThanOrEqual(budget);
            const users = out.aggregated ? deaggregate(stored(out.data)) : [out];
            expect(userView(users)).toEqual(userView(out.userRecords));
          }
        },
      ),
    );
  });

  it('fills an aggregate until the next record would exceed the budget', () => {
    const aggregator = new RecordAggregator({ maxAggregatedBytes: 1000 });
    let added = 0;
    while (aggregator.tryAdd(record(`key-${added}`, 'x'.repeat(50)))) added++;
    expect(added).toBeGreaterThan(10);
    expect(aggregator.sizeBytes).toBeLessThanOrEqual(1000);
    expect(aggregator.sizeBytes + 60).toBeGreaterThan(1000);
    expect(aggregator.count).toBe(added);
  });

  it('routes an aggregate to the shard of its first record with partition key "a"', () => {
    const aggregator = new RecordAggregator();
    const first = record('user-17', 'x');
    aggregator.tryAdd(first);
    aggregator.tryAdd(record('user-18', 'y'));
    const out = aggregator.flush();
    expect(out).toMatchObject({
      partitionKey: 'a',
      explicitHashKey: hashKeyOf(first).toString(),
      aggregated: true,
    });
    expect(isAggregated(out?.data ?? new Uint8Array())).toBe(true);
  });

  it('sends a lone record as it is, not aggregated', () => {
    const aggregator = new RecordAggregator();
    const only = record('user-1', 'hello', '12345');
    aggregator.tryAdd(only);
    expect(aggregator.flush()).toEqual({
      partitionKey: 'user-1',
      explicitHashKey: '12345',
      data: only.data,
      aggregated: false,
      userRecords: [only],
      sizeBytes: 5 + 6 + 5,
    });
    expect(aggregator.flush()).toBeUndefined();
    expect(aggregator.count).toBe(0);
  });

  it('refuses a record larger than the budget so that the caller sends it alone', () => {
    const aggregator = new RecordAggregator({ maxAggregatedBytes: 100 });
    expect(aggregator.tryAdd(record('k', 'x'.repeat(200)))).toBe(false);
    expect(aggregator.count).toBe(0);
  });

  it('starts afresh after a flush', () => {
    const aggregator = new RecordAggregator();
    aggregator.tryAdd(record('k1', 'x'));
    aggregator.tryAdd(record('k2', 'y'));
    aggregator.flush();
    aggregator.tryAdd(record('k3', 'z'));
    aggregator.tryAdd(record('k4', 'w'));
    const out = aggregator.flush();
    expect(out?.explicitHashKey).toBe(hashKeyOf(record('k3', 'z')).toString());
    expect(deaggregate(stored(out?.data ?? new Uint8Array())).map((r) => r.partitionKey)).toEqual([
      'k3',
      'k4',
    ]);
  });

  it('rejects invalid records with RecordValidationError and stays usable', () => {
    const aggregator = new RecordAggregator();
    aggregator.tryAdd(record('k1', 'x'));
    expect(() => aggregator.tryAdd(record('k'.repeat(257), 'x'))).toThrow(RecordValidationError);
    expect(aggregator.count).toBe(1);
  });

  it('rejects a budget beyond the record size limit', () => {
    expect(() => new RecordAggregator({ maxAggregatedBytes: 2 * 1024 * 1024 })).toThrow(
      /maxAggregatedBytes must be an integer from 1 to maxRecordBytes \(1048576\), got 2097152/,
    );
    expect(() => new RecordAggregator({ maxAggregatedBytes: 0 })).toThrow(/got 0/);
  });
});
