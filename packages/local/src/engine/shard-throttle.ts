import type { LimitsProfile } from './limits-profile.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A shard's throughput limits as AWS defines them: writes of 1,000 records/s and 1 MiB/s
 * (data + partition key) as token buckets holding one second of capacity; reads of 5 calls/s,
 * and 2 MiB/s as a debt: a read of B bytes blocks further reads for B / 2 MiB seconds, which is
 * the 5 s penalty after a 10 MiB read.
 */
export class ShardThrottle {
  readonly #limits: LimitsProfile;
  readonly #writeRecords: TokenBucket;
  readonly #writeBytes: TokenBucket;
  readonly #readCalls: TokenBucket;
  readonly #iteratorCalls: TokenBucket;
  #readBlockedUntilMs = 0;

  constructor(limits: LimitsProfile, nowMs: number) {
    this.#limits = limits;
    this.#writeRecords = new TokenBucket(
      limits.shardWriteRecordsPerSec,
      limits.shardWriteRecordsPerSec,
      nowMs,
    );
    this.#writeBytes = new TokenBucket(
      limits.shardWriteBytesPerSec,
      limits.shardWriteBytesPerSec,
      nowMs,
    );
    this.#readCalls = new TokenBucket(
      limits.shardReadCallsPerSec,
      limits.shardReadCallsPerSec,
      nowMs,
    );
    this.#iteratorCalls = new TokenBucket(
      limits.getShardIteratorCallsPerSec,
      limits.getShardIteratorCallsPerSec,
      nowMs,
    );
  }

  /** Admits a record of `bytes` (data + partition key) if both write buckets allow it. */
  tryWrite(bytes: number, nowMs: number): boolean {
    if (!this.#limits.throttle) return true;
    // A record larger than a second of capacity (UpdateMaxRecordSize) needs a full bucket.
    const needed = Math.min(bytes, this.#writeBytes.capacity);
    if (this.#writeRecords.available(nowMs) < 1 || this.#writeBytes.available(nowMs) < needed) {
      return false;
    }
    this.#writeRecords.take(1, nowMs);
    this.#writeBytes.take(bytes, nowMs);
    return true;
  }

  /** Admits a GetRecords call unless the call rate or the byte debt forbids it. */
  tryRead(nowMs: number): boolean {
    if (!this.#limits.throttle) return true;
    if (nowMs < this.#readBlockedUntilMs) return false;
    return this.#readCalls.tryTake(1, nowMs);
  }

  /** Charges the bytes a GetRecords call returned against the 2 MiB/s read limit. */
  chargeRead(bytes: number, nowMs: number): void {
    if (!this.#limits.throttle || bytes === 0) return;
    const from = Math.max(nowMs, this.#readBlockedUntilMs);
    this.#readBlockedUntilMs = from + (bytes * 1000) / this.#limits.shardReadBytesPerSec;
  }

  /** Admits a GetShardIterator call. */
  tryGetIterator(nowMs: number): boolean {
    if (!this.#limits.throttle) return true;
    return this.#iteratorCalls.tryTake(1, nowMs);
  }
}
