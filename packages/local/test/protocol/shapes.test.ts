import { describe, expect, it } from 'vitest';
import { API_SHAPES } from '../../src/protocol/api-shapes.js';
import { parseInput } from '../../src/protocol/shapes.js';

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the input to be refused');
}

describe('request shapes', () => {
  it('decodes blobs and timestamps', () => {
    const input = parseInput(API_SHAPES.PutRecord, {
      StreamName: 's',
      PartitionKey: 'k',
      Data: 'aGk=',
    });
    expect(input.Data).toEqual(Buffer.from('hi'));
    const iterator = parseInput(API_SHAPES.GetShardIterator, {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: 1764072000.5,
    });
    expect(iterator.Timestamp).toBe(1764072000500);
  });

  it('names the Java type a wrong member type could not become, as a SerializationException', () => {
    expect(failure(() => parseInput(API_SHAPES.CreateStream, { StreamName: 5 }))).toMatchObject({
      code: 'SerializationException',
      message:
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    });
    expect(
      failure(() => parseInput(API_SHAPES.CreateStream, { StreamName: 's', ShardCount: 'two' })),
    ).toMatchObject({
      message: 'class java.lang.String can not be converted to an Integer',
    });
    expect(failure(() => parseInput(API_SHAPES.PutRecords, { Records: {} })).message).toBe(
      'Start of structure or map found where not expected.',
    );
  });

  it('accepts only strict base64', () => {
    const data = (Data: string) =>
      failure(() => parseInput(API_SHAPES.PutRecord, { StreamName: 's', PartitionKey: 'k', Data }))
        .message;
    expect(data('abc')).toBe(
      "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    );
    expect(data('ab$d')).toBe(
      "'ab$d' can not be converted to a Blob: Invalid Base64 character: '$'",
    );
    expect(data('aGl=')).toBe(
      "'aGl=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    );
    expect(data('a=bc')).toMatch(/Invalid Base64 character/);
  });

  it('reports up to ten constraint violations with their paths, as a ValidationException', () => {
    const error = failure(() =>
      parseInput(API_SHAPES.PutRecords, {
        StreamName: 'bad name!',
        Records: [{ PartitionKey: '', Data: '' }, { Data: 'aGk=' }],
      }),
    );
    expect(error.code).toBe('ValidationException');
    expect(error.message).toBe(
      "3 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
    );
    const many = failure(() =>
      parseInput(API_SHAPES.PutRecords, {
        Records: Array.from({ length: 12 }, () => ({ PartitionKey: '', Data: '' })),
      }),
    );
    expect(many.message).toMatch(/^10 validation errors detected: /);
  });

  it('checks enums and ranges', () => {
    expect(
      failure(() =>
        parseInput(API_SHAPES.GetShardIterator, { ShardId: 's', ShardIteratorType: 'OLDEST' }),
      ).message,
    ).toBe(
      "1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
    );
    expect(
      failure(() => parseInput(API_SHAPES.GetRecords, { ShardIterator: 'x', Limit: 0 })).message,
    ).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});
