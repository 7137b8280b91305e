/**
 * Baseline 3: aws-kinesis-agg's RecordAggregator packs user records, in arrival order, into
 * aggregates of about 1 MiB (emitted when the next record would not fit, or after the linger
 * time), sent with PutRecords as in baseline 2 (failed entries resent until stored).
 *
 * aws-kinesis-agg is not shard-aware: an aggregate goes to the shard of its first record's
 * partition key, whatever the keys of the others. Its own size check lets an aggregate's data
 * reach 1 MiB without counting the partition key, which Kinesis refuses (data + key ≤ 1 MiB):
 * like a careful user, this baseline emits an aggregate before its records pass 1 MiB less the
 * longest partition key.
 */
import { KINESIS_LIMITS } from '@kinesis-kit/records';
import awsKinesisAgg from 'aws-kinesis-agg';
import { BatchQueue } from './batch-queue.js';
import { putRecordsUntilDone } from './resend.js';
import { BATCH_BYTES, BATCH_RECORDS, CONCURRENCY, LINGER_MS, PAUSE_MS } from './settings.js';

const { RecordAggregator } = awsKinesisAgg;

/** KPL framing around the protobuf message: 4 magic bytes and a 16-byte MD5 digest. */
const FRAME_BYTES = 20;

/** Largest protobuf message of an aggregate: 1 MiB less the framing and the longest key. */
export const MAX_PROTOBUF_BYTES =
  KINESIS_LIMITS.maxRecordBytes - FRAME_BYTES - KINESIS_LIMITS.maxPartitionKeyLength;

/**
 * @typedef {{ resolve: () => void, reject: (error: unknown) => void }} Waiting a put's promise
 */

/** @type {import('../subjects.js').Subject} */
export const awsKinesisAggSubject = {
  id: 'aws-kinesis-agg',
  name: 'aws-kinesis-agg',
  family: 'aggregated',
  label: 'baseline 3: aws-kinesis-agg + PutRecords',
  library: 'aws-kinesis-agg@4.2.8',
  how:
    `RecordAggregator aggregates of ~1 MiB (linger ${LINGER_MS} ms), PutRecords with ` +
    `${CONCURRENCY} in flight, failed entries resent after ${PAUSE_MS} ms until stored`,
  packing: 'aggregated',
  start({ client, stream }) {
    /** @type {BatchQueue<import('./resend.js').OutgoingEntry>} */
    const queue = new BatchQueue({ maxItems: BATCH_RECORDS, maxBytes: BATCH_BYTES, lingerMs: 0 });
    const aggregator = new RecordAggregator();
    /** @type {Waiting[]} */
    let waiting = [];
    /** @type {NodeJS.Timeout | undefined} */
    let linger;
    let stopped = false;

    const emit = () => {
      clearTimeout(linger);
      linger = undefined;
      if (aggregator.length() === 0) return;
      const { partitionKey, data } = aggregator.build();
      const users = waiting;
      waiting = [];
      queue.push({
        entry: { PartitionKey: partitionKey, Data: data },
        bytes: data.byteLength + Buffer.byteLength(partitionKey),
        stored: () => {
          for (const user of users) user.resolve();
        },
        failed: (error) => {
          for (const user of users) user.reject(error);
        },
      });
    };
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
          const size = aggregator.calculateUserRecordSize(record);
          if (aggregator.totalBytes + size > MAX_PROTOBUF_BYTES) emit();
          aggregator.addUserRecord(record);
          waiting.push({ resolve: () => resolve(undefined), reject });
          linger ??= setTimeout(emit, LINGER_MS);
        }),
      async close() {
        stopped = true;
        clearTimeout(linger);
        const error = new Error('the writer stopped before this record was sent');
        for (const user of waiting) user.reject(error);
        aggregator.clearRecords();
        for (const { failed } of queue.close()) failed(error);
        await Promise.all(loops);
      },
    };
  },
};
