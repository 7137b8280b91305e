/**
 * The subjects: kinesis-kit's producer (aggregation on and off) and the three ways users write
 * to Kinesis without it. Each is started on a fresh stream with a client of its own, is offered
 * records through `put`, and is closed after the measurement.
 */
import { awsKinesisAggSubject } from './subjects/aws-kinesis-agg.js';
import { kinesisKitSubject } from './subjects/kinesis-kit.js';
import { putRecordSubject } from './subjects/put-record.js';
import { putRecordsSubject } from './subjects/put-records.js';

/**
 * @typedef {import('./workload.js').UserRecord} UserRecord
 * @typedef {object} Writer a subject while it runs
 * @property {(record: UserRecord) => Promise<unknown>} put resolves once the record is stored,
 *   rejects if it never will be
 * @property {() => Promise<void>} close stops; every put settles before it resolves
 * @property {() => Record<string, number>} [diagnostics] the subject's own figures, read at the
 *   end of the window
 * @typedef {object} StartContext
 * @property {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @property {string} stream
 * @property {number} bufferRecords user records the subject may hold (the source never offers
 *   more before some settle)
 * @typedef {object} Subject
 * @property {string} id unique: what is measured
 * @property {string} name the subject of its result rows
 * @property {'aggregated' | 'plain' | 'both'} family the scenarios it appears in: aggregation
 *   on, off, or both (a subject that does not aggregate is measured once per record size and
 *   shard count, and compared in both)
 * @property {string} label for the report
 * @property {string} library what it uses
 * @property {string} how what it does, in a phrase
 * @property {'aggregated' | 'plain'} packing how it packs records: which ceiling applies
 * @property {(context: StartContext) => Writer} start
 */

/** Every subject, ours first. */
export const SUBJECTS = [
  kinesisKitSubject(true),
  kinesisKitSubject(false),
  putRecordSubject,
  putRecordsSubject,
  awsKinesisAggSubject,
];

/** The subject the goals apply to. */
export const OURS = 'kinesis-kit';

/** The subject ratios compare with: baseline 2, what users hand-roll. */
export const BASELINE = 'PutRecords';
