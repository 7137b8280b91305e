import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { API_SHAPES } from '../../src/protocol/api-shapes.js';
import { parseInput } from '../../src/protocol/shapes.js';
import { CBOR_FORMAT, JSON_FORMAT, wireFormatFor } from '../../src/protocol/wire-format.js';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

function parseCbor(shape: (typeof API_SHAPES)[keyof typeof API_SHAPES], input: object) {
  const decoded = CBOR_FORMAT.decode(Buffer.from(encoder.encode(input)));
  return parseInput(shape, decoded, CBOR_FORMAT.readers);
}

describe('wire formats', () => {
  it('is chosen by the content type', () => {
    expect(wireFormatFor('application/x-amz-json-1.1')).toBe(JSON_FORMAT);
    expect(wireFormatFor('application/x-amz-json-1.0')).toBe(JSON_FORMAT);
    expect(wireFormatFor('application/x-amz-cbor-1.1')).toBe(CBOR_FORMAT);
    expect(wireFormatFor('application/json')).toBeUndefined();
    expect(wireFormatFor(undefined)).toBeUndefined();
  });

  it('reads CBOR byte strings as blobs and tag-1 epoch milliseconds as timestamps', () => {
    const put = parseCbor(API_SHAPES.PutRecord, {
      StreamName: 's',
      PartitionKey: 'k',
      Data: new Uint8Array([0, 1, 255]),
    });
    expect(put.Data).toEqual(Buffer.from([0, 1, 255]));
    const ms = 1_764_119_540_123;
    const tagged = parseCbor(API_SHAPES.GetShardIterator, {
      ShardId: 's',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Tag(ms, 1),
    });
    expect(tagged.Timestamp).toBe(ms);
    const plain = parseCbor(API_SHAPES.GetShardIterator, {
      ShardId: 's',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: ms,
    });
    expect(plain.Timestamp).toBe(ms);
  });

  it('refuses a base64 string for a CBOR blob with the JSON wording', () => {
    expect(() =>
      parseCbor(API_SHAPES.PutRecord, { StreamName: 's', PartitionKey: 'k', Data: 'AAE=' }),
    ).toThrow('class java.lang.String can not be converted to a Blob');
  });

  it('writes blobs as byte strings and timestamps as tag 1 with epoch milliseconds', () => {
    const bytes = CBOR_FORMAT.encode({
      Records: [{ Data: Buffer.from([7, 8]).toString('base64'), ApproximateArrivalTimestamp: 1.5 }],
      StreamDescription: { StreamCreationTimestamp: 1_764_119_540.123, StreamName: 'Data' },
    });
    const raw = new Decoder({ useRecords: false, mapsAsObjects: true }).decode(bytes) as {
      Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date }[];
      StreamDescription: { StreamCreationTimestamp: Date; StreamName: string };
    };
    const [record] = raw.Records;
    expect(Buffer.from(record?.Data as Uint8Array)).toEqual(Buffer.from([7, 8]));
    // cbor-x builds a Date from tag 1 as seconds: a thousand times the milliseconds sent.
    expect(record?.ApproximateArrivalTimestamp.getTime()).toBe(1500 * 1000);
    expect(raw.StreamDescription.StreamCreationTimestamp.getTime()).toBe(1_764_119_540_123_000);
    expect(raw.StreamDescription.StreamName).toBe('Data');
  });
});
