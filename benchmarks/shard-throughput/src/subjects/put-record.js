/**
 * Baseline 1: one PutRecord call per user record, `CONCURRENCY` calls in flight, a throttled
 * record sent again after a short pause.
 */
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { BatchQueue } from './batch-queue.js';
import { sleep } from './resend.js';
import { CONCURRENCY, PAUSE_MS } from './settings.js';

/** @type {import('../subjects.js').Subject} */
export const putRecordSubject = {
  id: 'PutRecord',
  name: 'PutRecord',
  family: 'plain',
  label: 'baseline 1: PutRecord',
  library: '@aws-sdk/client-kinesis',
  how: `PutRecord per record, ${CONCURRENCY} in flight, throttled ones resent after ${PAUSE_MS} ms`,
  packing: 'plain',
  start({ client, stream }) {
    /**
     * @type {BatchQueue<{ bytes: number, record: import('../workload.js').UserRecord,
     *   resolve: () => void, reject: (error: unknown) => void }>}
     */
    const queue = new BatchQueue({ maxItems: 1, maxBytes: Number.POSITIVE_INFINITY, lingerMs: 0 });
    let stopped = false;
    const loop = async () => {
      for (let batch = await queue.take(); batch; batch = await queue.take()) {
        for (const { record, resolve, reject } of batch) {
          const input = {
            StreamName: stream,
            PartitionKey: record.partitionKey,
            Data: record.data,
          };
          for (;;) {
            try {
              await client.send(new PutRecordCommand(input));
              resolve();
              break;
            } catch (error) {
              const throttled = /** @type {Error} */ (error)?.name?.endsWith(
                'ThroughputExceededException',
              );
              if (!throttled || stopped) {
                reject(error);
                break;
              }
              await sleep(PAUSE_MS);
            }
          }
        }
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, loop);
    return {
      put: (record) =>
        new Promise((resolve, reject) => queue.push({ bytes: 0, record, resolve, reject })),
      async close() {
        stopped = true;
        const error = new Error('the writer stopped before this record was sent');
        for (const { reject } of queue.close()) reject(error);
        await Promise.all(loops);
      },
    };
  },
};
