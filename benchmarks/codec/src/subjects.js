/**
 * The two codecs behind one interface, each used the way its documentation shows, with the same
 * inputs: user records whose data are Buffers, and Kinesis records as GetRecords returns them.
 */
import { deaggregate, RecordAggregator } from '@kinesis-kit/records';
import {
  RecordAggregator as AwsRecordAggregator,
  deaggregateSync as awsDeaggregateSync,
} from 'aws-kinesis-agg';

/**
 * @typedef {import('./workloads.js').UserRecord} UserRecord
 * @typedef {{ partitionKey: string, data: Uint8Array }} EncodedRecord
 * @typedef {{ partitionKey: string, data: Buffer, sequenceNumber: string,
 *   approximateArrivalTimestamp: Date, shardId: string }} KinesisRecord
 * @typedef {object} Subject
 * @property {string} name
 * @property {string} library package and version
 * @property {Record<string, number>} budget how large the subject builds aggregates
 * @property {(records: UserRecord[]) => EncodedRecord[]} aggregate packs every record
 * @property {(records: KinesisRecord[]) => number} deaggregate unpacks every record, verifying
 *   checksums; returns the number of user records
 * @property {(records: KinesisRecord[]) => UserRecord[]} decode unpacks every record into
 *   plain `{ partitionKey, data: Buffer }` user records (untimed verification)
 */

/** aws-kinesis-agg's fixed limit: 1 MiB minus magic number and digest, for the protobuf part. */
export const AWS_MAX_PROTOBUF_BYTES = 1_048_576 - 16 - 4;

/**
 * Our byte budget (data + partition key 'a' + explicit hash key of the emitted record), set
 * just below 1 MiB so that both codecs build aggregates of about the same size.
 */
export const OUR_MAX_AGGREGATED_BYTES = 1_048_576 - 64;

/** @type {Subject} */
export const kinesisKit = {
  name: 'kinesis-kit',
  library: '@kinesis-kit/records',
  budget: { maxAggregatedBytes: OUR_MAX_AGGREGATED_BYTES },
  aggregate(records) {
    const aggregator = new RecordAggregator({ maxAggregatedBytes: OUR_MAX_AGGREGATED_BYTES });
    const output = [];
    for (const record of records) {
      if (aggregator.tryAdd(record)) continue;
      const encoded = aggregator.flush();
      if (encoded) output.push(encoded);
      if (!aggregator.tryAdd(record)) throw new Error('a user record exceeds the budget alone');
    }
    const last = aggregator.flush();
    if (last) output.push(last);
    return output;
  },
  deaggregate(records) {
    let count = 0;
    for (const record of records) count += deaggregate(record).length;
    return count;
  },
  decode(records) {
    return records.flatMap((record) =>
      deaggregate(record).map((user) => ({
        partitionKey: user.partitionKey,
        data: Buffer.from(user.data),
      })),
    );
  },
};

/** @type {Subject} */
export const awsKinesisAgg = {
  name: 'aws-kinesis-agg',
  library: 'aws-kinesis-agg@4.2.8',
  budget: { maxProtobufBytes: AWS_MAX_PROTOBUF_BYTES },
  aggregate(records) {
    const aggregator = new AwsRecordAggregator();
    /** @type {EncodedRecord[]} */
    const output = [];
    // The callback runs synchronously, once per aggregate, inside aggregateRecords.
    aggregator.aggregateRecords(records, true, (error, encoded) => {
      if (error) throw error;
      output.push(encoded);
    });
    return output;
  },
  deaggregate(records) {
    let count = 0;
    for (const record of records) {
      awsDeaggregateSync(record, true, (error, userRecords) => {
        if (error) throw error;
        count += userRecords.length;
      });
    }
    return count;
  },
  decode(records) {
    /** @type {UserRecord[]} */
    const output = [];
    for (const record of records) {
      awsDeaggregateSync(record, true, (error, userRecords) => {
        if (error) throw error;
        for (const user of userRecords) {
          output.push({ partitionKey: user.partitionKey, data: Buffer.from(user.data, 'base64') });
        }
      });
    }
    return output;
  },
};

/** Ours first, then the baseline. */
export const SUBJECTS = [kinesisKit, awsKinesisAgg];

const SEQUENCE_PREFIX = '4959033827149025660855969253836157109592157598913';

/**
 * Kinesis records as a consumer reads them from one shard, carrying the encoded records' data.
 * @param {EncodedRecord[]} encoded
 * @returns {KinesisRecord[]}
 */
export function toKinesisRecords(encoded) {
  const approximateArrivalTimestamp = new Date('2026-01-01T00:00:00Z');
  return encoded.map((record, index) => ({
    partitionKey: record.partitionKey,
    data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength),
    sequenceNumber: SEQUENCE_PREFIX + String(index).padStart(7, '0'),
    approximateArrivalTimestamp,
    shardId: 'shardId-000000000000',
  }));
}
