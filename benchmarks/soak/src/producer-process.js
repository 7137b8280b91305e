/**
 * The soak's producer, in its own process: `node producer-process.js ENDPOINT STREAM RATE
 * SAMPLE_MS`. Puts RATE records a second (100 B, the record's number in its first 4 bytes, keys
 * spread over the shards) through a KinesisProducer until SIGTERM, then flushes and exits.
 * Prints JSON lines: `memory` samples, and at the end `done` with what was acknowledged and
 * what failed.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '@kinesis-kit/producer';
import { ownMemory } from './memory.js';

const [endpoint, streamName, rateText, sampleText] = process.argv.slice(2);
const rate = Number(rateText);
const startedAt = performance.now();
const emit = (/** @type {object} */ line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const producer = new KinesisProducer({ streamName, client });
let sent = 0;
let acknowledged = 0;
let failed = 0;
let stopping = false;
const sampler = setInterval(
  () => emit({ type: 'memory', ...ownMemory(startedAt) }),
  Number(sampleText),
);
process.once('SIGTERM', () => {
  stopping = true;
});

// Puts paced by the clock: the n-th record is due at n / rate seconds.
while (!stopping) {
  const due = startedAt + (sent * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  while (!stopping && startedAt + (sent * 1000) / rate <= performance.now()) {
    const data = Buffer.alloc(100);
    data.writeUInt32BE(sent, 0);
    producer.put({ partitionKey: `k${sent % 1024}`, data }).then(
      () => {
        acknowledged += 1;
      },
      () => {
        failed += 1;
      },
    );
    sent += 1;
  }
}
await producer.close();
clearInterval(sampler);
emit({ type: 'done', sent, acknowledged, failed });
client.destroy();
