import { describe, expect, it } from 'vitest';
import { FirehoseProducer, RecordDeliveryError } from '../../src/index.js';
import {
  decode,
  Gate,
  makeRecords,
  sorted,
  text,
  track,
  useFirehoseServer,
} from './support/helpers.js';

const deliveryStreamName = 'test-stream';

describe('FirehoseProducer back-pressure', () => {
  const context = useFirehoseServer();

  it('makes put wait while maxBufferedRecords are held, never holding more in flight', async () => {
    const { server, client } = context;
    const gate = new Gate();
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 0,
      maxBatchRecords: 5,
      // Without the buffer bound, 8 calls of 5 records could be in flight: 40 > 20.
      maxInFlightRequests: 8,
      maxBufferedRecords: 20,
    });
    let mostBuffered = 0;
    server.beforeAnswer = async () => {
      mostBuffered = Math.max(mostBuffered, producer.metrics().bufferedRecords);
      await gate.wait();
      // A slow server: each answer waits for the event loop to turn once more.
      await new Promise((resolve) => setImmediate(resolve));
    };
    const records = makeRecords(100);
    const puts = records.map((record) => track(producer.put(record)));
    await server.waitFor(() => server.inFlightEntries === 20);
    expect(producer.metrics().bufferedRecords).toBe(20);
    expect(puts.filter((put) => put.settled)).toHaveLength(0);

    const controller = new AbortController();
    const abandoned = producer.put({ data: text('abandoned') }, { signal: controller.signal });
    controller.abort();
    const error = await abandoned.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect(error).toMatchObject({ code: 'Aborted', attempts: [] });

    gate.open();
    await Promise.all(puts.map((put) => put.promise));
    await producer.close();
    expect(server.maxInFlightEntries).toBe(20);
    expect(mostBuffered).toBeLessThanOrEqual(20);
    expect(sorted(server.storedData().map(decode))).toEqual(
      sorted(records.map((record) => decode(record.data))),
    );
  });

  it('keeps buffered and in-flight bytes within maxBufferedBytes', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 0,
      maxBatchRecords: 3,
      maxBufferedBytes: 10_000,
    });
    let mostBufferedBytes = 0;
    server.beforeAnswer = () => {
      mostBufferedBytes = Math.max(mostBufferedBytes, producer.metrics().bufferedBytes);
      return new Promise((resolve) => setImmediate(resolve));
    };
    const records = makeRecords(200, 1000);
    await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(server.maxInFlightBytes).toBeLessThanOrEqual(10_000);
    expect(server.maxInFlightBytes).toBeGreaterThan(5_000);
    expect(mostBufferedBytes).toBeLessThanOrEqual(10_000);
    expect(server.storedData()).toHaveLength(200);
  });
});
