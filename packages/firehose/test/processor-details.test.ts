import type { FirehoseTransformationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  buildTransformationEvent,
  DEFAULT_FAILURE_REASON,
  defineTransformer,
  failed,
  ok,
} from '../src/index.js';
import { listKeys, readErrorLines } from './support/files.js';
import { s3Stream } from './support/streams.js';

describe('processor details', () => {
  it('sends base64 data, arrival timestamps and a fresh invocationId per invocation', async () => {
    const events: FirehoseTransformationEvent[] = [];
    const echo = defineTransformer((record) => ok(record.rawData));
    const { clock, stream } = s3Stream({
      processor: (event, context) => {
        events.push(event);
        return echo(event, context);
      },
    });
    await stream.put('first');
    const firstArrival = clock.now();
    clock.advance(250);
    await stream.put(Buffer.from([0, 255]));
    await stream.flush();
    await stream.put('third');
    await stream.flush();
    expect(events).toHaveLength(2);
    expect(events[0]?.records.map((r) => [r.data, r.approximateArrivalTimestamp])).toEqual([
      [Buffer.from('first').toString('base64'), firstArrival],
      ['AP8=', firstArrival + 250],
    ]);
    expect(events[0]?.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[1]?.invocationId).not.toBe(events[0]?.invocationId);
  });

  it('invokes on the processor interval alone, before the destination interval', async () => {
    let invocations = 0;
    const echo = defineTransformer((record) => ok(record.rawData));
    const { clock, stream } = s3Stream({
      processorBuffering: { sizeMB: 3, intervalSeconds: 10 },
      buffering: { sizeMiB: 128, intervalSeconds: 900 },
      processor: (event, context) => {
        invocations++;
        return echo(event, context);
      },
    });
    await stream.put('waiting');
    clock.advance(9_999);
    await stream.onIdle();
    expect(invocations).toBe(0);
    clock.advance(1);
    await stream.onIdle();
    expect(invocations).toBe(1);
    expect(stream.metrics()).toMatchObject({
      invocations: 1,
      recordsDelivered: 0,
      recordsBuffered: 1,
    });
  });

  it('gives a processor a Lambda context that counts down to the invocation timeout', async () => {
    const remaining: number[] = [];
    const handler = defineTransformer((record, context) => {
      remaining.push(context.lambdaContext?.getRemainingTimeInMillis() ?? -1);
      return ok(record.rawData);
    });
    const { stream } = s3Stream({ processor: handler, invocationTimeoutSeconds: 30 });
    await stream.put('x');
    await stream.flush();
    expect(remaining).toEqual([30_000]);
  });

  it('times out a hung processor, retries it, then fails the records with every attempt', async () => {
    const { root, clock, stream } = s3Stream({
      numberOfRetries: 1,
      invocationTimeoutSeconds: 5,
      processor: () => new Promise<never>(() => {}),
    });
    await stream.put('stuck');
    const flushing = stream.flush();
    clock.advance(await clock.waitForTimer((delay) => delay === 5000));
    clock.advance(await clock.waitForTimer((delay) => delay === 5000));
    await flushing;
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({
      attemptsMade: 2,
      errorCode: 'Lambda.FunctionTimedOut',
      errorMessage: 'the processor did not answer within 5000 ms (invocationTimeoutSeconds)',
    });
    expect(clock.pendingDelays()).toEqual([]);
    expect(stream.metrics()).toMatchObject({ invocations: 2, invocationFailures: 2 });
  });

  it('records a default reason when failed() is given none', async () => {
    const { root, stream } = s3Stream({ processor: defineTransformer(() => failed()) });
    await stream.put('why?');
    await stream.flush();
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line?.errorMessage).toBe(DEFAULT_FAILURE_REASON);
  });

  it('passes a numeric subsequenceNumber through a handler', async () => {
    const seen: unknown[] = [];
    const handler = defineTransformer((record) => {
      seen.push(record.kinesisRecordMetadata?.subsequenceNumber);
      return ok(record.rawData);
    });
    const event = buildTransformationEvent(['x']);
    const metadata = {
      shardId: 'shardId-000000000000',
      partitionKey: 'k',
      approximateArrivalTimestamp: 1,
      sequenceNumber: '1',
      subsequenceNumber: 7,
    };
    const input = event.records[0];
    if (input) Object.assign(input, { kinesisRecordMetadata: metadata });
    const result = await handler(event);
    expect(result.records[0]?.result).toBe('Ok');
    expect(seen).toEqual([7]);
  });
});
