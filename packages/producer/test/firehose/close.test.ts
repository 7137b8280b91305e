import { describe, expect, it } from 'vitest';
import { FirehoseProducer, ProducerClosedError, RecordDeliveryError } from '../../src/index.js';
import {
  decode,
  Gate,
  makeRecords,
  seededRandom,
  text,
  track,
  useFirehoseServer,
} from './support/helpers.js';

const deliveryStreamName = 'test-stream';

describe('FirehoseProducer close()', () => {
  const context = useFirehoseServer();

  it('delivers or reports every record in flight, queued or waiting for room', async () => {
    const { server, client } = context;
    const gate = new Gate();
    const random = seededRandom(3);
    server.beforeAnswer = () => gate.wait();
    server.callFault = (_call, index) => (index === 1 ? { kind: 'http500' } : undefined);
    server.entryFault = (data) => {
      if (decode(data).startsWith('event-13')) return 'RecordTooOdd';
      return random() < 0.2 ? 'ServiceUnavailableException' : undefined;
    };
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 1000,
      maxBatchRecords: 50,
      maxBufferedRecords: 150,
      initialBackoffMs: 2,
      maxBackoffMs: 10,
    });
    const records = makeRecords(300);
    const puts = records.map((record) => track(producer.put(record)));
    // 150 buffered (in flight once close() flushes), 150 waiting for room.
    expect(producer.metrics().bufferedRecords).toBe(150);
    const closing = producer.close();
    await expect(producer.put(records[0] as { data: Uint8Array })).rejects.toBeInstanceOf(
      ProducerClosedError,
    );
    await server.waitFor(() => server.inFlightEntries === 150);
    gate.open();
    await closing;

    expect(puts.filter((put) => !put.settled)).toHaveLength(0);
    const stored = server.storedData().map(decode);
    expect(new Set(stored).size).toBe(stored.length);
    const delivered = puts.filter((put) => put.error === undefined);
    const failed = puts.filter((put) => put.error !== undefined);
    expect(stored).toHaveLength(delivered.length);
    expect(
      failed
        .map((put) => decode((put.error as RecordDeliveryError<{ data: Uint8Array }>).record.data))
        .sort(),
    ).toEqual(
      records
        .map((record) => decode(record.data))
        .filter((value) => value.startsWith('event-13'))
        .sort(),
    );
    for (const put of failed) {
      expect(put.error).toBeInstanceOf(RecordDeliveryError);
      expect(put.error).toMatchObject({ code: 'NonRetriable' });
      expect((put.error as RecordDeliveryError).attempts.at(-1)?.errorCode).toBe('RecordTooOdd');
    }
    expect(producer.metrics()).toMatchObject({ bufferedRecords: 0, inFlightRequests: 0 });
  });

  it('waits for puts still waiting for buffer room, and delivers them', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      lingerMs: 60_000,
      maxBufferedRecords: 1,
    });
    const first = track(producer.put({ data: text('first') }));
    const second = track(producer.put({ data: text('second') }));
    expect(producer.metrics().bufferedRecords).toBe(1);
    await producer.close();
    expect(first.settled && second.settled).toBe(true);
    expect(second.error).toBeUndefined();
    expect(server.storedData().map(decode)).toEqual(['first', 'second']);
  });
});
