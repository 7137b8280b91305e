import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  type ConsumerBatch,
  type FailedBatch,
  HandlerFailedError,
  KinesisConsumer,
  type KinesisConsumerEvents,
  MemoryCheckpointStore,
  SHARD_END,
} from '../src/index.js';
import { MODES, startCollecting, testOptions, text } from './support/consume.js';
import { createStream, encode, putPlain, useLocalKinesis, waitFor } from './support/local.js';

describe.each(MODES)('handler failures (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });

  /** Ten records on one shard, the fifth one poisoned; batches of three. */
  async function poisonedStream() {
    const streamName = await createStream(local.client, 1);
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 10 }, (_, i) => ({
        partitionKey: 'p',
        data: encode(i === 4 ? 'poison' : `ok-${i}`),
      })),
    );
    return streamName;
  }

  it('retries a failing batch, then stops the consumer: run() rejects with the shard and the batch position', async () => {
    const streamName = await poisonedStream();
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpoints,
        maxRecordsPerCall: 3,
        maxHandlerRetries: 2,
      }),
    );
    const failures: KinesisConsumerEvents['handler_failed'][] = [];
    consumer.on('handler_failed', (event) => failures.push(event));
    const handled: string[] = [];
    let poisoned: ConsumerBatch | undefined;
    const error = await consumer
      .run({
        eachBatch: (batch) => {
          if (batch.records.some((r) => text(r) === 'poison')) {
            poisoned = batch;
            throw new Error('cannot handle poison');
          }
          handled.push(...batch.records.map(text));
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerFailedError);
    const failed = error as HandlerFailedError;
    expect(failed.code).toBe('HandlerFailed');
    expect(failed.retriable).toBe(false);
    expect(failed.shardId).toBe('shardId-000000000000');
    expect(failed.attempts).toBe(3);
    expect((failed.cause as Error).message).toBe('cannot handle poison');
    expect(failed.position).toEqual(poisoned?.position);
    expect(failures.map((f) => [f.attempt, f.willRetry])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    // Nothing past the last batch that succeeded: a restart delivers the poisoned batch again.
    expect(handled).toEqual(['ok-0', 'ok-1', 'ok-2']);
    const lastHandled = await checkpoints.load('shardId-000000000000');
    expect(BigInt((lastHandled as { sequenceNumber: string }).sequenceNumber)).toBeLessThan(
      BigInt(failed.position.firstSequenceNumber),
    );
  });

  it('hands a batch that keeps failing to onFailedBatch, checkpoints past it and goes on', async () => {
    const streamName = await poisonedStream();
    const checkpoints = new MemoryCheckpointStore();
    const handedOff: FailedBatch[] = [];
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpoints,
        maxRecordsPerCall: 3,
        maxHandlerRetries: 1,
        onFailedBatch: (failed) => {
          handedOff.push(failed);
        },
      }),
    );
    const processed: KinesisConsumerEvents['batch_processed'][] = [];
    consumer.on('batch_processed', (event) => processed.push(event));
    const handled: string[] = [];
    const done = consumer.run({
      eachBatch: (batch) => {
        if (batch.records.some((r) => text(r) === 'poison')) throw new Error('poison');
        handled.push(...batch.records.map(text));
      },
    });
    await waitFor(() => handled.length + (handedOff[0]?.batch.records.length ?? 0) >= 10, 'all');
    await consumer.stop();
    await done;
    expect(handedOff).toHaveLength(1);
    expect(handedOff[0]?.attempts).toBe(2);
    expect(handedOff[0]?.batch.records.map(text)).toEqual(['ok-3', 'poison', 'ok-5']);
    expect(handled).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-6', 'ok-7', 'ok-8', 'ok-9']);
    expect(processed.map((p) => p.succeeded)).toEqual([true, false, true, true]);
    expect(consumer.metrics().handlerFailures).toBe(2);
  });

  it('stops with FailedBatchHandlerFailed when onFailedBatch itself throws', async () => {
    const streamName = await poisonedStream();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        maxRecordsPerCall: 3,
        maxHandlerRetries: 0,
        onFailedBatch: () => {
          throw new Error('dead-letter queue unavailable');
        },
      }),
    );
    const error = await consumer
      .run({
        eachBatch: (batch) => {
          if (batch.records.some((r) => text(r) === 'poison')) throw new Error('poison');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HandlerFailedError', code: 'FailedBatchHandlerFailed' });
  });

  it('retries eachRecord from the record that failed, not from the start of the batch', async () => {
    const streamName = await poisonedStream();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { maxRecordsPerCall: 10 }),
    );
    const calls: string[] = [];
    let failedOnce = false;
    const done = consumer.run({
      eachRecord: (record) => {
        calls.push(text(record));
        if (text(record) === 'poison' && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
      },
    });
    await waitFor(() => calls.length >= 11, 'every record');
    await consumer.stop();
    await done;
    expect(calls).toEqual([
      'ok-0',
      'ok-1',
      'ok-2',
      'ok-3',
      'poison',
      'poison',
      'ok-5',
      'ok-6',
      'ok-7',
      'ok-8',
      'ok-9',
    ]);
  });

  it('stops the other shards too when one shard fails, after their batches in flight', async () => {
    const streamName = await createStream(local.client, 2);
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: 40 }, (_, i) => ({ partitionKey: `k${i}`, data: encode(`${i}`) })),
    );
    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpoints,
        maxRecordsPerCall: 5,
        maxHandlerRetries: 0,
      }),
    );
    let lastHandled: string | undefined;
    const error = await consumer
      .run({
        eachBatch: (batch) => {
          if (batch.shardId === 'shardId-000000000001') throw new Error('shard 1 is broken');
          lastHandled = batch.records.at(-1)?.sequenceNumber;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ shardId: 'shardId-000000000001' });
    expect(await checkpoints.load('shardId-000000000001')).toBeUndefined();
    // Shard 0 finished the batch it had in flight and checkpointed exactly what it handled.
    expect(await checkpoints.load('shardId-000000000000')).toEqual(
      lastHandled === undefined ? undefined : { sequenceNumber: lastHandled },
    );
    expect(consumer.metrics().shards.every((s) => s.state === 'stopped')).toBe(true);
  });
});

/** A memory store whose `save` fails while `failing()` says so (counted in `failures`). */
class FlakyStore extends MemoryCheckpointStore {
  failures = 0;
  readonly #failing: () => boolean;

  constructor(failing: () => boolean) {
    super();
    this.#failing = failing;
  }

  override async save(shardId: string, checkpoint: Checkpoint): Promise<void> {
    if (this.#failing()) {
      this.failures += 1;
      throw Object.assign(new Error('the table is busy'), { name: 'ThrottlingException' });
    }
    await super.save(shardId, checkpoint);
  }
}

describe.each(MODES)('checkpoint store failures (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });
  const values = Array.from({ length: 12 }, (_, i) => `v${i}`);

  async function stream(): Promise<string> {
    const streamName = await createStream(local.client, 1);
    await putPlain(
      local.client,
      streamName,
      values.map((value) => ({ partitionKey: 'p', data: encode(value) })),
    );
    return streamName;
  }

  it('retries a save that fails now and then: nothing stops, the last checkpoint is stored', async () => {
    const streamName = await stream();
    let saves = 0;
    // Every other call fails: each checkpoint needs a second try.
    const store = new FlakyStore(() => saves++ % 2 === 0);
    const run = startCollecting(
      testOptions(mode, local.client, streamName, { checkpoints: store, maxRecordsPerCall: 4 }),
    );
    await waitFor(() => run.records.length === values.length, 'every record');
    await run.consumer.stop();
    await run.done;
    expect(store.failures).toBeGreaterThan(0);
    const stored = await store.load('shardId-000000000000');
    expect(stored).toEqual({ sequenceNumber: run.records.at(-1)?.sequenceNumber });
  });

  it('reports a save that keeps failing to its caller, and stores later checkpoints', async () => {
    const streamName = await stream();
    let failing = true;
    const store = new FlakyStore(() => failing);
    const errors: string[] = [];
    let batches = 0;
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpoints: store,
        checkpointing: 'manual',
        maxRecordsPerCall: 4,
      }),
    );
    const done = consumer.run({
      eachBatch: async (batch) => {
        batches += 1;
        await batch.checkpoint().catch((error: Error) => errors.push(error.name));
        failing = false; // The store recovers after the first checkpoint gave up.
      },
    });
    await waitFor(() => batches === 3, 'three batches');
    await consumer.stop();
    await done;
    expect(errors).toEqual(['ThrottlingException']);
    expect(store.failures).toBe(5); // the first try and 4 retries
    // The second and third batches' checkpoints were written despite the failed first one.
    const stored = await store.load('shardId-000000000000');
    expect(stored).toEqual({ sequenceNumber: expect.any(String) });
    expect(BigInt((stored as { sequenceNumber: string }).sequenceNumber)).toBeGreaterThan(0n);
  });
});

describe.each(MODES)('a shard that ends with records not checkpointed (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });
  const parent = 'shardId-000000000000';
  const before = Array.from({ length: 8 }, (_, i) => `p${i}`);
  const after = Array.from({ length: 6 }, (_, i) => `c${i}`);

  const put = (streamName: string, values: readonly string[]) =>
    putPlain(
      local.client,
      streamName,
      values.map((value) => ({ partitionKey: 'k', data: encode(value) })),
    );
  const split = (streamName: string) =>
    local.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: parent,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );

  /** A logger that keeps the shard end's waits (debug) and warnings. */
  function recordingLogger() {
    const waits: string[] = [];
    const warnings: string[] = [];
    const logger = {
      debug: (message: string) => {
        if (message.includes('waiting up to')) waits.push(message);
      },
      info: () => {},
      warn: (message: string) => warnings.push(message),
      error: () => {},
    };
    return { logger, waits, warnings };
  }

  it('waits for the checkpoint of its last batch, given after the handler returned, then ends: every record once', async () => {
    const streamName = await createStream(local.client, 1);
    const checkpoints = new MemoryCheckpointStore();
    const { logger, waits, warnings } = recordingLogger();
    const seen: string[] = [];
    const ended: string[] = [];
    let readingWhileWaiting: readonly string[] = [];
    let lateCheckpoint: Promise<void> | undefined;
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpoints,
        checkpointing: 'manual',
        maxRecordsPerCall: 3,
        logger,
      }),
    );
    consumer.on('shard_ended', (e) => ended.push(e.shardId));
    const done = consumer.run({
      eachBatch: async (batch) => {
        const texts = batch.records.map(text);
        seen.push(...texts);
        if (!texts.includes('p7')) {
          await batch.checkpoint();
          return;
        }
        // As a windowing engine does once the windows fed by the batch fired: the parent's last
        // batch is checkpointed after the handler returned, once the shard reached its end.
        lateCheckpoint = (async () => {
          await waitFor(() => waits.length > 0, 'the shard end to wait for the checkpoint');
          readingWhileWaiting = consumer.readingShards();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await batch.checkpoint();
        })();
      },
    });
    await put(streamName, before);
    await waitFor(() => seen.includes('p7'), "the parent's last batch");
    await split(streamName);
    await put(streamName, after);
    await waitFor(() => after.every((value) => seen.includes(value)), 'the children', 20_000);
    await lateCheckpoint;
    await consumer.stop();
    await done;
    expect(seen).toEqual([...before, ...after]);
    expect(readingWhileWaiting).toContain(parent);
    expect(await checkpoints.load(parent)).toBe(SHARD_END);
    expect(ended).toContain(parent);
    expect(warnings).toEqual([]);
  });

  it('is read again from its checkpoint when none comes within shardEndCheckpointWaitMs, so its children start once the tail is checkpointed', async () => {
    const streamName = await createStream(local.client, 1);
    await put(streamName, before);
    await split(streamName);
    await put(streamName, after);
    const { logger, warnings } = recordingLogger();
    const seen: string[] = [];
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, {
        checkpointing: 'manual',
        shardEndCheckpointWaitMs: 200,
        maxRecordsPerCall: 3,
        logger,
      }),
    );
    const done = consumer.run({
      eachBatch: async (batch) => {
        const texts = batch.records.map(text);
        // The parent's last record is left unchecked the first time it is seen.
        const firstSightOfLast = texts.includes('p7') && !seen.includes('p7');
        seen.push(...texts);
        if (!firstSightOfLast) await batch.checkpoint();
      },
    });
    await waitFor(() => after.every((value) => seen.includes(value)), 'the children', 20_000);
    await consumer.stop();
    await done;
    // The unchecked tail came again; nothing of the parent was lost, the key's order held.
    expect(seen.filter((value) => value === 'p7')).toHaveLength(2);
    expect(seen.filter((value) => value.startsWith('c'))).toEqual(after);
    expect(seen.lastIndexOf('p7')).toBeLessThan(seen.indexOf('c0'));
    expect(warnings).toHaveLength(1);
    const waitedMs = Number(/waited (\d+) ms/.exec(warnings[0] ?? '')?.[1]);
    expect(waitedMs).toBeGreaterThanOrEqual(200);
  });

  it('stops waiting for the checkpoint when the consumer stops, without ending the shard', async () => {
    const streamName = await createStream(local.client, 1);
    await put(streamName, before);
    await split(streamName);
    const checkpoints = new MemoryCheckpointStore();
    const { logger, waits, warnings } = recordingLogger();
    const consumer = new KinesisConsumer(
      testOptions(mode, local.client, streamName, { checkpoints, checkpointing: 'manual', logger }),
    );
    const done = consumer.run({ eachBatch: () => {} }); // never checkpoints
    await waitFor(() => waits.length > 0, 'the shard end to wait for the checkpoint');
    expect(consumer.readingShards()).toEqual([parent]);
    const stopping = Date.now();
    await consumer.stop();
    await done;
    // Far from the minute it would have waited.
    expect(Date.now() - stopping).toBeLessThan(2000);
    expect(await checkpoints.load(parent)).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
