import { describe, expect, it } from 'vitest';
import { FirehoseProducer, type FirehosePutResult, RecordDeliveryError } from '../../src/index.js';
import {
  decode,
  Gate,
  makeRecords,
  seededRandom,
  sorted,
  text,
  useFirehoseServer,
} from './support/helpers.js';

const deliveryStreamName = 'test-stream';
const fastRetries = { initialBackoffMs: 2, maxBackoffMs: 10, lingerMs: 5 } as const;

/** How many times the server received each record, across all calls. */
function receivedCounts(calls: readonly { records: readonly Buffer[] }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    for (const record of call.records) {
      const key = decode(record);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe('FirehoseProducer failures', () => {
  const context = useFirehoseServer();

  it('stores every record exactly once when random entries fail', async () => {
    const { server, client } = context;
    const random = seededRandom(42);
    server.entryFault = () => {
      const roll = random();
      if (roll < 0.15) return 'ServiceUnavailableException';
      if (roll < 0.3) return 'InternalFailure';
      return undefined;
    };
    const producer = new FirehoseProducer({ deliveryStreamName, client, ...fastRetries });
    const records = makeRecords(2000);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    const stored = server.storedData().map(decode);
    expect(stored).toHaveLength(records.length);
    expect(sorted(stored)).toEqual(sorted(records.map((record) => decode(record.data))));
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    expect(producer.metrics().throttles).toBeGreaterThan(0);
  });

  it('resends only the failed entries of a PutRecordBatch call', async () => {
    const { server, client } = context;
    const failedOnce = new Set<string>();
    server.entryFault = (data) => {
      const key = decode(data);
      const index = Number(key.split('-')[1]);
      if (index % 5 !== 0 || failedOnce.has(key)) return undefined;
      failedOnce.add(key);
      return index % 10 === 0 ? 'ServiceUnavailableException' : 'InternalFailure';
    };
    const producer = new FirehoseProducer({ deliveryStreamName, client, ...fastRetries });
    const retried: string[] = [];
    producer.on('record_retried', ({ record, attempt }) => {
      retried.push(`${decode(record.data)} ${attempt.errorCode}`);
    });
    const records = makeRecords(200);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(failedOnce.size).toBe(40);
    const counts = receivedCounts(server.calls);
    for (const record of records) {
      const key = decode(record.data);
      expect(counts.get(key)).toBe(failedOnce.has(key) ? 2 : 1);
    }
    results.forEach((result, index) => {
      expect(result.attempts).toBe(index % 5 === 0 ? 2 : 1);
    });
    expect(retried).toHaveLength(40);
    expect(retried).toContain('event-10-xxxxxxx ServiceUnavailableException');
    expect(retried).toContain('event-5-xxxxxxxx InternalFailure');
    expect(producer.metrics().recordsRetried).toBe(40);
    expect(server.storedData()).toHaveLength(200);
  });

  it('retries calls that fail as a whole: HTTP 500, a dropped connection, throttling', async () => {
    const { server, client } = context;
    const faults = [
      { kind: 'http500' },
      { kind: 'drop' },
      { kind: 'error', type: 'ServiceUnavailableException', status: 503 },
      { kind: 'error', type: 'ThrottlingException', status: 400 },
    ] as const;
    server.callFault = (_call, index) => faults[index];
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      ...fastRetries,
      maxBatchRecords: 10,
      maxInFlightRequests: 1,
    });
    const attempts: string[] = [];
    producer.on('record_retried', ({ attempt }) => attempts.push(attempt.errorCode));
    const records = makeRecords(60);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(sorted(server.storedData().map(decode))).toEqual(
      sorted(records.map((record) => decode(record.data))),
    );
    // The four failed calls carried ten records each; each was tried again.
    expect(results.filter((result) => result.attempts > 1).length).toBeGreaterThanOrEqual(10);
    expect(new Set(attempts).size).toBe(4);
    expect(attempts).toContain('ServiceUnavailableException');
    expect(attempts).toContain('ThrottlingException');
    expect(producer.metrics().throttles).toBe(2);
  });

  it('rejects with RecordTtlExpired and every attempt when a record keeps failing', async () => {
    const { server, client } = context;
    server.entryFault = (data) =>
      decode(data) === 'doomed' ? 'ServiceUnavailableException' : undefined;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      ...fastRetries,
      recordTtlMs: 200,
    });
    const failed: RecordDeliveryError[] = [];
    producer.on('record_failed', ({ error }) => failed.push(error));
    const doomed = { data: text('doomed') };
    const [outcome, other] = await producer.putMany([doomed, { data: text('fine') }]);
    await producer.close();
    expect(other?.status).toBe('fulfilled');
    expect(outcome?.status).toBe('rejected');
    const error = (outcome as PromiseRejectedResult).reason as RecordDeliveryError;
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error.code).toBe('RecordTtlExpired');
    expect(error.record).toBe(doomed);
    expect(error.message).toContain('recordTtlMs (200 ms)');
    // A try sent just before the TTL is given up at the TTL (RequestTimeout), whether or not the
    // server had read it yet; every other try was answered ServiceUnavailableException.
    const codes = error.attempts.map((attempt) => attempt.errorCode);
    const answered = codes.at(-1) === 'RequestTimeout' ? codes.slice(0, -1) : codes;
    expect(answered.length).toBeGreaterThan(2);
    expect(answered.every((code) => code === 'ServiceUnavailableException')).toBe(true);
    const sends = receivedCounts(server.calls).get('doomed') ?? 0;
    expect(sends).toBeGreaterThanOrEqual(answered.length);
    expect(sends).toBeLessThanOrEqual(codes.length);
    const times = error.attempts.map((attempt) => attempt.sentAtMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(error.lastError).toBeDefined();
    expect(failed).toEqual([error]);
    expect(server.storedData().map(decode)).toEqual(['fine']);
  });

  it('rejects at once, without retrying, on a non-retriable error', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({
      deliveryStreamName: 'missing-stream',
      client,
      ...fastRetries,
    });
    const error = await producer.put({ data: text('nowhere') }).catch((e: unknown) => e);
    await producer.close();
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({ code: 'NonRetriable', retriable: false });
    const { attempts, lastError } = error as RecordDeliveryError;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.errorCode).toBe('ResourceNotFoundException');
    expect((lastError as Error).name).toBe('ResourceNotFoundException');
    expect(server.calls).toHaveLength(1);
  });

  it('treats an entry error code it does not know as final', async () => {
    const { server, client } = context;
    server.entryFault = (data) => (decode(data) === 'odd' ? 'SomethingNewException' : undefined);
    const producer = new FirehoseProducer({ deliveryStreamName, client, ...fastRetries });
    const [odd, even] = await producer.putMany([{ data: text('odd') }, { data: text('even') }]);
    await producer.close();
    expect(even?.status).toBe('fulfilled');
    expect(odd).toMatchObject({
      status: 'rejected',
      reason: { code: 'NonRetriable', attempts: [{ errorCode: 'SomethingNewException' }] },
    });
    expect(server.calls).toHaveLength(1);
  });

  it('gives up on a call that never comes back once its first record reaches recordTtlMs', async () => {
    const { server, client } = context;
    server.beforeAnswer = () => new Promise<void>(() => undefined);
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 0,
      recordTtlMs: 300,
    });
    const startedMs = Date.now();
    const error = await producer.put({ data: text('lost in transit') }).catch((e: unknown) => e);
    const elapsedMs = Date.now() - startedMs;
    await producer.close();
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({
      code: 'RecordTtlExpired',
      attempts: [{ errorCode: 'RequestTimeout' }],
    });
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(1300);
    expect(server.calls).toHaveLength(1);
  });

  it('fails a record whose recordTtlMs passes while it waits out a backoff, without sending it', async () => {
    const { server, client } = context;
    server.entryFault = (data) =>
      decode(data) === 'throttled' ? 'ServiceUnavailableException' : undefined;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 0,
      recordTtlMs: 300,
      initialBackoffMs: 60_000,
      maxBackoffMs: 60_000,
    });
    // After this failure the whole producer waits at least 30 s before its next call.
    await expect(producer.put({ data: text('throttled') })).rejects.toMatchObject({
      code: 'RecordTtlExpired',
      attempts: [{ errorCode: 'ServiceUnavailableException' }],
    });
    const startedMs = Date.now();
    const error = await producer.put({ data: text('waits') }).catch((e: unknown) => e);
    expect(Date.now() - startedMs).toBeLessThan(1300);
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({ code: 'RecordTtlExpired', attempts: [] });
    expect((error as Error).message).toContain('never sent');
    await producer.close();
    expect(server.calls).toHaveLength(1);
  });

  it('rejects a put aborted before its record was sent, and never sends it', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 60_000 });
    const controller = new AbortController();
    const aborted = producer.put({ data: text('aborted') }, { signal: controller.signal });
    const kept = producer.put({ data: text('kept') });
    controller.abort(new Error('caller gave up'));
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({ code: 'Aborted', attempts: [] });
    expect((error as RecordDeliveryError).lastError).toEqual(new Error('caller gave up'));
    const already = producer.put({ data: text('too late') }, { signal: controller.signal });
    await expect(already).rejects.toMatchObject({ code: 'Aborted' });
    await producer.close();
    await expect(kept).resolves.toMatchObject({ attempts: 1 });
    expect(server.storedData().map(decode)).toEqual(['kept']);
    expect(producer.metrics().recordsFailed).toBe(2);
  });

  it('settles a put aborted after its record was sent with the real outcome', async () => {
    const { server, client } = context;
    const gate = new Gate();
    server.beforeAnswer = () => gate.wait();
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 0 });
    const controller = new AbortController();
    const put = producer.put({ data: text('in flight') }, { signal: controller.signal });
    await server.waitFor(() => server.inFlightEntries === 1);
    controller.abort();
    gate.open();
    const result: FirehosePutResult = await put;
    await producer.close();
    expect(result.recordId).toBe(server.stored[0]?.recordId);
  });
});
