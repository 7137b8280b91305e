import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  FirehoseProducer,
  type FirehosePutResult,
  type FirehoseRecord,
  ProducerClosedError,
  type PutListener,
} from '../../src/index.js';
import { decode, makeRecords, sorted, text, useFirehoseServer } from './support/helpers.js';

const deliveryStreamName = 'test-stream';
const MiB = 1024 * 1024;

describe('FirehoseProducer delivery', () => {
  const context = useFirehoseServer();

  it('stores every record once and resolves each put with the RecordId that stored it', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 10 });
    const records = makeRecords(1000);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(sorted(server.storedData().map(decode))).toEqual(
      sorted(records.map((r) => decode(r.data))),
    );
    const byId = new Map(server.stored.map((stored) => [stored.recordId, decode(stored.data)]));
    results.forEach((result, index) => {
      expect(byId.get(result.recordId)).toBe(decode(records[index]?.data ?? new Uint8Array()));
      expect(result.attempts).toBe(1);
    });
  });

  it('send: one listener hears of every record once, with the record and its RecordId', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 10 });
    const records = makeRecords(300);
    const stored = new Map<FirehoseRecord, FirehosePutResult[]>();
    const failed: unknown[] = [];
    const listener: PutListener<FirehoseRecord, FirehosePutResult> = {
      stored: (result, record) => stored.set(record, [...(stored.get(record) ?? []), result]),
      failed: (error) => failed.push(error),
    };
    for (const record of records) producer.send(record, listener);
    await producer.close();
    expect(failed).toEqual([]);
    const byId = new Map(server.stored.map((s) => [s.recordId, decode(s.data)]));
    for (const record of records) {
      const results = stored.get(record) ?? [];
      expect(results).toHaveLength(1);
      expect(byId.get(results[0]?.recordId ?? '')).toBe(decode(record.data));
    }
    expect(() => producer.send(records[0] as FirehoseRecord, listener)).toThrow(
      ProducerClosedError,
    );
  });

  it('keeps every PutRecordBatch call within 500 records and 4 MiB', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 50 });
    const small = makeRecords(1200);
    const large = Array.from({ length: 40 }, (_, i) => ({ data: new Uint8Array(300_000).fill(i) }));
    await Promise.all([...small, ...large].map((record) => producer.put(record)));
    await producer.close();
    expect(server.limitViolations).toEqual([]);
    expect(Math.max(...server.calls.map((call) => call.records.length))).toBe(500);
    expect(Math.max(...server.calls.map((call) => call.bytes))).toBeLessThanOrEqual(4 * MiB);
    expect(Math.max(...server.calls.map((call) => call.bytes))).toBeGreaterThan(3 * MiB);
    expect(server.storedData()).toHaveLength(1240);
  });

  it('keeps every call within maxBatchRecords and maxBatchBytes, and sends a larger record alone', async () => {
    const { server, client } = context;
    const byCount = new FirehoseProducer({ deliveryStreamName, client, maxBatchRecords: 7 });
    await Promise.all(makeRecords(50).map((record) => byCount.put(record)));
    await byCount.close();
    expect(Math.max(...server.calls.map((call) => call.records.length))).toBe(7);
    server.calls.length = 0;

    const bySize = new FirehoseProducer({ deliveryStreamName, client, maxBatchBytes: 1000 });
    const records = [...makeRecords(20, 300), { data: new Uint8Array(2000) }];
    await Promise.all(records.map((record) => bySize.put(record)));
    await bySize.close();
    const sizes = server.calls.map((call) => call.bytes);
    expect(sizes.filter((bytes) => bytes > 1000)).toEqual([2000]);
    expect(Math.max(...server.calls.map((call) => call.records.length))).toBe(3);
    expect(server.storedData()).toHaveLength(50 + 21);
  });

  it('sends a lone record once lingerMs has passed, and at once on flush()', async () => {
    const { server, client } = context;
    const quick = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 20 });
    await quick.put({ data: text('alone') });
    expect(server.storedData().map(decode)).toEqual(['alone']);

    const slow = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 60_000 });
    const put = slow.put({ data: text('flushed') });
    await slow.flush();
    await expect(put).resolves.toMatchObject({ attempts: 1 });
    expect(server.storedData().map(decode)).toEqual(['alone', 'flushed']);
    await Promise.all([quick.close(), slow.close()]);
  });

  it('reports batches in events and counts in metrics, and survives a listener that throws', async () => {
    const { client } = context;
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const producer = new FirehoseProducer({ deliveryStreamName, client, logger, lingerMs: 5 });
    const batches: { userRecords: number; firehoseRecords: number; failed: number }[] = [];
    producer.on('batch_sent', (event) => batches.push(event));
    const off = producer.on('batch_sent', () => {
      throw new Error('listener bug');
    });
    await Promise.all(makeRecords(120).map((record) => producer.put(record)));
    off();
    await producer.close();
    expect(batches.reduce((sum, batch) => sum + batch.userRecords, 0)).toBe(120);
    expect(batches.every((batch) => batch.failed === 0)).toBe(true);
    expect(warnings.length).toBe(batches.length);
    expect(warnings[0]).toContain('listener bug');
    expect(producer.metrics()).toMatchObject({
      bufferedRecords: 0,
      bufferedBytes: 0,
      inFlightRequests: 0,
      recordsDelivered: 120,
      firehoseRecordsDelivered: 120,
      recordsFailed: 0,
      recordsRetried: 0,
    });
    expect(producer.metrics().putLatencyMs.p99).toBeGreaterThan(0);
  });

  it('refuses puts after close(), and Symbol.asyncDispose closes it', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 60_000 });
    const lingering = producer.put({ data: text('lingering') });
    await producer[Symbol.asyncDispose]();
    await expect(lingering).resolves.toMatchObject({ attempts: 1 });
    expect(server.storedData().map(decode)).toEqual(['lingering']);
    await expect(producer.put({ data: text('late') })).rejects.toBeInstanceOf(ProducerClosedError);
  });

  it('takes its limits from DEFAULTS', () => {
    expect(DEFAULTS.firehoseMaxBatchRecords).toBe(500);
    expect(DEFAULTS.firehoseMaxBatchBytes).toBe(4 * MiB);
    expect(DEFAULTS.firehoseMaxPackedBytes).toBe(1000 * 1024);
    expect(DEFAULTS.firehosePacking).toBe(false);
  });
});

describe('FirehoseProducer without a client', () => {
  const context = useFirehoseServer();
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('builds one from the standard configuration with SDK retries off', async () => {
    const { server } = context;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_FIREHOSE: server.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    server.callFault = () => ({ kind: 'http500' });
    const producer = new FirehoseProducer({
      deliveryStreamName,
      recordTtlMs: 150,
      initialBackoffMs: 5,
      maxBackoffMs: 20,
    });
    const error = await producer.put({ data: text('never') }).catch((e: unknown) => e);
    await producer.close();
    expect(error).toMatchObject({ name: 'RecordDeliveryError', code: 'RecordTtlExpired' });
    const attempts = (error as { attempts: unknown[] }).attempts;
    expect(attempts.length).toBeGreaterThan(1);
    // One HTTP call per attempt: the SDK did not retry on its own.
    expect(server.calls).toHaveLength(attempts.length);
  });
});
