// A consumer in its own process, for the crash test: node consumer-child.mjs ENDPOINT STREAM
// CHECKPOINT_FILE OUTPUT_FILE [HANG_AFTER], reading in the mode CONSUMER_MODE names (polling by
// default; fan-out reads as the stream consumer `crash-test`). It appends one JSON line per batch it handled (written before the
// handler returns, so before the batch's checkpoint) and one per checkpoint written; SIGTERM
// stops it cleanly. With HANG_AFTER, the handler that brings the count of handled records to it
// never returns (the process is to be killed in it, between handling and checkpointing). It imports the built package, as a user would.
import { appendFileSync } from 'node:fs';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { FileCheckpointStore, KinesisConsumer } from '../../dist/index.js';

const [endpoint, streamName, checkpointPath, outputPath, hangAfter] = process.argv.slice(2);
let handled = 0;
const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const mode = process.env.CONSUMER_MODE ?? 'polling';
const consumer = new KinesisConsumer({
  streamName,
  mode,
  ...(mode === 'fan-out' ? { consumerName: 'crash-test' } : {}),
  client,
  checkpoints: new FileCheckpointStore({ path: checkpointPath }),
  maxRecordsPerCall: 25,
  pollIntervalMs: 200,
  shardDiscoveryIntervalMs: 1000,
});
const write = (line) => appendFileSync(outputPath, `${JSON.stringify(line)}\n`);
consumer.on('checkpoint_written', ({ shardId, checkpoint }) =>
  write({ type: 'checkpoint', shardId, checkpoint }),
);
process.once('SIGTERM', () => void consumer.stop());
await consumer.run({
  eachBatch: async (batch) => {
    write({
      type: 'batch',
      shardId: batch.shardId,
      values: batch.records.map((record) => new TextDecoder().decode(record.data)),
    });
    handled += batch.records.length;
    if (hangAfter !== undefined && handled >= Number(hangAfter)) {
      write({ type: 'hanging', shardId: batch.shardId });
      await new Promise(() => {});
    }
  },
});
client.destroy();
