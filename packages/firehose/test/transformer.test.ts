import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTransformationEvent,
  DEFAULT_FAILURE_REASON,
  defineTransformer,
  dropped,
  failed,
  ok,
  runTransformer,
  TransformationResultError,
  toJson,
  toLines,
  toNdjson,
  validateTransformationResult,
} from '../src/index.js';

describe('defineTransformer', () => {
  it('answers Ok with base64 data, Dropped and ProcessingFailed, one per record, in order', async () => {
    const handler = defineTransformer(
      (record) => {
        if (record.data === 'drop') return dropped();
        if (record.data === 'fail') return failed('told to fail');
        return ok(record.data.toUpperCase(), { partitionKeys: { first: record.data[0] ?? '' } });
      },
      { decode: 'text' },
    );
    const out = await runTransformer(handler, ['abc', 'drop', 'fail', 'xyz']);
    expect(out.map((r) => [r.recordId, r.result, r.text])).toEqual([
      ['record-0', 'Ok', 'ABC'],
      ['record-1', 'Dropped', undefined],
      ['record-2', 'ProcessingFailed', 'fail'],
      ['record-3', 'Ok', 'XYZ'],
    ]);
    expect(out[0]?.partitionKeys).toEqual({ first: 'a' });
    expect(out[2]?.reason).toBe('told to fail');
  });

  it('turns a throw into ProcessingFailed with the message and leaves other records alone', async () => {
    const handler = defineTransformer((record) => {
      if (record.data[0] === 0x21) throw new Error('bang');
      return ok(record.data);
    });
    const out = await runTransformer(handler, ['!x', 'fine']);
    expect(out.map((r) => [r.result, r.reason])).toEqual([
      ['ProcessingFailed', 'bang'],
      ['Ok', undefined],
    ]);
    expect(out[1]?.text).toBe('fine');
  });

  it('fails records whose data is not base64, not UTF-8 or not JSON, with the reason', async () => {
    const handler = defineTransformer((record) => ok(toJson(record.data)), { decode: 'json' });
    const event = buildTransformationEvent(['{"a":1}', Buffer.from([0xff, 0xfe]), 'not json']);
    event.records.push({ recordId: 'bad', approximateArrivalTimestamp: 1, data: '@@not base64' });
    const result = await handler(event);
    expect(validateTransformationResult(event, result)).toEqual([]);
    expect(result.records.map((r) => r.result)).toEqual([
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
      'ProcessingFailed',
    ]);
    const reasons = await runTransformer(handler, [Buffer.from([0xff]), 'not json']);
    expect(reasons.map((r) => r.reason)).toEqual([
      'data is not valid UTF-8',
      expect.stringMatching(/^data is not valid JSON: /),
    ]);
  });

  it('fails a record whose function returns something that is not an outcome', async () => {
    const handler = defineTransformer(() => undefined as never);
    const [out] = await runTransformer(handler, ['x']);
    expect(out?.result).toBe('ProcessingFailed');
    expect(out?.reason).toMatch(/instead of ok\(\), dropped\(\) or failed\(\)/);
  });

  it('passes the Kinesis metadata and the invocation to the function', async () => {
    const seen: unknown[] = [];
    const handler = defineTransformer((record, context) => {
      seen.push([
        record.kinesisRecordMetadata?.shardId,
        context.sourceKinesisStreamArn,
        context.index,
      ]);
      return ok(record.rawData);
    });
    await runTransformer(
      handler,
      [
        {
          data: 'x',
          kinesisRecordMetadata: {
            shardId: 'shardId-000000000001',
            partitionKey: 'k',
            approximateArrivalTimestamp: 1,
            sequenceNumber: '49',
            subsequenceNumber: 0,
          },
        },
      ],
      { sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/src' },
    );
    expect(seen).toEqual([
      ['shardId-000000000001', 'arn:aws:kinesis:us-east-1:000000000000:stream/src', 0],
    ]);
  });

  it('keeps output order with bounded concurrency, never exceeding the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, concurrency) => {
          let running = 0;
          let peak = 0;
          const handler = defineTransformer(
            async (record) => {
              running++;
              peak = Math.max(peak, running);
              for (let i = 0; i < Number(record.data); i++) await Promise.resolve();
              running--;
              return ok(`${record.data}!`);
            },
            { decode: 'text', concurrency },
          );
          const out = await runTransformer(handler, delays.map(String));
          expect(out.map((r) => r.text)).toEqual(delays.map((d) => `${d}!`));
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects a concurrency below 1', () => {
    expect(() => defineTransformer(() => dropped(), { concurrency: 0 })).toThrow(
      /concurrency must be an integer >= 1, got 0/,
    );
  });

  it('fails the records that would push the response over 6,291,456 bytes, in order', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const handler = defineTransformer(() => ok(big));
    const event = buildTransformationEvent(['a', 'b', 'c', 'd']);
    const result = await handler(event);
    expect(validateTransformationResult(event, result)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(
      FIREHOSE_LIMITS.lambdaMaxPayloadBytes,
    );
    expect(result.records.map((r) => r.result)).toEqual([
      'Ok',
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
    ]);
    const out = await runTransformer(handler, ['a', 'b', 'c']);
    expect(out[2]?.reason).toBe("the response would exceed Firehose's 6,291,456-byte limit");
  });

  it('still delivers a small record that fits after a large one overflowed', async () => {
    const handler = defineTransformer(
      (record) => ok(record.data === 'big' ? Buffer.alloc(3 * 1024 * 1024) : 'small'),
      { decode: 'text' },
    );
    const out = await runTransformer(handler, ['big', 'big', 'small']);
    expect(out.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok']);
  });
});

describe('runTransformer', () => {
  it('throws TransformationResultError naming the problem when Firehose would reject', async () => {
    const handler = async () => ({ records: [] });
    const error = await runTransformer(handler, ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformationResultError);
    expect((error as TransformationResultError).code).toBe('Lambda.MissingRecordId');
    expect((error as TransformationResultError).message).toMatch(/record-0/);
  });
});

describe('output helpers', () => {
  it('writes JSON, newline-terminated NDJSON and text lines', () => {
    expect(toJson({ a: 1 })).toBe('{"a":1}');
    expect(toNdjson({ a: 1 }, [2])).toBe('{"a":1}\n[2]\n');
    expect(toLines('a', 'b\n')).toBe('a\nb\n');
    expect(() => toJson(undefined)).toThrow(/cannot be serialised as JSON/);
  });
});

describe('transformer details', () => {
  it('really runs records concurrently when concurrency > 1, never past the bound', async () => {
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const handler = defineTransformer(
      async (record) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return ok(record.rawData);
      },
      { concurrency: 3 },
    );
    const done = runTransformer(handler, ['a', 'b', 'c', 'd', 'e']);
    while (gates.length > 0 || running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const open of gates.splice(0)) open();
    }
    const out = await done;
    expect(out.map((r) => r.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(peak).toBe(3);
  });

  it('gives runTransformer handlers a working Lambda context', async () => {
    const handler = defineTransformer((_, context) =>
      ok(String(context.lambdaContext?.getRemainingTimeInMillis())),
    );
    const [out] = await runTransformer(handler, ['x']);
    expect(Number(out?.text)).toBeGreaterThan(59_000);
    expect(Number(out?.text)).toBeLessThanOrEqual(60_000);
  });

  it('accepts unpadded base64 as Java’s decoder does, and rejects impossible lengths', async () => {
    const event = buildTransformationEvent([]);
    event.records.push(
      { recordId: 'a', approximateArrivalTimestamp: 1, data: 'YQ' },
      { recordId: 'ab', approximateArrivalTimestamp: 1, data: 'YWI' },
      { recordId: 'bad', approximateArrivalTimestamp: 1, data: 'Y' },
    );
    const result = await defineTransformer((record) => ok(record.rawData))(event);
    expect(result.records.map((r) => [r.result, r.data])).toEqual([
      ['Ok', 'YQ=='],
      ['Ok', 'YWI='],
      ['ProcessingFailed', undefined],
    ]);
    expect(
      validateTransformationResult(buildTransformationEvent(['a']), {
        records: [{ recordId: 'record-0', result: 'Ok', data: 'YQ' }],
      }),
    ).toEqual([]);
  });

  it('fails a record with a default reason when failed() has none', async () => {
    const [out] = await runTransformer(
      defineTransformer(() => failed()),
      ['x'],
    );
    expect(out?.reason).toBe(DEFAULT_FAILURE_REASON);
  });
});
