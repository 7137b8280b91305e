import type { UserRecord } from '@kinesis-kit/records';
import { PendingPut } from '../shared/pending-put.js';

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
 * A Kinesis record handed to `put` and not yet settled. `recordBytes` counts data + partition
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
    resolve: (result: PutResult) => void,
    reject: (error: unknown) => void,
  ) {
    super(record, recordBytes, nowMs, ttlMs, resolve, reject);
    this.hashKey = hashKey;
  }
}
