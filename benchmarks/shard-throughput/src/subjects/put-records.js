/**
 * Baseline 2: what users hand-roll: batches of up to 500 records (sent when full or after the
 * linger time), `CONCURRENCY` PutRecords calls in flight, each resending its failed entries
 * after a short pause until all are stored. No aggregation.
 */
import { BatchQueue } from './batch-queue.js';
import { putRecordsUntilDone } from './resend.js';
import { BATCH_BYTES, BATCH_RECORDS, CONCURRENCY, LINGER_MS, PAUSE_MS } from './settings.js';

/** @type {import('../subjects.js').Subject} */
export const putRecordsSubject = {
  id: 'PutRecords',
  name: 'PutRecords',
  family: 'both',
  label: 'baseline 2: PutRecords ×500',
  library: '@aws-sdk/client-kinesis',
  how:
    `PutRecords of ≤ ${BATCH_RECORDS} records (linger ${LINGER_MS} ms), ${CONCURRENCY} in ` +
    `flight, failed entries resent after ${PAUSE_MS} ms until stored`,
  packing: 'plain',
  start({ client, stream }) {
    /** @type {BatchQueue<import('./resend.js').OutgoingEntry>} */
    const queue = new BatchQueue({
      maxItems: BATCH_RECORDS,
      maxBytes: BATCH_BYTES,
      lingerMs: LINGER_MS,
    });
    let stopped = false;
    const options = { pauseMs: PAUSE_MS, stopped: () => stopped };
    const loop = async () => {
      for (let batch = await queue.take(); batch; batch = await queue.take()) {
        await putRecordsUntilDone(client, stream, batch, options);
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, loop);
    return {
      put: (record) =>
        new Promise((resolve, reject) => {
          const entry = { PartitionKey: record.partitionKey, Data: record.data };
          const bytes = record.data.byteLength + Buffer.byteLength(record.partitionKey);
          queue.push({ entry, bytes, stored: () => resolve(undefined), failed: reject });
        }),
      async close() {
        stopped = true;
        const error = new Error('the writer stopped before this record was sent');
        for (const { failed } of queue.close()) failed(error);
        await Promise.all(loops);
      },
    };
  },
};
