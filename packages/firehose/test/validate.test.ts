import { describe, expect, it } from 'vitest';
import { buildTransformationEvent, validateTransformationResult } from '../src/index.js';

const event = buildTransformationEvent(['a', 'b']);
const data = Buffer.from('x').toString('base64');

describe('validateTransformationResult', () => {
  it('accepts every recordId once with valid results', () => {
    const result = {
      records: [
        { recordId: 'record-0', result: 'Ok', data, metadata: { partitionKeys: { k: 'v' } } },
        { recordId: 'record-1', result: 'Dropped' },
      ],
    };
    expect(validateTransformationResult(event, result)).toEqual([]);
  });

  it('reports a missing recordId as Lambda.MissingRecordId', () => {
    const problems = validateTransformationResult(event, {
      records: [{ recordId: 'record-0', result: 'Ok', data }],
    });
    expect(problems).toEqual([
      {
        code: 'Lambda.MissingRecordId',
        message: 'recordId record-1 of the event is missing from the response',
        recordId: 'record-1',
      },
    ]);
  });

  it('reports a repeated recordId as Lambda.DuplicatedRecordId', () => {
    const problems = validateTransformationResult(event, {
      records: [
        { recordId: 'record-0', result: 'Ok', data },
        { recordId: 'record-1', result: 'Ok', data },
        { recordId: 'record-0', result: 'Dropped' },
      ],
    });
    expect(problems.map((p) => [p.code, p.index])).toEqual([['Lambda.DuplicatedRecordId', 2]]);
  });

  it.each([
    ['a bad result value', { recordId: 'record-0', result: 'OK', data }, /result is "OK"/],
    ['Ok without data', { recordId: 'record-0', result: 'Ok' }, /is Ok but has no data/],
    ['bad base64', { recordId: 'record-0', result: 'Ok', data: 'a=b' }, /not valid base64/],
    ['an unknown recordId', { recordId: 'nope', result: 'Ok', data }, /nope is not in the event/],
    [
      'malformed metadata',
      { recordId: 'record-0', result: 'Ok', data, metadata: { partitionKeys: { k: 1 } } },
      /metadata must be/,
    ],
  ])('reports %s as Lambda.JsonProcessingException', (_, record, message) => {
    const problems = validateTransformationResult(event, {
      records: [record, { recordId: 'record-1', result: 'Dropped' }],
    });
    const json = problems.filter((p) => p.code === 'Lambda.JsonProcessingException');
    expect(json).toHaveLength(1);
    expect(json[0]?.message).toMatch(message);
  });

  it('rejects a response that is not an object with records', () => {
    expect(validateTransformationResult(event, null)[0]?.code).toBe(
      'Lambda.JsonProcessingException',
    );
    expect(validateTransformationResult(event, { records: 'x' })).toHaveLength(1);
  });

  it('reports a response over 6,291,456 bytes', () => {
    const huge = Buffer.alloc(3 * 1024 * 1024).toString('base64');
    const problems = validateTransformationResult(event, {
      records: [
        { recordId: 'record-0', result: 'Ok', data: huge },
        { recordId: 'record-1', result: 'Ok', data: huge },
      ],
    });
    expect(problems.map((p) => p.code)).toEqual(['Lambda.ResponseSizeTooLarge']);
    expect(problems[0]?.message).toMatch(/over the 6291456-byte limit/);
  });
});
