import { RecordValidationError, type UserRecord } from '@kinesis-kit/records';
import { describe, expect, it, vi } from 'vitest';
import {
  DeliveryFailureCode,
  KinesisProducer,
  ProducerClosedError,
  type PutListener,
  type PutResult,
  RecordDeliveryError,
} from '../src/index.js';
import { createStream, readStream, useLocalKinesis } from './support/local.js';

const text = (value: string) => new TextEncoder().encode(value);

/** A listener that keeps every outcome, by record. */
function collector() {
  const stored = new Map<UserRecord, PutResult[]>();
  const failed = new Map<UserRecord, unknown[]>();
  const listener: PutListener<UserRecord, PutResult> = {
    stored: (result, record) => stored.set(record, [...(stored.get(record) ?? []), result]),
    failed: (error, record) => failed.set(record, [...(failed.get(record) ?? []), error]),
  };
  return { listener, stored, failed };
}

describe('KinesisProducer.send', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('tells one listener of every record, once each, with the record and where it is stored', async () => {
    const streamName = await createStream(local.client, 4);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 20 });
    const { listener, stored, failed } = collector();
    const records = Array.from({ length: 600 }, (_, i) => ({
      partitionKey: `page-${i % 30}`,
      data: text(`visit-${i}`),
    }));
    for (const record of records) producer.send(record, listener);
    // flush() waits for records handed in with send, as for put.
    await producer.flush();
    expect(failed.size).toBe(0);
    expect(stored.size).toBe(records.length);
    for (const record of records) expect(stored.get(record)).toHaveLength(1);
    const inStream = await readStream(local.client, streamName);
    expect(inStream).toHaveLength(records.length);
    const where = new Map(
      inStream.map((r) => [
        `${r.sequenceNumber}/${r.subSequenceNumber}`,
        new TextDecoder().decode(r.data),
      ]),
    );
    for (const record of records) {
      const [result] = stored.get(record) ?? [];
      expect(where.get(`${result?.sequenceNumber}/${result?.subSequenceNumber}`)).toBe(
        new TextDecoder().decode(record.data),
      );
    }
    await producer.close();
  });

  it('throws at once for a record it does not take, and never calls the listener for it', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client });
    const { listener, stored, failed } = collector();
    expect(() => producer.send({ partitionKey: '', data: text('x') }, listener)).toThrow(
      RecordValidationError,
    );
    const aborted = AbortSignal.abort(new Error('not wanted'));
    expect(() =>
      producer.send({ partitionKey: 'k', data: text('x') }, listener, { signal: aborted }),
    ).toThrow('not wanted');
    await producer.close();
    expect(() => producer.send({ partitionKey: 'k', data: text('x') }, listener)).toThrow(
      ProducerClosedError,
    );
    expect([stored.size, failed.size]).toEqual([0, 0]);
  });

  it('reports a record it cannot deliver to the listener, with the reason', async () => {
    const producer = new KinesisProducer({ streamName: 'no-such-stream', client: local.client });
    const { listener, stored, failed } = collector();
    const record = { partitionKey: 'k', data: text('lost') };
    producer.send(record, listener);
    await producer.close();
    expect(stored.size).toBe(0);
    const [error] = failed.get(record) ?? [];
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect((error as RecordDeliveryError).message).toMatch(/ResourceNotFoundException/);
  });

  it('fails a queued record whose signal aborts before it is sent, as Aborted', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 10_000 });
    const { listener, stored, failed } = collector();
    const kept = { partitionKey: 'k', data: text('kept') };
    const dropped = { partitionKey: 'k', data: text('dropped') };
    producer.send(kept, listener);
    await producer.flush();
    // Queued now (the shard map is known), waiting for its linger of 10 s.
    const controller = new AbortController();
    producer.send(dropped, listener, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    const [error] = failed.get(dropped) ?? [];
    expect(error).toBeInstanceOf(RecordDeliveryError);
    expect((error as RecordDeliveryError).code).toBe(DeliveryFailureCode.Aborted);
    await producer.close();
    expect([...stored.keys()]).toEqual([kept]);
    expect((await readStream(local.client, streamName)).map((r) => r.data)).toEqual([kept.data]);
  });

  it('a listener that throws stops nothing: the other records settle, the error is thrown again on its own', async () => {
    const streamName = await createStream(local.client, 2);
    const producer = new KinesisProducer({ streamName, client: local.client, lingerMs: 20 });
    const rethrown: (() => void)[] = [];
    const queueMicrotask = vi
      .spyOn(globalThis, 'queueMicrotask')
      .mockImplementation((callback) => rethrown.push(callback));
    const boom = new Error('listener bug');
    let calls = 0;
    const listener: PutListener<UserRecord, PutResult> = {
      stored: () => {
        calls++;
        if (calls === 1) throw boom;
      },
      failed: () => {},
    };
    try {
      for (let i = 0; i < 50; i++) {
        producer.send({ partitionKey: `k-${i}`, data: text(`${i}`) }, listener);
      }
      await producer.flush();
    } finally {
      queueMicrotask.mockRestore();
    }
    expect(calls).toBe(50);
    expect(rethrown).toHaveLength(1);
    expect(() => rethrown[0]?.()).toThrow(boom);
    expect(await readStream(local.client, streamName)).toHaveLength(50);
    await producer.close();
  });
});
