import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type ConsumerBatch,
  type ConsumerRecord,
  KinesisConsumer,
  type KinesisConsumerOptions,
  MemoryCheckpointStore,
} from '../../src/index.js';

/** The read modes the behavioural suites run in. */
export const MODES = ['polling', 'fan-out'] as const;
export type Mode = (typeof MODES)[number];

/** Options every test consumer shares: fast polling against the local endpoint. */
export function testOptions(
  mode: Mode,
  client: KinesisClient,
  streamName: string,
  overrides: Partial<KinesisConsumerOptions> = {},
): KinesisConsumerOptions {
  return {
    streamName,
    client,
    mode,
    ...(mode === 'fan-out' ? { consumerName: 'test-consumer' } : {}),
    checkpoints: new MemoryCheckpointStore(),
    pollIntervalMs: 200,
    initialBackoffMs: 10,
    maxBackoffMs: 200,
    shardDiscoveryIntervalMs: 1000,
    ...overrides,
  } as KinesisConsumerOptions;
}

/** A consumer running `run({ eachBatch })` that collects every batch it gets. */
export function startCollecting(
  options: KinesisConsumerOptions,
  onBatch: (batch: ConsumerBatch) => void | Promise<void> = () => {},
) {
  const consumer = new KinesisConsumer(options);
  const batches: ConsumerBatch[] = [];
  const records: ConsumerRecord[] = [];
  const done = consumer.run({
    eachBatch: async (batch) => {
      await onBatch(batch);
      batches.push(batch);
      records.push(...batch.records);
    },
  });
  // Surfaced by the test that awaits it; this keeps an early rejection from going unhandled.
  done.catch(() => {});
  return { consumer, batches, records, done };
}

/** The text of a record's data. */
export const text = (record: ConsumerRecord) => new TextDecoder().decode(record.data);

/** Values grouped by partition key, in the order received. */
export function byKey(records: readonly ConsumerRecord[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const record of records) {
    const group = groups.get(record.partitionKey) ?? [];
    group.push(text(record));
    groups.set(record.partitionKey, group);
  }
  return groups;
}
