import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '@kinesis-kit/producer';
import { aggregate } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import {
  type ConsumerBatch,
  type ConsumerRecord,
  KinesisConsumer,
  type KinesisConsumerEvents,
  MemoryCheckpointStore,
  SHARD_END,
} from '../src/index.js';
import { theirAggregate } from './support/aws-kinesis-agg.js';
import { byKey, MODES, startCollecting, testOptions, text } from './support/consume.js';
import { createStream, encode, putPlain, useLocalKinesis, waitFor } from './support/local.js';

const positionOf = (record: ConsumerRecord) => ({
  sequenceNumber: record.sequenceNumber,
  subSequenceNumber: record.subSequenceNumber,
});

/** Whether each shard's records come in strictly increasing (sequence, sub-sequence) order. */
function inShardOrder(records: readonly ConsumerRecord[]): boolean {
  const last = new Map<string, ConsumerRecord>();
  for (const record of records) {
    const previous = last.get(record.shardId);
    if (previous) {
      const a = BigInt(previous.sequenceNumber);
      const b = BigInt(record.sequenceNumber);
      if (a > b) return false;
      if (a === b && (previous.subSequenceNumber ?? -1) >= (record.subSequenceNumber ?? -1)) {
        return false;
      }
    }
    last.set(record.shardId, record);
  }
  return true;
}

describe.each(MODES)('KinesisConsumer (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });

  it('delivers plain records and aggregates from KinesisProducer and aws-kinesis-agg, each user record once, in order per key', async () => {
    const streamName = await createStream(local.client, 2);
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    const expected: { key: string; value: string }[] = [];
    const plain = Array.from({ length: 60 }, (_, i) => {
      const key = keys[i % keys.length] as string;
      expected.push({ key, value: `plain-${i}` });
      return { partitionKey: key, data: encode(`plain-${i}`) };
    });
    await putPlain(local.client, streamName, plain);
    const producer = new KinesisProducer({
      streamName,
      client: local.client,
      aggregation: true,
      ordering: 'per-partition-key',
      lingerMs: 20,
    });
    const puts = Array.from({ length: 300 }, (_, i) => {
      const key = keys[i % keys.length] as string;
      expected.push({ key, value: `producer-${i}` });
      return producer.put({ partitionKey: key, data: encode(`producer-${i}`) });
    });
    const results = await Promise.all(puts);
    await producer.close();
    expect(results.some((result) => result.subSequenceNumber !== undefined)).toBe(true);
    // aws-kinesis-agg aggregates one key's records (they land on one shard, in order).
    for (const key of keys.slice(0, 3)) {
      const users = Array.from({ length: 20 }, (_, i) => {
        expected.push({ key, value: `agg-${key}-${i}` });
        return { partitionKey: key, data: Buffer.from(`agg-${key}-${i}`) };
      });
      const aggregates = theirAggregate(users);
      await local.client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: aggregates.map((a) => ({ PartitionKey: a.partitionKey, Data: a.data })),
        }),
      );
    }

    const run = startCollecting(testOptions(mode, local.client, streamName));
    await waitFor(() => run.records.length >= expected.length, 'every record');
    await run.consumer.stop();
    await run.done;

    expect(run.records.length).toBe(expected.length);
    const received = byKey(run.records);
    for (const key of keys) {
      expect(received.get(key)).toEqual(expected.filter((e) => e.key === key).map((e) => e.value));
    }
    expect(inShardOrder(run.records)).toBe(true);
    const aggregated = run.records.filter((r) => text(r).startsWith('agg-'));
    expect(aggregated.every((r) => r.subSequenceNumber !== undefined)).toBe(true);
    const plainOnes = run.records.filter((r) => text(r).startsWith('plain-'));
    expect(plainOnes.every((r) => r.subSequenceNumber === undefined)).toBe(true);
  });

  it('reads 16 shards in parallel, each record once, with no listener warnings', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const streamName = await createStream(local.client, 16);
      const values = Array.from({ length: 320 }, (_, i) => ({
        partitionKey: `key-${i}`,
        data: encode(String(i)),
      }));
      await putPlain(local.client, streamName, values);
      const run = startCollecting(
        testOptions(mode, local.client, streamName, { maxRecordsPerCall: 5 }),
      );
      await waitFor(() => run.records.length >= values.length, 'every record');
      await run.consumer.stop();
      expect(new Set(run.records.map((r) => r.shardId)).size).toBe(16);
      expect(run.records.map(text).sort((a, b) => Number(a) - Number(b))).toEqual(
        values.map((_, i) => String(i)),
      );
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('hands over Kinesis records untouched with deaggregate: false', async () => {
    const streamName = await createStream(local.client, 1);
    const packed = {
      partitionKey: 'a',
      data: aggregate([
        { partitionKey: 'a', data: encode('one') },
        { partitionKey: 'a', data: encode('two') },
      ]),
    };
    await putPlain(local.client, streamName, [packed]);
    const run = startCollecting(
      testOptions(mode, local.client, streamName, { deaggregate: false }),
    );
    await waitFor(() => run.records.length >= 1, 'the aggregate');
    await run.consumer.stop();
    expect(run.records).toHaveLength(1);
    expect(Buffer.from(run.records[0]?.data ?? []).equals(Buffer.from(packed.data))).toBe(true);
  });

  it('runs eachRecord in order and checkpoints each shard at its last record', async () => {
    const streamName = await createStream(local.client, 3);
    const values = Array.from({ length: 150 }, (_, i) => ({
      partitionKey: `k${i % 7}`,
      data: encode(String(i)),
    }));
    await putPlain(local.client, streamName, values);
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { checkpoints, maxRecordsPerCall: 20 }),
    );
    const seen: ConsumerRecord[] = [];
    const done = consumer.run({ eachRecord: (record) => void seen.push(record) });
    await waitFor(() => seen.length >= values.length, 'every record');
    await consumer.stop();
    await done;
    expect(seen.map(text).sort((a, b) => Number(a) - Number(b))).toEqual(
      values.map((_, i) => String(i)),
    );
    const stored = await checkpoints.loadAll();
    const lastPerShard = new Map(seen.map((record) => [record.shardId, record]));
    expect(stored.size).toBe(lastPerShard.size);
    for (const [shardId, record] of lastPerShard) {
      expect(stored.get(shardId)).toEqual({ sequenceNumber: record.sequenceNumber });
    }
  });

  it('resumes after a stop exactly where the checkpoints are: nothing twice, nothing missed', async () => {
    const streamName = await createStream(local.client, 2);
    const values = Array.from({ length: 400 }, (_, i) => ({
      partitionKey: `k${i % 9}`,
      data: encode(String(i)),
    }));
    await putPlain(local.client, streamName, values);
    const checkpoints = new MemoryCheckpointStore();
    const options = testOptions(mode, local.client, streamName, {
      checkpoints,
      maxRecordsPerCall: 25,
    });
    // Handlers wait once 100 records are in, until stop() is under way: the stop then lands
    // mid-stream however fast records arrive (fan-out pushes all 400 within milliseconds).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = startCollecting(options, async () => {
      if (first.records.length >= 100) await gate;
    });
    await waitFor(() => first.records.length >= 100, 'some records');
    const stopping = first.consumer.stop();
    release();
    await stopping;
    await first.done;
    expect(first.records.length).toBeLessThan(values.length);

    const second = startCollecting(options);
    await waitFor(
      () => first.records.length + second.records.length >= values.length,
      'the rest of the records',
    );
    await second.consumer.stop();
    const all = [...first.records, ...second.records].map(text);
    expect(all.length).toBe(values.length);
    expect(new Set(all).size).toBe(values.length);
    // Each shard continues right after the first consumer's last record of it.
    for (const shardId of new Set(second.records.map((r) => r.shardId))) {
      const lastBefore = first.records.filter((r) => r.shardId === shardId).at(-1);
      const firstAfter = second.records.find((r) => r.shardId === shardId);
      if (lastBefore && firstAfter) {
        expect(BigInt(firstAfter.sequenceNumber)).toBeGreaterThan(
          BigInt(lastBefore.sequenceNumber),
        );
      }
    }
  });

  it('resumes inside an aggregate after a manual checkpoint at one of its records', async () => {
    const streamName = await createStream(local.client, 1);
    const packed = {
      partitionKey: 'p',
      data: aggregate(
        Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'p', data: encode(`u${i}`) })),
      ),
    };
    await putPlain(local.client, streamName, [
      packed,
      { partitionKey: 'p', data: encode('after') },
    ]);
    const checkpoints = new MemoryCheckpointStore();
    const options = testOptions(mode, local.client, streamName, {
      checkpoints,
      checkpointing: 'manual',
    });
    const first = new KinesisConsumer(options);
    let checkpointed = false;
    const firstRun = first.run({
      eachBatch: async (batch) => {
        if (checkpointed) return;
        await batch.checkpoint(batch.records[3]);
        checkpointed = true;
      },
    });
    await waitFor(() => checkpointed, 'the manual checkpoint');
    await first.stop();
    await firstRun;
    const [stored] = (await checkpoints.loadAll()).values();
    expect(stored).toMatchObject({ subSequenceNumber: 3 });

    const starts: KinesisConsumerEvents['shard_started'][] = [];
    const second = new KinesisConsumer({ ...options, checkpointing: 'auto' });
    second.on('shard_started', (event) => starts.push(event));
    const seen: string[] = [];
    const secondRun = second.run({ eachRecord: (record) => void seen.push(text(record)) });
    await waitFor(() => seen.length >= 7, 'the records after the checkpoint');
    await second.stop();
    await secondRun;
    expect(seen).toEqual(['u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'after']);
    expect(starts[0]?.start.type).toBe('AT_SEQUENCE_NUMBER');
  });

  it('refuses a checkpoint below an earlier one or at a record of another batch', async () => {
    const streamName = await createStream(local.client, 1);
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 4 }, (_, i) => ({ partitionKey: 'p', data: encode(`${i}`) })),
    );
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpointing: 'manual',
        maxRecordsPerCall: 2,
      }),
    );
    const errors: string[] = [];
    let previous: ConsumerBatch | undefined;
    let batches = 0;
    const done = consumer.run({
      eachBatch: async (batch) => {
        await batch.checkpoint();
        if (previous) {
          await previous.checkpoint().catch((e: Error) => errors.push(e.name));
          const own = previous.records[0] as ConsumerRecord;
          await batch.checkpoint(own).catch((e: Error) => errors.push(e.name));
        }
        previous = batch;
        batches += 1;
      },
    });
    await waitFor(() => batches >= 2, 'two batches');
    await consumer.stop();
    await done;
    expect(errors).toEqual(['InvalidCheckpointError', 'InvalidCheckpointError']);
  });

  it('stop() waits for the handler in flight, then checkpoints its batch', async () => {
    const streamName = await createStream(local.client, 1);
    await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('only') }]);
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { checkpoints }),
    );
    let release = () => {};
    let entered = false;
    let last: ConsumerRecord | undefined;
    const done = consumer.run({
      eachBatch: (batch) =>
        new Promise<void>((resolve) => {
          entered = true;
          last = batch.records.at(-1);
          release = resolve;
        }),
    });
    await waitFor(() => entered, 'the handler to start');
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    // Let every timer and I/O callback due now run: stop() must still be waiting.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(await checkpoints.loadAll()).toEqual(new Map());
    release();
    await stopping;
    await done;
    expect(await checkpoints.load('shardId-000000000000')).toEqual(
      last && { sequenceNumber: last.sequenceNumber },
    );
  });

  it('batches() yields one batch at a time and checkpoints a batch when the next is asked for', async () => {
    const streamName = await createStream(local.client, 2);
    const values = Array.from({ length: 120 }, (_, i) => ({
      partitionKey: `k${i % 5}`,
      data: encode(String(i)),
    }));
    await putPlain(local.client, streamName, values);
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { checkpoints, maxRecordsPerCall: 15 }),
    );
    const seen: ConsumerRecord[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    for await (const batch of consumer.batches()) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push(...batch.records);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (seen.length >= values.length) {
        await batch.checkpoint();
        break;
      }
    }
    expect(maxInFlight).toBe(1);
    expect(seen.map(text).sort((a, b) => Number(a) - Number(b))).toEqual(
      values.map((_, i) => `${i}`),
    );
    const stored = await checkpoints.loadAll();
    for (const [shardId, record] of new Map(seen.map((r) => [r.shardId, r]))) {
      expect(stored.get(shardId)).toEqual({ sequenceNumber: record.sequenceNumber });
    }
  });

  it('batches().readingShards() lists every shard being read, also those that gave no batch yet', async () => {
    const streamName = await createStream(local.client, 3);
    // All records on one shard: the other two are read but give nothing.
    await putPlain(local.client, streamName, [{ partitionKey: 'only', data: encode('0') }]);
    const consumer = new KinesisConsumer(testOptions(mode, local.client, streamName));
    const batches = consumer.batches();
    expect(batches.readingShards()).toEqual([]);
    const first = await batches.next();
    expect(first.done).toBe(false);
    const { shardId } = (first.value as ConsumerBatch).records[0] as ConsumerRecord;
    expect([...batches.readingShards()].sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(batches.readingShards()).toContain(shardId);
    expect(consumer.readingShards()).toEqual(batches.readingShards());
    await batches.return?.();
    expect(consumer.readingShards()).toEqual([]);
  });

  it('leaving the batches() loop early does not checkpoint the batch in hand', async () => {
    const streamName = await createStream(local.client, 1);
    await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('x') }]);
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { checkpoints }),
    );
    await expect(
      (async () => {
        for await (const _batch of consumer.batches()) throw new Error('processing failed');
      })(),
    ).rejects.toThrow('processing failed');
    expect(await checkpoints.loadAll()).toEqual(new Map());
  });

  it('batches() throws what stops the consumer', async () => {
    const consumer = new KinesisConsumer(testOptions(mode, local.client, 'no-such-stream'));
    const iterate = async () => {
      for await (const _batch of consumer.batches()) {
        // no batch can come
      }
    };
    await expect(iterate()).rejects.toMatchObject({
      name: 'KinesisRequestError',
      awsCode: 'ResourceNotFoundException',
    });
  });

  it('starts at LATEST: only records written after it started are delivered', async () => {
    const streamName = await createStream(local.client, 2);
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: `k${i}`, data: encode(`old-${i}`) })),
    );
    const run = startCollecting(
      testOptions(mode, local.client, streamName, { initialPosition: 'LATEST' }),
    );
    // Every shard has been read once: its iterator is positioned.
    await waitFor(
      () =>
        run.consumer.metrics().shards.length === 2 &&
        run.consumer.metrics().shards.every((s) => s.millisBehindLatest !== undefined),
      'a first read of every shard',
    );
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: `k${i}`, data: encode(`new-${i}`) })),
    );
    await waitFor(() => run.records.length >= 30, 'the new records');
    await run.consumer.stop();
    expect(run.records.map(text).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `new-${i}`).sort(),
    );
  });

  it('emits typed events and reports per-shard metrics', async () => {
    const streamName = await createStream(local.client, 2);
    const values = Array.from({ length: 90 }, (_, i) => ({
      partitionKey: `k${i % 11}`,
      data: encode(`v${i}`),
    }));
    await putPlain(local.client, streamName, values);
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { maxRecordsPerCall: 10 }),
    );
    const processed: KinesisConsumerEvents['batch_processed'][] = [];
    const written: KinesisConsumerEvents['checkpoint_written'][] = [];
    const started: string[] = [];
    consumer.on('batch_processed', (event) => processed.push(event));
    consumer.on('checkpoint_written', (event) => written.push(event));
    consumer.on('shard_started', (event) => started.push(event.shardId));
    const unsubscribe = consumer.on('batch_processed', () => {
      throw new Error('a listener that throws breaks nothing');
    });
    let count = 0;
    const done = consumer.run({
      eachBatch: (batch) => {
        count += batch.records.length;
      },
    });
    await waitFor(() => count >= values.length, 'every record');
    unsubscribe();
    await consumer.stop();
    await done;
    expect(started.sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(processed.reduce((sum, e) => sum + e.records, 0)).toBe(values.length);
    expect(processed.every((e) => e.succeeded && e.records <= 10)).toBe(true);
    expect(written).toHaveLength(processed.length);
    const metrics = consumer.metrics();
    expect(metrics.recordsProcessed).toBe(values.length);
    expect(metrics.shards).toHaveLength(2);
    for (const shard of metrics.shards) {
      expect(shard.state).toBe('stopped');
      expect(shard.checkpointLagRecords).toBe(0);
      expect(shard.millisBehindLatest).toBe(0);
      expect(shard.msSinceCheckpoint).toBeGreaterThanOrEqual(0);
    }
    const bytes = processed.reduce((sum, e) => sum + e.bytes, 0);
    expect(bytes).toBe(
      values.reduce((sum, v) => sum + v.data.byteLength + v.partitionKey.length, 0),
    );
  });

  it('reports as checkpoint lag the records handled and not covered by a manual checkpoint', async () => {
    const streamName = await createStream(local.client, 1);
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: 'p', data: encode(`${i}`) })),
    );
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpointing: 'manual',
        maxRecordsPerCall: 10,
      }),
    );
    let batches = 0;
    const done = consumer.run({
      eachBatch: async (batch) => {
        batches += 1;
        if (batches === 1) await batch.checkpoint(batch.records[4]);
      },
    });
    await waitFor(() => consumer.metrics().recordsProcessed >= 30, 'every record');
    await consumer.stop();
    await done;
    expect(consumer.metrics().shards[0]).toMatchObject({
      recordsProcessed: 30,
      checkpointLagRecords: 25,
    });
  });

  it('refuses a second run() and a run() after stop()', async () => {
    const streamName = await createStream(local.client, 1);
    const consumer = new KinesisConsumer(testOptions(mode, local.client, streamName));
    const done = consumer.run({ eachBatch: () => {} });
    await expect(consumer.run({ eachBatch: () => {} })).rejects.toMatchObject({
      name: 'ConsumerStateError',
    });
    await consumer.stop();
    await done;
    await expect(consumer.run({ eachBatch: () => {} })).rejects.toMatchObject({
      name: 'ConsumerStateError',
    });
  });

  it('stops through Symbol.asyncDispose and an aborted signal', async () => {
    const streamName = await createStream(local.client, 1);
    const controller = new AbortController();
    let resolved = false;
    {
      await using consumer = new KinesisConsumer(testOptions(mode, local.client, streamName));
      const done = consumer.run({ eachBatch: () => {} }, { signal: controller.signal });
      controller.abort();
      await done;
      resolved = true;
    }
    expect(resolved).toBe(true);
    const store = new MemoryCheckpointStore();
    {
      await using consumer = new KinesisConsumer(
        testOptions(mode, local.client, streamName, { checkpoints: store }),
      );
      void consumer.run({ eachBatch: () => {} });
    }
    expect(await store.loadAll()).toEqual(new Map());
  });

  it('marks nothing as SHARD_END on an open shard', async () => {
    const streamName = await createStream(local.client, 1);
    await putPlain(local.client, streamName, [{ partitionKey: 'p', data: encode('x') }]);
    const checkpoints = new MemoryCheckpointStore();
    const run = startCollecting(testOptions(mode, local.client, streamName, { checkpoints }));
    await waitFor(() => run.records.length === 1, 'the record');
    await run.consumer.stop();
    expect(await checkpoints.load('shardId-000000000000')).not.toBe(SHARD_END);
    expect(positionOf(run.records[0] as ConsumerRecord).subSequenceNumber).toBeUndefined();
  });
});
