/**
 * The soak's consumer, in its own process: `node consumer-process.js ENDPOINT STREAM SAMPLE_MS`.
 * Reads the stream from TRIM_HORIZON with a KinesisConsumer (polling, defaults) and remembers
 * which record numbers it saw (a bitmap: bounded, one bit per record). Prints JSON lines:
 * `memory` samples with the count so far, and on SIGTERM `done` with the distinct records seen.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisConsumer, MemoryCheckpointStore } from '@kinesis-kit/consumer';
import { ownMemory } from './memory.js';

const [endpoint, streamName, sampleText] = process.argv.slice(2);
const startedAt = performance.now();
const emit = (/** @type {object} */ line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const consumer = new KinesisConsumer({
  streamName,
  client,
  checkpoints: new MemoryCheckpointStore(),
});
let seen = new Uint8Array(1 << 20);
let distinct = 0;
let delivered = 0;
const sampler = setInterval(
  () => emit({ type: 'memory', ...ownMemory(startedAt), distinct, delivered }),
  Number(sampleText),
);
process.once('SIGTERM', () => {
  void consumer.stop();
});
await consumer.run({
  eachBatch(batch) {
    for (const record of batch.records) {
      const n = Buffer.from(record.data).readUInt32BE(0);
      if (n >> 3 >= seen.length) {
        const grown = new Uint8Array(Math.max(seen.length * 2, (n >> 3) + 1));
        grown.set(seen);
        seen = grown;
      }
      const bit = 1 << (n & 7);
      if ((seen[n >> 3] & bit) === 0) {
        seen[n >> 3] |= bit;
        distinct += 1;
      }
      delivered += 1;
    }
  },
});
clearInterval(sampler);
emit({ type: 'done', distinct, delivered });
client.destroy();
