import { describe, expect, it } from 'vitest';
import { KinesisProducer, type PutResult } from '../src/index.js';
import { createStream, readStream, useLocalKinesis } from './support/local.js';

const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

/** Puts records at `perSec` for `seconds`, as a steady source would (it waits when `put` waits). */
async function offer(
  producer: KinesisProducer,
  perSec: number,
  seconds: number,
  make: (index: number) => { partitionKey: string; data: Uint8Array },
): Promise<{ puts: Promise<PutResult>[]; offered: number }> {
  const puts: Promise<PutResult>[] = [];
  const started = Date.now();
  let index = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * perSec);
    for (; index < due; index++) {
      const put = producer.put(make(index));
      puts.push(put);
      // A full buffer makes put wait: the source slows down with it (back-pressure).
      if (producer.metrics().bufferedRecords >= 1000)
        await Promise.race([put, new Promise((r) => setTimeout(r, 5))]);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { puts, offered: index };
}

describe('KinesisProducer within shard limits (profile aws)', () => {
  const local = useLocalKinesis({ limits: 'aws' });

  it("delivers 3x a shard's record limit offered for 10 s: nothing lost or duplicated, within the limit", async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      aggregation: false,
      maxBufferedRecords: 2000,
      recordTtlMs: 60_000,
    });
    const { puts, offered } = await offer(producer, 3000, 10, (i) => ({
      partitionKey: `k${i % 100}`,
      data: new TextEncoder().encode(`r${i}`),
    }));
    await producer.close();
    const settled = await Promise.allSettled(puts);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const stored = await readStream(local.client, streamName);
    const payloads = stored.map((r) => decode(r.data));
    expect(new Set(payloads).size).toBe(payloads.length);
    expect(payloads.length).toBe(offered);
    // Acceptance per second never exceeds the limit plus one second of burst.
    const perSecond = new Map<number, number>();
    for (const record of stored) {
      const second = Math.floor(record.approximateArrivalTimestamp.getTime() / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2000);
    const seconds =
      (stored.at(-1)?.approximateArrivalTimestamp.getTime() ?? 0) / 1000 -
      (stored[0]?.approximateArrivalTimestamp.getTime() ?? 0) / 1000;
    expect(payloads.length / Math.max(1, seconds)).toBeLessThanOrEqual(1100);
    // The producer mirrors the limit: the shard rarely has to say no (≤ 5 % of records retried).
    expect(producer.metrics().recordsRetried / payloads.length).toBeLessThanOrEqual(0.05);
  }, 60_000);

  it('keeps each partition key in put order on a shard saturated by another writer', async () => {
    const streamName = await createStream(local.client, 1);
    // Another writer shares the shard, so that the shard itself throttles the ordered producer.
    const other = new KinesisProducer({ streamName, client: local.client, aggregation: false });
    const noise = Array.from({ length: 3000 }, (_, i) =>
      other.put({ partitionKey: `noise-${i}`, data: new Uint8Array(300) }),
    );
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      ordering: 'per-partition-key',
      maxAggregatedBytes: 4096,
      lingerMs: 5,
    });
    const puts = Array.from({ length: 3000 }, (_, i) =>
      producer.put({
        partitionKey: `key-${i % 10}`,
        data: new TextEncoder().encode(`${i % 10}:${i}:${'x'.repeat(200)}`),
      }),
    );
    await Promise.all([producer.close(), other.close()]);
    await Promise.all([...puts, ...noise]);
    // The shard was saturated: its answers throttled the writers. (Ordering through throttles
    // of the ordered producer's own requests and faults: faults.test.ts.)
    const retried = producer.metrics().recordsRetried + other.metrics().recordsRetried;
    expect(retried).toBeGreaterThan(0);
    const stored = await readStream(local.client, streamName);
    const byKey = new Map<string, number[]>();
    for (const record of stored) {
      const [key, index] = decode(record.data).split(':');
      if (!key?.startsWith('noise') && index !== undefined && key !== undefined) {
        byKey.set(key, [...(byKey.get(key) ?? []), Number(index)]);
      }
    }
    expect(byKey.size).toBe(10);
    for (const indexes of byKey.values())
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  }, 60_000);

  it('makes put wait while the buffer is full, holding no more than it allows', async () => {
    const streamName = await createStream(local.client, 1);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      aggregation: false,
      maxBufferedRecords: 100,
      maxBufferedBytes: 64 * 1024,
    });
    let peakRecords = 0;
    let peakBytes = 0;
    const puts: Promise<PutResult>[] = [];
    for (let i = 0; i < 1500; i++) {
      // Each put is awaited only for admission: the loop runs as fast as the producer admits.
      const put = producer.put({ partitionKey: `k${i}`, data: new Uint8Array(500) });
      puts.push(put);
      const metrics = producer.metrics();
      peakRecords = Math.max(peakRecords, metrics.bufferedRecords);
      peakBytes = Math.max(peakBytes, metrics.bufferedBytes);
      if (metrics.bufferedRecords >= 100) await Promise.race(puts.slice(-100));
    }
    await producer.close();
    await Promise.all(puts);
    expect(peakRecords).toBeLessThanOrEqual(100);
    expect(peakBytes).toBeLessThanOrEqual(64 * 1024);
    expect((await readStream(local.client, streamName)).length).toBe(1500);
  }, 30_000);
});
