import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import {
  buildTransformationEvent,
  defineTransformer,
  ok,
  runTransformer,
  TransformationResultError,
  validateTransformationResult,
} from '../src/index.js';
import { isBase64 } from '../src/transformer/base64.js';

const CAP = FIREHOSE_LIMITS.lambdaMaxPayloadBytes;
const event = buildTransformationEvent(['a', 'b']);
const dropped = [
  { recordId: 'record-0', result: 'Dropped' },
  { recordId: 'record-1', result: 'Dropped' },
];

/** A valid response padded (with a field Firehose ignores) to exactly `bytes` of JSON. */
function responseOf(bytes: number) {
  const empty = Buffer.byteLength(JSON.stringify({ records: dropped, pad: '' }));
  return { records: dropped, pad: 'x'.repeat(bytes - empty) };
}

describe('the 6,291,456-byte response cap', () => {
  it('accepts a response of exactly the cap and rejects one byte more', () => {
    expect(Buffer.byteLength(JSON.stringify(responseOf(CAP)))).toBe(CAP);
    expect(validateTransformationResult(event, responseOf(CAP))).toEqual([]);
    expect(validateTransformationResult(event, responseOf(CAP + 1))).toEqual([
      {
        code: 'Lambda.ResponseSizeTooLarge',
        message: `the response is ${CAP + 1} bytes, over the ${CAP}-byte limit`,
      },
    ]);
  });

  it('lets defineTransformer fill a response up to exactly the cap, and fails the record past it', async () => {
    const shape = (recordId: string) =>
      Buffer.byteLength(JSON.stringify({ records: [{ recordId, result: 'Ok', data: '' }] }));
    // A record id of the right length makes the cap reachable in whole base64 quads.
    let recordId = 'r';
    while ((CAP - shape(recordId)) % 4 !== 0) recordId += 'r';
    const fits = ((CAP - shape(recordId)) / 4) * 3;
    const run = (bytes: number) =>
      runTransformer(
        defineTransformer(() => ok(Buffer.alloc(bytes, 0x61))),
        [{ data: 'x', recordId }],
      );
    const [full] = await run(fits);
    expect(full?.result).toBe('Ok');
    expect(full?.data?.byteLength).toBe(fits);
    const [over] = await run(fits + 3);
    expect(over?.result).toBe('ProcessingFailed');
    expect(over?.reason).toBe("the response would exceed Firehose's 6,291,456-byte limit");
  });

  it('validates a response carrying 6,000,000 characters of base64 without overflowing the stack', async () => {
    const big = Buffer.alloc(4_500_000, 0x61);
    const [out] = await runTransformer(
      defineTransformer(() => ok(big)),
      ['x'],
    );
    expect(out?.data?.equals(big)).toBe(true);
    expect(isBase64(`${big.toString('base64')}!`)).toBe(false);
  });
});

describe('responses that are not JSON', () => {
  const records = [{ recordId: 'record-0', result: 'Dropped' }];
  const circular: Record<string, unknown> = { records };
  circular.self = circular;
  it.each([
    ['a BigInt', { records, n: 1n }, /BigInt/],
    ['a cycle', circular, /circular/],
    [
      'a throwing toJSON',
      {
        records,
        toJSON() {
          throw new Error('boom');
        },
      },
      /boom/,
    ],
  ])('reports %s as Lambda.JsonProcessingException instead of throwing', (_, response, message) => {
    const problems = validateTransformationResult(buildTransformationEvent(['a']), response);
    expect(problems.map((problem) => problem.code)).toEqual(['Lambda.JsonProcessingException']);
    expect(problems[0]?.message).toMatch(message);
  });

  it('makes runTransformer throw TransformationResultError for such a response', async () => {
    const handler = async () => ({ records: [], n: 1n });
    const error = await runTransformer(handler, ['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformationResultError);
    expect(error).toMatchObject({ code: 'Lambda.JsonProcessingException' });
  });
});

describe('base64 checks', () => {
  it.each([
    ['', true],
    ['YQ==', true],
    ['YQ', true],
    ['YWI=', true],
    ['YWI', true],
    ['YWJj', true],
    ['Y', false],
    ['YQ=', false],
    ['Y===', false],
    ['====', false],
    ['YQ==YQ==', false],
    ['YW J', false],
    ['YWJ\u00e9', false],
  ])('isBase64(%j) is %s', (text, expected) => {
    expect(isBase64(text)).toBe(expected);
  });
});
