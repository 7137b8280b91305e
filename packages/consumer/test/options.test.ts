import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidArgumentError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  KinesisConsumer,
  type KinesisConsumerOptions,
  MemoryCheckpointStore,
} from '../src/index.js';

const client = { destroy() {} } as unknown as KinesisClient;
const base = { streamName: 'clicks', client, checkpoints: new MemoryCheckpointStore() };

describe('KinesisConsumer options', () => {
  it.each([
    [{ maxRecordsPerCall: 0 }, 'maxRecordsPerCall must be from 1 to 10000, got 0'],
    [{ maxRecordsPerCall: 10_001 }, 'maxRecordsPerCall must be from 1 to 10000, got 10001'],
    [{ maxRecordsPerCall: 2.5 }, 'maxRecordsPerCall must be an integer, got 2.5'],
    [{ pollIntervalMs: 100 }, 'pollIntervalMs must be from 200 to 300000, got 100'],
    [{ maxHandlerRetries: -1 }, 'maxHandlerRetries must be from 0 to 100, got -1'],
    [
      { shardEndCheckpointWaitMs: -1 },
      'shardEndCheckpointWaitMs must be from 0 to 3600000, got -1',
    ],
    [
      { shardEndCheckpointWaitMs: 3_600_001 },
      'shardEndCheckpointWaitMs must be from 0 to 3600000, got 3600001',
    ],
    [{ shardDiscoveryIntervalMs: Number.NaN }, 'shardDiscoveryIntervalMs must be from 1000'],
    [{ initialBackoffMs: 0 }, 'initialBackoffMs must be from 1 to 60000, got 0'],
    [{ mode: 'push' }, "mode must be 'polling' or 'fan-out', got \"push\""],
    [{ mode: 'fan-out' }, "mode 'fan-out' needs consumerName"],
    [{ mode: 'fan-out', consumerName: 'bad name' }, "mode 'fan-out' needs consumerName"],
    [{ consumerName: 'reader' }, "consumerName and deregisterOnStop apply to mode 'fan-out' only"],
    [
      { mode: 'fan-out', consumerName: 'reader', deregisterOnStop: 'yes' },
      'deregisterOnStop must be a boolean',
    ],
    [{ initialPosition: 'EARLIEST' }, "initialPosition must be 'TRIM_HORIZON', 'LATEST'"],
    [{ initialPosition: { timestamp: new Date('nope') } }, 'initialPosition must be'],
    [{ checkpointing: 'sometimes' }, "checkpointing must be 'auto' or 'manual'"],
    [{ checkpoints: {} }, 'checkpoints must be a CheckpointStore'],
    [{ streamName: '' }, 'streamName or streamARN must be a non-empty string'],
    [{ deaggregate: 'yes' }, 'deaggregate must be a boolean'],
    [{ onFailedBatch: 'log it' }, 'onFailedBatch must be a function'],
  ])('refuses %j, naming the option and its limit', (override, message) => {
    const create = () => new KinesisConsumer({ ...base, ...override } as KinesisConsumerOptions);
    expect(create).toThrow(InvalidArgumentError);
    expect(create).toThrow(message);
  });

  it('accepts a stream ARN and the documented defaults', () => {
    expect(
      () =>
        new KinesisConsumer({
          streamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
          client,
          checkpoints: new MemoryCheckpointStore(),
        }),
    ).not.toThrow();
    expect(DEFAULTS).toMatchObject({
      initialPosition: 'TRIM_HORIZON',
      mode: 'polling',
      maxRecordsPerCall: 10_000,
      deaggregate: true,
      checkpointing: 'auto',
      shardEndCheckpointWaitMs: 60_000,
      minReadIntervalMs: 200,
      readBytesPerSec: 2 * 1024 * 1024,
    });
  });

  it('accepts shardEndCheckpointWaitMs 0: a shard end does not wait for checkpoints', () => {
    expect(() => new KinesisConsumer({ ...base, shardEndCheckpointWaitMs: 0 })).not.toThrow();
  });

  it('refuses run() without a handler', async () => {
    const consumer = new KinesisConsumer(base);
    await expect(consumer.run({} as never)).rejects.toThrow(
      'run() needs { eachBatch } or { eachRecord }',
    );
  });
});
