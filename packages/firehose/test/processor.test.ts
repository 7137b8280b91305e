import type { FirehoseTransformationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { defineTransformer, dropped, type FailedRecord, failed, ok } from '../src/index.js';
import { listKeys, readErrorLines, readObject } from './support/files.js';
import { expectNothingLost, s3Stream } from './support/streams.js';

const KiB = 1024;

describe('processor', () => {
  it('invokes it with a real event on processor-sized batches', async () => {
    const events: Array<{ invocationId: string; arn: string; region: string; ids: string[] }> = [];
    const transformer = defineTransformer((record) => ok(record.data.toUpperCase()), {
      decode: 'text',
    });
    const { root, stream } = s3Stream({
      region: 'eu-west-1',
      processorBuffering: { sizeMB: 0.2, intervalSeconds: 900 },
      processor: async (event, context) => {
        events.push({
          invocationId: event.invocationId,
          arn: event.deliveryStreamArn,
          region: event.region,
          ids: event.records.map((r) => r.recordId),
        });
        return transformer(event, context);
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stream.put('a'.repeat(150 * KiB))).recordId);
    await stream.flush();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      arn: 'arn:aws:firehose:eu-west-1:000000000000:deliverystream/clicks',
      region: 'eu-west-1',
      ids: ids.slice(0, 2),
    });
    expect(events[1]?.ids).toEqual(ids.slice(2));
    expect(readObject(root, listKeys(root)[0] as string).toString()).toBe('A'.repeat(450 * KiB));
    expectNothingLost(stream);
  });

  it('writes ProcessingFailed records to processing-failed/ in the documented JSON shape', async () => {
    const { root, clock, stream } = s3Stream({
      processor: defineTransformer(
        (record) => (record.data === 'bad' ? failed('bad input') : dropped()),
        { decode: 'text' },
      ),
    });
    await stream.put('bad');
    const arrival = clock.now();
    clock.advance(5);
    await stream.put('fine');
    await stream.flush();
    const keys = listKeys(root);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^processing-failed\/2024\/01\/02\/03\/clicks-1-2024-01-02-03-04-05-/);
    expect(readErrorLines(root, keys[0] as string)).toEqual([
      {
        attemptsMade: 1,
        arrivalTimestamp: arrival,
        errorCode: 'Lambda.ProcessingFailed',
        errorMessage: 'bad input',
        attemptEndingTimestamp: clock.now(),
        rawData: Buffer.from('bad').toString('base64'),
        lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:clicks-processor',
      },
    ]);
    expect(stream.metrics()).toMatchObject({ recordsDropped: 1, recordsFailed: 1 });
    expectNothingLost(stream);
  });

  it('retries a failed invocation NumberOfRetries times, then fails the records', async () => {
    let calls = 0;
    const { root, stream } = s3Stream({
      numberOfRetries: 2,
      processor: async () => {
        calls++;
        throw new Error('function crashed');
      },
    });
    const attempts: number[] = [];
    stream.on('invocation_failed', (event) => attempts.push(event.attempt));
    await stream.putBatch(['a', 'b']);
    await stream.flush();
    expect(calls).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    const lines = readErrorLines(root, listKeys(root)[0] as string);
    expect(lines.map((l) => [l.attemptsMade, l.errorCode, l.errorMessage])).toEqual([
      [3, 'Lambda.FunctionError', 'function crashed'],
      [3, 'Lambda.FunctionError', 'function crashed'],
    ]);
    expectNothingLost(stream);
  });

  it('treats a response Firehose would reject as a failed invocation, and succeeds on retry', async () => {
    let calls = 0;
    const good = defineTransformer((record) => ok(record.rawData));
    const { root, stream } = s3Stream({
      processor: async (event, context) => {
        calls++;
        return calls === 1 ? { records: [] } : good(event, context);
      },
    });
    const codes: string[] = [];
    stream.on('invocation_failed', (event) => codes.push(event.errorCode));
    await stream.put('x');
    await stream.flush();
    expect(codes).toEqual(['Lambda.MissingRecordId']);
    expect(readObject(root, listKeys(root)[0] as string).toString()).toBe('x');
  });

  it('partitions by the Lambda partition keys and caps active partitions', async () => {
    const { root, stream } = s3Stream(
      {
        processor: defineTransformer(
          (record) =>
            record.data === 'none'
              ? ok(record.data)
              : ok(`${record.data}\n`, { partitionKeys: { customer: record.data } }),
          { decode: 'text' },
        ),
      },
      {
        prefix: 'customer=!{partitionKeyFromLambda:customer}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        dynamicPartitioning: { maxActivePartitions: 2 },
      },
    );
    await stream.putBatch(['acme', 'beta', 'acme', 'gamma', 'none']);
    await stream.flush();
    const keys = listKeys(root);
    const acme = keys.find((k) => k.startsWith('customer=acme/2024/01/02/03/clicks-1-'));
    expect(readObject(root, acme as string).toString()).toBe('acme\nacme\n');
    expect(keys.filter((k) => k.startsWith('customer=beta/2024/01/02/03/'))).toHaveLength(1);
    const errors = keys.filter((k) => k.startsWith('errors/partitioning-failed/2024/01/02/03/'));
    const lines = errors.flatMap((k) => readErrorLines(root, k));
    expect(lines.map((l) => l.errorCode).sort()).toEqual([
      'DynamicPartitioning.ActivePartitionsLimitExceeded',
      'DynamicPartitioning.MetadataExtractionFailed',
    ]);
    expectNothingLost(stream);
  });
});

describe('processor retries', () => {
  it('keeps every earlier invocation error in the attempts of a record failed on retry', async () => {
    let calls = 0;
    const failing = defineTransformer(() => failed('no good'));
    const { stream } = s3Stream({
      processor: async (event, context) => {
        calls++;
        if (calls === 1) throw new Error('cold start');
        return failing(event, context);
      },
    });
    const failures: FailedRecord[] = [];
    stream.on('records_failed', (event) => failures.push(...event.records));
    await stream.put('x');
    await stream.flush();
    expect(failures[0]?.attempts.map((a) => [a.errorCode, a.errorMessage])).toEqual([
      ['Lambda.FunctionError', 'cold start'],
      ['Lambda.ProcessingFailed', 'no good'],
    ]);
    expect(failures[0]?.attemptsMade).toBe(2);
  });

  it('gives every attempt a fresh event, so a processor that changes its event cannot corrupt a retry', async () => {
    const seen: number[] = [];
    const { root, stream } = s3Stream({
      processor: async (event: FirehoseTransformationEvent) => {
        seen.push(event.records.length);
        if (seen.length === 1) {
          event.records.pop();
          throw new Error('transient');
        }
        return {
          records: event.records.map(({ recordId, data }) => ({ recordId, result: 'Ok', data })),
        };
      },
    });
    await stream.putBatch(['a', 'b']);
    await stream.flush();
    expect(seen).toEqual([2, 2]);
    expect(readObject(root, listKeys(root)[0] as string).toString()).toBe('ab');
    expectNothingLost(stream);
  });
});

describe('responses that cannot be serialised', () => {
  const okWith = (extra: object) => async (event: FirehoseTransformationEvent) => ({
    ...extra,
    records: event.records.map(({ recordId, data }) => ({ recordId, result: 'Ok' as const, data })),
  });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    ['a BigInt', okWith({ n: 1n }), /BigInt/],
    ['a cycle', okWith({ circular }), /circular/],
    [
      'a throwing toJSON',
      okWith({
        toJSON() {
          throw new Error('boom');
        },
      }),
      /boom/,
    ],
  ])(
    'fails an invocation answered with %s as Lambda.JsonProcessingException, at once',
    async (_, processor, message) => {
      const { root, clock, stream } = s3Stream({ processor, numberOfRetries: 1 });
      const codes: string[] = [];
      stream.on('invocation_failed', (event) => codes.push(event.errorCode));
      await stream.put('x');
      await stream.flush();
      expect(codes).toEqual(['Lambda.JsonProcessingException', 'Lambda.JsonProcessingException']);
      const [line] = readErrorLines(root, listKeys(root)[0] as string);
      expect(line).toMatchObject({ attemptsMade: 2, errorCode: 'Lambda.JsonProcessingException' });
      expect(String(line?.errorMessage)).toMatch(message);
      // Answered, not timed out: no clock time passed and no timer is left.
      expect(clock.pendingDelays()).toEqual([]);
      expectNothingLost(stream);
    },
  );
});

describe('large responses', () => {
  it('delivers a valid response of 6,000,061 bytes (6,000,000 characters of base64)', async () => {
    const big = Buffer.alloc(4_500_000, 0x61);
    const { root, stream } = s3Stream({
      processor: defineTransformer(() => ok(big)),
      buffering: { sizeMiB: 5, intervalSeconds: 900 },
    });
    await stream.put('x');
    await stream.flush();
    expect(readObject(root, listKeys(root)[0] as string).equals(big)).toBe(true);
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 1, invocationFailures: 0 });
  });
});
