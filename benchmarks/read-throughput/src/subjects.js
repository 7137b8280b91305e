/**
 * What reads the stream: KinesisConsumer polling and with enhanced fan-out, both with their
 * defaults, and the GetRecords loop users write by hand. Each delivers the records it reads to
 * `onRecords` as its handler would see them.
 */

import { setTimeout as delay } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { KinesisConsumer, MemoryCheckpointStore } from '@kinesis-kit/consumer';
import { clientFor } from './client.js';

/**
 * @typedef {{ data: Uint8Array, partitionKey: string, shardId: string }} ReadRecord
 * @typedef {object} ReadContext
 * @property {string} endpoint
 * @property {string} streamName
 * @property {'TRIM_HORIZON' | 'LATEST'} initialPosition
 * @property {(records: readonly ReadRecord[]) => void} onRecords
 * @typedef {{ stop: () => Promise<void> }} Reading
 * @typedef {{ name: string, start: (context: ReadContext) => Promise<Reading> }} Subject
 */

/**
 * @param {'polling' | 'fan-out'} mode
 * @returns {Subject}
 */
function kinesisConsumer(mode) {
  return {
    name: `kinesis-kit ${mode}`,
    async start({ endpoint, streamName, initialPosition, onRecords }) {
      const client = clientFor(endpoint);
      const consumer = new KinesisConsumer({
        streamName,
        client,
        checkpoints: new MemoryCheckpointStore(),
        initialPosition,
        mode,
        ...(mode === 'fan-out' ? { consumerName: 'read-bench' } : {}),
      });
      const running = consumer.run({ eachBatch: (batch) => onRecords(batch.records) });
      return {
        async stop() {
          await consumer.stop();
          await running;
          client.destroy();
        },
      };
    },
  };
}

/** AWS advises at least 200 ms between GetRecords calls of one consumer; 5 calls/s per shard. */
const LOOP_INTERVAL_MS = 200;
/** What the hand-rolled loop waits after ProvisionedThroughputExceeded. */
const LOOP_THROTTLED_WAIT_MS = 1000;

/** @type {Subject} */
const getRecordsLoop = {
  name: 'baseline: GetRecords loop',
  async start({ endpoint, streamName, initialPosition, onRecords }) {
    const client = clientFor(endpoint);
    const stopping = new AbortController();
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    const loops = Shards.map(async ({ ShardId }) => {
      const sleep = (/** @type {number} */ ms) =>
        delay(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
      let { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId,
          ShardIteratorType: initialPosition,
        }),
      );
      while (ShardIterator && !stopping.signal.aborted) {
        try {
          const output = await client.send(new GetRecordsCommand({ ShardIterator }), {
            abortSignal: stopping.signal,
          });
          onRecords(
            (output.Records ?? []).map((record) => ({
              data: record.Data ?? new Uint8Array(0),
              partitionKey: record.PartitionKey ?? '',
              shardId: /** @type {string} */ (ShardId),
            })),
          );
          ShardIterator = output.NextShardIterator;
          await sleep(LOOP_INTERVAL_MS);
        } catch (error) {
          if (stopping.signal.aborted) return;
          if (/** @type {Error} */ (error).name !== 'ProvisionedThroughputExceededException') {
            throw error;
          }
          await sleep(LOOP_THROTTLED_WAIT_MS);
        }
      }
    });
    const done = Promise.all(loops);
    // A failed loop is reported by stop(), not as an unhandled rejection in the meantime.
    done.catch(() => undefined);
    return {
      async stop() {
        stopping.abort();
        await done;
        client.destroy();
      },
    };
  },
};

/** Every subject, in the order the report lists them. */
export const SUBJECTS = [kinesisConsumer('polling'), kinesisConsumer('fan-out'), getRecordsLoop];
