import { PendingPut } from '../shared/pending-put.js';
import type { FirehosePutResult, FirehoseRecord } from './firehose-record.js';

/**
 * A Firehose record handed to `put` or `send` and not yet settled. `recordBytes` counts data + delimiter
 * bytes, what the pack and call limits count.
 */
export class PendingFirehoseRecord extends PendingPut<FirehoseRecord, FirehosePutResult> {}
