import type { UserRecord } from '@kinesis-kit/records';
import { PendingPut, type PutListener } from '../shared/pending-put.js';
import type { PutTracker } from '../shared/put-tracker.js';

/** Where a delivered record was stored. */
export interface PutResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Position in the KPL aggregate that carried it; absent when it was sent plain. */
  readonly subSequenceNumber?: number | undefined;
  /** Tries it took, the successful one included. */
  readonly attempts: number;
}

/**
 * A Kinesis record handed to `put` or `send` and not yet settled. `recordBytes` counts data + partition
 * key bytes, what the shard limits count; the hash key says which shard's queue it waits in,
 * again after a retry or a reshard.
 */
export class PendingRecord extends PendingPut<UserRecord, PutResult> {
  readonly hashKey: bigint;

  constructor(
    record: UserRecord,
    recordBytes: number,
    hashKey: bigint,
    nowMs: number,
    ttlMs: number,
    listener: PutListener<UserRecord, PutResult>,
    tracker: PutTracker,
    epoch: number,
  ) {
    super(record, recordBytes, nowMs, ttlMs, listener, tracker, epoch);
    this.hashKey = hashKey;
  }
}
