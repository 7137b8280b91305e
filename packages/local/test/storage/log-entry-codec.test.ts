import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShardRecord } from '../../src/engine/model.js';
import {
  decodeEntry,
  ENTRY_HEADER_BYTES,
  encodeEntries,
} from '../../src/storage/log-entry-codec.js';
import { BASE_SEQUENCE, makeRecords } from './fixtures.js';

const recordArbitrary: fc.Arbitrary<ShardRecord> = fc.record({
  sequenceNumber: fc.bigInt({ min: 0n, max: 2n ** 2040n - 1n }),
  partitionKey: fc.string({ unit: 'grapheme', maxLength: 64 }),
  data: fc.uint8Array({ maxLength: 2048 }),
  arrivalMs: fc.oneof(fc.integer(), fc.double({ noNaN: true })),
});

function decodeAll(bytes: Buffer): ShardRecord[] {
  const records: ShardRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const entry = decodeEntry(bytes, offset);
    if (!entry.ok) throw new Error(entry.reason);
    records.push(entry.record);
    offset = entry.nextOffset;
  }
  return records;
}

describe('log entry codec', () => {
  it('round-trips any batch of records exactly', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 20 }), (records) => {
        const encoded = encodeEntries(records);
        expect(decodeAll(encoded.bytes)).toEqual(records);
        expect(encoded.newestArrivalMs).toBe(
          Math.max(Number.NEGATIVE_INFINITY, ...records.map((record) => record.arrivalMs)),
        );
      }),
    );
  });

  it('costs 19 bytes plus the minimal sequence number bytes per record', () => {
    const [record] = makeRecords(1, { dataBytes: 100 });
    const encoded = encodeEntries(makeRecords(1, { dataBytes: 100 }));
    // BASE_SEQUENCE has 56 decimal digits: 186 bits, 24 bytes.
    expect(BASE_SEQUENCE.toString(2)).toHaveLength(186);
    expect(encoded.bytes.length).toBe(ENTRY_HEADER_BYTES + 1 + 24 + 8 + 2 + 5 + 100);
    expect(encoded.firstSequenceNumber).toBe(record?.sequenceNumber);
  });

  it('reports an entry cut at any length as not an entry', () => {
    const { bytes } = encodeEntries(makeRecords(1, { dataBytes: 30 }));
    for (let length = 0; length < bytes.length; length += 1) {
      expect(decodeEntry(bytes.subarray(0, length), 0).ok).toBe(false);
    }
  });

  it('never decodes an entry with any single bit flipped', () => {
    const { bytes } = encodeEntries(makeRecords(1, { dataBytes: 20 }));
    for (let bit = 0; bit < bytes.length * 8; bit += 1) {
      const damaged = Buffer.from(bytes);
      damaged[bit >> 3] = (damaged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      const entry = decodeEntry(damaged, 0);
      // A flipped length may still frame a valid-CRC entry only by a 2^-32 accident.
      expect(entry.ok && entry.nextOffset === bytes.length).toBe(false);
    }
  });

  it('does not take a zero-filled tail for an empty entry', () => {
    expect(decodeEntry(Buffer.alloc(64), 0)).toEqual({
      ok: false,
      reason: 'payload length 0 is below the minimum',
    });
  });

  it('rejects records the format cannot hold', () => {
    const [record] = makeRecords(1);
    if (record === undefined) throw new Error('no record');
    expect(() => encodeEntries([{ ...record, sequenceNumber: -1n }])).toThrow(RangeError);
    expect(() => encodeEntries([{ ...record, sequenceNumber: 2n ** 2040n }])).toThrow(RangeError);
    expect(() => encodeEntries([{ ...record, partitionKey: 'x'.repeat(65_536) }])).toThrow(
      RangeError,
    );
  });

  it('returns data as a plain Uint8Array view, without copying', () => {
    const { bytes } = encodeEntries(makeRecords(1, { dataBytes: 10 }));
    const entry = decodeEntry(bytes, 0);
    if (!entry.ok) throw new Error(entry.reason);
    expect(entry.record.data.constructor).toBe(Uint8Array);
    expect(entry.record.data.buffer).toBe(bytes.buffer);
  });
});
