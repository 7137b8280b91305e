import { RecordQueue } from '../shared/record-queue.js';
import type { PendingRecord } from './pending-record.js';
import type { ShardRateLimiter } from './shard-rate-limiter.js';

/**
 * The records waiting for one predicted shard, oldest first, with what governs when they may
 * go: the shard's rate limiter, a backoff after a failure, and (for ordered producers) whether
 * a request to the shard is in flight.
 */
export class ShardQueue extends RecordQueue<PendingRecord> {
  readonly shardId: string;
  readonly limiter: ShardRateLimiter;
  /** Requests in flight that carry records of this shard. */
  inFlight = 0;
  /** No request to this shard before this time (backoff after a failure). */
  notBeforeMs = 0;

  constructor(shardId: string, limiter: ShardRateLimiter) {
    super();
    this.shardId = shardId;
    this.limiter = limiter;
  }
}
