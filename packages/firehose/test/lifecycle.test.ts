import { InvalidArgumentError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { createDeliveryStream, defineTransformer, ok, s3Directory } from '../src/index.js';
import { IdleWaiters } from '../src/pipeline/idle.js';
import { listKeys, readErrorLines, readObject } from './support/files.js';
import { ManualClock } from './support/manual-clock.js';
import { expectNothingLost, s3Stream, scratchDir } from './support/streams.js';

const KiB = 1024;

describe('lifecycle', () => {
  it('validates the name and every interval and retry range', () => {
    expect(() => s3Stream({ name: 'bad name' })).toThrow(/name must be 1-64 characters/);
    expect(() => s3Stream({ name: 'x'.repeat(65) })).toThrow(InvalidArgumentError);
    expect(() => s3Stream({ buffering: { intervalSeconds: 901 } })).toThrow(
      'buffering.intervalSeconds must be an integer from 0 to 900, got 901',
    );
    expect(() => s3Stream({ processorBuffering: { intervalSeconds: -1 } })).toThrow(
      'processorBuffering.intervalSeconds must be an integer from 0 to 900, got -1',
    );
    expect(() => s3Stream({ numberOfRetries: 301 })).toThrow(/numberOfRetries must be/);
    expect(() => s3Stream({ invocationTimeoutSeconds: 901 })).toThrow(
      'invocationTimeoutSeconds must be an integer from 1 to 900, got 901',
    );
  });

  it('rejects a whole putBatch holding a record over 1,000 KiB, accepting nothing', async () => {
    const { stream } = s3Stream();
    const error = await stream
      .putBatch(['fine', Buffer.alloc(1000 * KiB + 1)])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RecordTooLarge',
      message: expect.stringMatching(/^record 1 /),
    });
    expect(stream.metrics().recordsPut).toBe(0);
  });

  it('keeps delivering when a listener throws, and stops calling an unsubscribed one', async () => {
    const { stream } = s3Stream();
    const calls: number[] = [];
    stream.on('records_delivered', () => {
      throw new Error('listener bug');
    });
    const off = stream.on('records_delivered', (event) => calls.push(event.records));
    await stream.put('a');
    await stream.flush();
    off();
    await stream.put('b');
    await stream.flush();
    expect(calls).toEqual([1]);
    expect(stream.metrics().recordsDelivered).toBe(2);
  });

  it('honours abort signals on put, putBatch, flush and onIdle', async () => {
    const { stream } = s3Stream({ processor: () => new Promise<never>(() => {}) });
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(stream.put('x', { signal: aborted })).rejects.toThrow('stop');
    await expect(stream.putBatch(['x'], { signal: aborted })).rejects.toThrow('stop');
    await stream.put('x');
    await expect(stream.flush({ signal: aborted })).rejects.toThrow('stop');
    // The hung processor keeps the stream busy: onIdle would wait, and the abort ends that.
    const controller = new AbortController();
    const idle = stream.onIdle({ signal: controller.signal });
    controller.abort(new Error('waited enough'));
    await expect(idle).rejects.toThrow('waited enough');
    await expect(stream.onIdle({ signal: aborted })).rejects.toThrow('stop');
    expect(stream.metrics().recordsPut).toBe(1);
  });

  it('aborts close cleanly: rejects at once, fails what was in flight, leaves no timer', async () => {
    const { root, clock, stream } = s3Stream({
      processor: () => new Promise<never>(() => {}),
    });
    await stream.put('never transformed');
    const controller = new AbortController();
    const closing = stream.close({ signal: controller.signal });
    await clock.waitForTimer((delay) => delay === 60_000);
    controller.abort(new Error('deadline'));
    await expect(closing).rejects.toThrow('deadline');
    await stream.onIdle();
    expect(clock.pendingDelays()).toEqual([]);
    const [line] = readErrorLines(root, listKeys(root)[0] as string);
    expect(line).toMatchObject({ attemptsMade: 1, errorCode: 'Lambda.Aborted' });
    expectNothingLost(stream);
  });

  it('closes through Symbol.asyncDispose', async () => {
    const root = scratchDir();
    {
      await using stream = createDeliveryStream({
        name: 'disposable',
        clock: new ManualClock(),
        destination: s3Directory({ root }),
      });
      await stream.put('flushed on dispose');
    }
    expect(listKeys(root).map((key) => readObject(root, key).toString())).toEqual([
      'flushed on dispose',
    ]);
  });

  it('reports delivery latency percentiles', async () => {
    const { stream } = s3Stream();
    expect(stream.metrics().deliveryLatencyMs).toEqual({
      count: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      max: 0,
    });
    await stream.put('x');
    await stream.flush();
    await stream.put('y');
    await stream.flush();
    // Local writes take no clock time; test/http-endpoint.test.ts measures a retried delivery.
    expect(stream.metrics().deliveryLatencyMs).toEqual({
      count: 2,
      p50: 0,
      p90: 0,
      p99: 0,
      max: 0,
    });
  });
});

describe('aborted close', () => {
  it('never invokes the processor for records still buffered, and counts no attempt', async () => {
    let calls = 0;
    const echo = defineTransformer((record) => ok(record.rawData));
    const { root, stream } = s3Stream({
      processor: (event, context) => {
        calls++;
        return echo(event, context);
      },
    });
    const failures: string[] = [];
    stream.on('invocation_failed', (event) => failures.push(event.errorCode));
    await stream.putBatch(['a', 'b', 'c']);
    await expect(stream.close({ signal: AbortSignal.abort(new Error('now')) })).rejects.toThrow(
      'now',
    );
    await stream.onIdle();
    expect(calls).toBe(0);
    expect(failures).toEqual([]);
    const lines = listKeys(root).flatMap((key) => readErrorLines(root, key));
    expect(lines.map((line) => [line.attemptsMade, line.errorCode])).toEqual([
      [0, 'Lambda.Aborted'],
      [0, 'Lambda.Aborted'],
      [0, 'Lambda.Aborted'],
    ]);
    expect(stream.metrics()).toMatchObject({ invocations: 0, invocationFailures: 0 });
    expectNothingLost(stream);
  });
});

describe('idle waiters', () => {
  it('forgets a waiter whose signal aborted, and wakes the others', async () => {
    const waiters = new IdleWaiters();
    const controller = new AbortController();
    const abandoned = waiters.wait(controller.signal);
    const kept = waiters.wait();
    expect(waiters.size).toBe(2);
    controller.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    expect(waiters.size).toBe(1);
    waiters.notify();
    await expect(kept).resolves.toBeUndefined();
    expect(waiters.size).toBe(0);
  });
});

describe('ARNs', () => {
  const destination = s3Directory({ root: '/tmp/unused' });
  const create = (options: { region?: string; accountId?: string }) => () =>
    createDeliveryStream({ name: 's', destination, ...options });

  it('accepts region names and 12-digit accounts, and builds ARNs from them', () => {
    const stream = createDeliveryStream({
      name: 's',
      destination,
      region: 'us-gov-west-1',
      accountId: '123456789012',
    });
    expect(stream.arn).toBe('arn:aws:firehose:us-gov-west-1:123456789012:deliverystream/s');
  });

  it.each([
    [{ region: 'US-EAST-1' }, /region must be an AWS region name/],
    [{ region: 'us-east' }, /region must be an AWS region name/],
    [{ region: 'us-east-1:x' }, /region must be an AWS region name/],
    [{ accountId: '12345678901' }, /accountId must be 12 digits/],
    [{ accountId: '12345678901a' }, /accountId must be 12 digits/],
  ])('refuses %j', (options, message) => {
    expect(create(options)).toThrow(InvalidArgumentError);
    expect(create(options)).toThrow(message);
  });
});
