import { setImmediate as nextTurn } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StoredRecord, UserRecord } from '@kinesis-kit/records';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  DeliveryFailureCode,
  KinesisProducer,
  ProducerClosedError,
  type PutResult,
  RecordDeliveryError,
} from '../src/index.js';
import {
  type FaultPlan,
  type FaultProxy,
  proxiedClient,
  startFaultProxy,
} from './support/fault-proxy.js';
import { createStream, readCaughtUp, readStream, useLocalKinesis } from './support/local.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The error codes the proxy's faults surface as (a dropped connection is the SDK's TimeoutError). */
const INJECTED_ERROR_CODES = [
  // Delays can outlast a record's TTL: the producer then abandons the request.
  'RequestTimeout',
  'InternalFailure',
  'ProvisionedThroughputExceededException',
  'TimeoutError',
  'ECONNRESET',
  'EPIPE',
];

/** Records numbered in put order; the number and the key are the first fields of the data. */
function numberedRecords(count: number, keys: number, dataBytes: number): UserRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const partitionKey = `key-${index % keys}`;
    return {
      partitionKey,
      data: encoder.encode(`${index}:${partitionKey}:`.padEnd(dataBytes, '.')),
    };
  });
}

const numberOf = (record: { data: Uint8Array }) =>
  Number(decoder.decode(record.data).split(':')[0]);

/** How a put settled, and how long it took. */
type Settled =
  | { ok: true; value: PutResult; ms: number }
  | { ok: false; error: unknown; ms: number };

/** Puts every record at once; resolves with each outcome, in put order. */
function putAll(
  producer: KinesisProducer,
  records: readonly UserRecord[],
  settledFlags?: boolean[],
): Promise<Settled[]> {
  return Promise.all(
    records.map((record, index) => {
      const startedMs = Date.now();
      return producer.put(record).then(
        (value): Settled => {
          if (settledFlags) settledFlags[index] = true;
          return { ok: true, value, ms: Date.now() - startedMs };
        },
        (error: unknown): Settled => {
          if (settledFlags) settledFlags[index] = true;
          return { ok: false, error, ms: Date.now() - startedMs };
        },
      );
    }),
  );
}

/** A proxy in front of the local endpoint, and a client through it; both closed after the test. */
async function useProxy(
  upstream: string,
  seed: number,
  faults: FaultPlan,
): Promise<{ proxy: FaultProxy; client: KinesisClient }> {
  const proxy = await startFaultProxy({ upstream, seed, faults });
  const client = proxiedClient(proxy.url);
  onTestFinished(async () => {
    client.destroy();
    await proxy.close();
  });
  return { proxy, client };
}

const positionOf = (shardId: string, sequenceNumber: string, subSequenceNumber?: number) =>
  `${shardId}/${sequenceNumber}/${subSequenceNumber ?? '-'}`;

/**
 * The records the producer itself sent in a request it abandoned (no answer before the TTL):
 * they may have been stored although no answer said so, which at least once allows.
 */
function trackAbandoned(producer: KinesisProducer): Set<number> {
  const abandoned = new Set<number>();
  producer.on('record_retried', ({ record, attempt }) => {
    if (attempt.errorCode === 'RequestTimeout') abandoned.add(numberOf(record));
  });
  producer.on('record_failed', ({ error }) => {
    if (error.attempts.some((a) => a.errorCode === 'RequestTimeout')) {
      abandoned.add(numberOf(error.record));
    }
  });
  return abandoned;
}

/**
 * At least once, and no more than the transport lied: every acknowledged record is stored where
 * its put said, and every other stored record is one the proxy stored without acknowledging it.
 */
function expectAtLeastOnce(
  records: readonly UserRecord[],
  outcomes: readonly Settled[],
  stored: readonly StoredRecord[],
  proxy: FaultProxy,
  abandoned: ReadonlySet<number>,
): { duplicates: number; unacknowledged: StoredRecord[] } {
  const byPosition = new Map(
    stored.map((record) => [
      positionOf(record.shardId, record.sequenceNumber, record.subSequenceNumber),
      record,
    ]),
  );
  expect(byPosition.size, 'two stored records share a position').toBe(stored.length);
  const claimed = new Set<string>();
  outcomes.forEach((outcome, index) => {
    if (!outcome.ok) return;
    const { shardId, sequenceNumber, subSequenceNumber } = outcome.value;
    const position = positionOf(shardId, sequenceNumber, subSequenceNumber);
    const found = byPosition.get(position);
    expect(found, `record ${index} was acknowledged at ${position} but is not there`).toBeDefined();
    expect(decoder.decode(found?.data)).toBe(decoder.decode(records[index]?.data));
    expect(found?.partitionKey).toBe(records[index]?.partitionKey);
    expect(claimed.has(position), `two puts were acknowledged at ${position}`).toBe(false);
    claimed.add(position);
  });
  const unacknowledged = stored.filter(
    (record) =>
      !claimed.has(positionOf(record.shardId, record.sequenceNumber, record.subSequenceNumber)),
  );
  const lies = unacknowledged.filter((record) => !abandoned.has(numberOf(record)));
  for (const record of unacknowledged) {
    expect(
      proxy.unacknowledgedSequenceNumbers.has(record.sequenceNumber) ||
        abandoned.has(numberOf(record)),
      `record ${numberOf(record)} at ${record.sequenceNumber} was stored without an acknowledgement the proxy withheld`,
    ).toBe(true);
    expect(decoder.decode(record.data)).toBe(decoder.decode(records[numberOf(record)]?.data));
  }
  const outerRecords = new Set(lies.map((record) => record.sequenceNumber));
  expect(outerRecords.size).toBeLessThanOrEqual(proxy.counters().unacknowledgedEntries);
  const distinct = new Set(stored.map((record) => decoder.decode(record.data)));
  const duplicates = stored.length - distinct.size;
  expect(duplicates).toBeLessThanOrEqual(unacknowledged.length);
  return { duplicates, unacknowledged };
}

/** A rejected put reports the record, every try, and the last error. */
function expectReportedFailure(error: unknown, record: UserRecord | undefined, putAtMs?: number) {
  expect(error).toBeInstanceOf(RecordDeliveryError);
  const failure = error as RecordDeliveryError<UserRecord>;
  expect(failure.code).toBe(DeliveryFailureCode.RecordTtlExpired);
  expect(failure.record).toBe(record);
  expect(failure.lastError).toBeDefined();
  expect(failure.cause).toBe(failure.lastError);
  if (failure.attempts.length === 0) {
    // Its shard was backing off after failures the whole time: it was never sent.
    expect(failure.message).toMatch(/it waited for its shard/);
    return;
  }
  for (const attempt of failure.attempts) {
    expect(INJECTED_ERROR_CODES).toContain(attempt.errorCode);
    expect(attempt.errorMessage.length).toBeGreaterThan(0);
    if (putAtMs !== undefined) expect(attempt.sentAtMs).toBeGreaterThanOrEqual(putAtMs);
  }
  const last = failure.attempts.at(-1);
  expect(failure.message).toContain(last?.errorCode);
}

/** Checks that, per key, the first stored copy of each record comes in put order. */
function expectPutOrderPerKey(stored: readonly StoredRecord[]): number {
  const seen = new Set<number>();
  const lastByKey = new Map<string, number>();
  let checked = 0;
  for (const record of stored) {
    const number = numberOf(record);
    if (seen.has(number)) continue; // A copy stored again after the transport lied.
    seen.add(number);
    const previous = lastByKey.get(record.partitionKey) ?? -1;
    expect(
      number,
      `record ${number} of ${record.partitionKey} is stored after record ${previous}`,
    ).toBeGreaterThan(previous);
    lastByKey.set(record.partitionKey, number);
    checked++;
  }
  return checked;
}

describe('KinesisProducer on a network that drops, delays and fails requests', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it.each([
    { aggregation: true, shards: 3, count: 3000, seed: 11 },
    { aggregation: false, shards: 4, count: 1500, seed: 23 },
  ])(
    'settles every put and loses no acknowledged record (aggregation $aggregation)',
    { timeout: 15_000 },
    async ({ aggregation, shards, count, seed }) => {
      const streamName = await createStream(local.client, shards);
      const { proxy, client } = await useProxy(local.kinesis.endpoint, seed, {
        delay: 0.3,
        delayMs: [2, 20],
        dropBeforeForward: 0.08,
        internalFailure: 0.08,
        throttle: 0.05,
        dropAfterForward: 0.08,
        failEntry: 0.1,
      });
      const producer = new KinesisProducer({
        streamName,
        client,
        aggregation,
        lingerMs: 5,
        maxAggregatedBytes: 4096,
        maxBatchRecords: aggregation ? 4 : 25,
        initialBackoffMs: 10,
        maxBackoffMs: 100,
        recordTtlMs: 400,
      });
      const abandoned = trackAbandoned(producer);
      const records = numberedRecords(count, 37, 80);

      const outcomes = await putAll(producer, records);
      await producer.close();

      const stored = await readStream(local.client, streamName);
      const { duplicates, unacknowledged } = expectAtLeastOnce(
        records,
        outcomes,
        stored,
        proxy,
        abandoned,
      );
      const failed = outcomes.flatMap((outcome, index) => (outcome.ok ? [] : [{ outcome, index }]));
      for (const { outcome, index } of failed) {
        if (!outcome.ok) expectReportedFailure(outcome.error, records[index]);
      }
      for (const outcome of outcomes) {
        if (outcome.ok) expect(outcome.value.attempts).toBeGreaterThanOrEqual(1);
      }
      const metrics = producer.metrics();
      expect(metrics.recordsDelivered).toBe(count - failed.length);
      expect(metrics.recordsFailed).toBe(failed.length);
      expect(metrics.bufferedRecords).toBe(0);
      // The faults did happen, and records were both delivered and retried through them.
      const counters = proxy.counters();
      expect(counters.droppedBeforeForward).toBeGreaterThan(0);
      expect(counters.internalFailures).toBeGreaterThan(0);
      expect(counters.throttled).toBeGreaterThan(0);
      expect(counters.droppedAfterForward).toBeGreaterThan(0);
      expect(counters.rewrittenEntries).toBeGreaterThan(0);
      expect(counters.delayed).toBeGreaterThan(0);
      expect(metrics.recordsRetried).toBeGreaterThan(0);
      expect(outcomes.some((outcome) => outcome.ok && outcome.value.attempts > 1)).toBe(true);
      expect(failed.length).toBeLessThan(count);
      expect(duplicates).toBeGreaterThan(0);
      expect(unacknowledged.length).toBeGreaterThan(0);
    },
  );

  it('slows a shard once per throttled answer, not once per entry in it', async () => {
    const streamName = await createStream(local.client, 1);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 67, {
      operations: ['PutRecords'],
      throttle: 1,
      maxFaults: 1,
    });
    const producer = new KinesisProducer({
      streamName,
      client,
      aggregation: false,
      lingerMs: 5,
      initialBackoffMs: 10,
    });
    // Put at once, the 20 records go in one request, which the proxy throttles.
    const records = numberedRecords(20, 4, 40);

    const outcomes = await putAll(producer, records);
    await producer.close();

    expect(proxy.counters().throttled).toBe(1);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const [shard] = Object.values(producer.metrics().shards);
    // One throttled answer, one multiplicative decrease (× 0.7); not 0.7^20, down to the floor.
    expect(shard?.rateFactor).toBeGreaterThanOrEqual(0.7);
  });
});

describe('KinesisProducer when every request fails', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const recordTtlMs = 300;
  const maxBackoffMs = 200;

  it('rejects every put with RecordTtlExpired, its attempts and the last error, soon after recordTtlMs', async () => {
    const streamName = await createStream(local.client, 2);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 31, {
      operations: ['PutRecords'],
      dropBeforeForward: 0.25,
      internalFailure: 0.25,
      throttle: 0.25,
      dropAfterForward: 0.25,
    });
    const producer = new KinesisProducer({
      streamName,
      client,
      lingerMs: 5,
      initialBackoffMs: 20,
      maxBackoffMs,
      recordTtlMs,
    });
    const abandoned = trackAbandoned(producer);
    const records = numberedRecords(200, 10, 40);
    const putAtMs = Date.now();

    const outcomes = await putAll(producer, records);
    await producer.close();

    outcomes.forEach((outcome, index) => {
      expect(outcome.ok, `put ${index} resolved through a proxy that fails everything`).toBe(false);
      if (outcome.ok) return;
      expectReportedFailure(outcome.error, records[index], putAtMs);
      // Retried until the TTL: more than one try, and not much past the TTL.
      expect((outcome.error as RecordDeliveryError).attempts.length).toBeGreaterThanOrEqual(2);
      expect(outcome.ms).toBeLessThan(recordTtlMs + maxBackoffMs + 500);
    });
    expect(producer.metrics().recordsFailed).toBe(records.length);
    const stored = await readStream(local.client, streamName);
    expectAtLeastOnce(records, outcomes, stored, proxy, abandoned);
  });

  it('rejects every put with RecordTtlExpired when not even the shards can be listed', async () => {
    const streamName = await createStream(local.client, 2);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 37, { internalFailure: 1 });
    const producer = new KinesisProducer({
      streamName,
      client,
      initialBackoffMs: 20,
      maxBackoffMs,
      recordTtlMs,
    });
    const records = numberedRecords(20, 5, 40);

    const outcomes = await putAll(producer, records);
    await producer.close();

    outcomes.forEach((outcome, index) => {
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expectReportedFailure(outcome.error, records[index]);
      expect((outcome.error as RecordDeliveryError).lastError).toMatchObject({
        name: 'InternalFailure',
      });
      expect(outcome.ms).toBeLessThan(recordTtlMs + maxBackoffMs + 500);
    });
    expect(proxy.counters().forwarded).toBe(0);
  });

  it('rejects puts whose request never comes back once recordTtlMs has passed', async () => {
    const streamName = await createStream(local.client, 1);
    // Held for 2 s: for a 300 ms TTL, a request that never comes back.
    const { client } = await useProxy(local.kinesis.endpoint, 41, {
      operations: ['PutRecords'],
      delay: 1,
      delayMs: [2000, 2000],
    });
    const producer = new KinesisProducer({ streamName, client, lingerMs: 5, recordTtlMs });
    const records = numberedRecords(10, 2, 40);

    const outcomes = await putAll(producer, records);

    for (const outcome of outcomes) {
      expect(outcome.ms, 'the put settled long after recordTtlMs').toBeLessThan(recordTtlMs + 1000);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'RecordTtlExpired' });
    }
    await producer.close();
  });
});

describe('KinesisProducer on a shard loaded above its limits', () => {
  const local = useLocalKinesis({ limits: 'aws' });

  it("stores each key's records in put order through drops, 500s, throttles and failed entries", {
    timeout: 10_000,
  }, async () => {
    const streamName = await createStream(local.client, 1);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 55, {
      operations: ['PutRecords'],
      delay: 0.2,
      delayMs: [1, 10],
      dropBeforeForward: 0.05,
      internalFailure: 0.05,
      throttle: 0.005,
      dropAfterForward: 0.05,
      failEntry: 0.1,
    });
    // Another writer takes the shard's burst first, so that the shard itself throttles ours.
    const other = new KinesisProducer({ streamName, client: local.client, lingerMs: 1 });
    await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        other.put({ partitionKey: `other-${index % 7}`, data: new Uint8Array(1000) }),
      ),
    );
    const producer = new KinesisProducer({
      streamName,
      client,
      ordering: 'per-partition-key',
      lingerMs: 2,
      initialBackoffMs: 10,
      maxBackoffMs: 100,
    });
    const abandoned = trackAbandoned(producer);
    let throttles = 0;
    producer.on('shard_throttled', () => throttles++);
    // 1.2 MB at once, on a shard that takes 1 MiB/s and has no burst left.
    const records = numberedRecords(1200, 24, 1000);

    const outcomes = await putAll(producer, records);
    await producer.close();
    await other.close();

    const stored = (await readCaughtUp(local.client, streamName)).filter((record) =>
      record.partitionKey.startsWith('key-'),
    );
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    expectAtLeastOnce(records, outcomes, stored, proxy, abandoned);
    expect(expectPutOrderPerKey(stored)).toBe(records.length);
    const counters = proxy.counters();
    expect(counters.upstreamThrottledEntries).toBeGreaterThan(0);
    expect(counters.throttled).toBeGreaterThan(0);
    expect(counters.droppedAfterForward + counters.rewrittenEntries).toBeGreaterThan(0);
    expect(throttles).toBe(counters.upstreamThrottledEntries + counters.throttled);
  });

  it("stores a key's records in put order when the first ListShards fails", async () => {
    const streamName = await createStream(local.client, 1);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 59, {
      operations: ['ListShards'],
      internalFailure: 1,
      maxFaults: 1,
    });
    const producer = new KinesisProducer({
      streamName,
      client,
      ordering: 'per-partition-key',
      lingerMs: 5,
      initialBackoffMs: 20,
    });
    const records = numberedRecords(50, 1, 40);

    const outcomes = await putAll(producer, records);
    await producer.close();

    expect(proxy.counters().internalFailures).toBe(1);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const stored = await readCaughtUp(local.client, streamName);
    expect(stored.map(numberOf)).toEqual(records.map((_, index) => index));
  });

  it('settles every put within recordTtlMs while its records wait for the shard', async () => {
    const streamName = await createStream(local.client, 1);
    const recordTtlMs = 500;
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      lingerMs: 5,
      recordTtlMs,
    });
    // 2 MB at once: the shard takes 1 MiB/s, so most of it cannot go within the TTL.
    const records = numberedRecords(2000, 10, 1000);

    const outcomes = await putAll(producer, records);
    await producer.close();

    const late = outcomes.filter((outcome) => outcome.ms > recordTtlMs + 300);
    expect(
      late.length,
      `${late.length} puts settled after ${recordTtlMs} ms (slowest ${Math.max(...late.map((o) => o.ms))} ms)`,
    ).toBe(0);
    for (const outcome of outcomes) {
      if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'RecordTtlExpired' });
    }
  });
});

describe('KinesisProducer closed while requests are in flight', () => {
  const local = useLocalKinesis({ limits: 'off' });

  it('settles every put before close() resolves, delivered or with a RecordDeliveryError', async () => {
    const streamName = await createStream(local.client, 2);
    const { proxy, client } = await useProxy(local.kinesis.endpoint, 61, {
      operations: ['PutRecords'],
      delay: 1,
      delayMs: [100, 250],
      internalFailure: 0.15,
      dropAfterForward: 0.1,
      failEntry: 0.1,
    });
    const producer = new KinesisProducer({
      streamName,
      client,
      lingerMs: 20,
      maxInFlightRequests: 2,
      maxBatchRecords: 5,
      maxAggregatedBytes: 2048,
      initialBackoffMs: 20,
      maxBackoffMs: 100,
      recordTtlMs: 800,
    });
    const abandoned = trackAbandoned(producer);
    const records = numberedRecords(600, 12, 60);
    const settled = records.map(() => false);

    const outcomesSettled = putAll(producer, records, settled);
    await proxy.whenRequests(1, 'PutRecords');
    expect(producer.metrics().inFlightRequests).toBeGreaterThan(0);
    expect(producer.metrics().bufferedRecords).toBe(records.length);
    await producer.close();
    // One turn of the event loop runs every reaction to a put that settled before close() did.
    await nextTurn();

    const unsettled = settled.flatMap((done, index) => (done ? [] : [index]));
    expect(unsettled, 'puts still pending after close()').toEqual([]);
    const outcomes = await outcomesSettled;
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) expectReportedFailure(outcome.error, records[index]);
    });
    expect(outcomes.some((outcome) => outcome.ok)).toBe(true);
    const metrics = producer.metrics();
    expect(metrics.bufferedRecords).toBe(0);
    expect(metrics.inFlightRequests).toBe(0);
    expect(metrics.recordsDelivered + metrics.recordsFailed).toBe(records.length);
    await expect(producer.put(records[0] as UserRecord)).rejects.toBeInstanceOf(
      ProducerClosedError,
    );
    expectAtLeastOnce(
      records,
      outcomes,
      await readStream(local.client, streamName),
      proxy,
      abandoned,
    );
  });
});
