import type { HashKeyRange, StoredRecord } from '@kinesis-kit/records';

/** Where a reader starts in a shard: the five GetShardIterator types. */
export type StartPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly type: 'AT_SEQUENCE_NUMBER'; readonly sequenceNumber: string }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** A shard that a closed shard's records continue in. */
export interface ChildShard {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly hashKeyRange: HashKeyRange;
}

/** What one read of a shard returned: Kinesis records as stored (aggregates not taken apart). */
export interface ReadBatch {
  readonly records: readonly StoredRecord[];
  /** How far the read is behind the shard's newest record, when the service says. */
  readonly millisBehindLatest: number | undefined;
  /** Data plus partition key bytes of `records`. */
  readonly bytes: number;
  /** Set on the last batch of a closed shard, read to its end: where its keys continue. */
  readonly childShards?: readonly ChildShard[] | undefined;
}

/**
 * The source of a shard's records, behind which polling (GetRecords) and enhanced fan-out
 * (SubscribeToShard) are interchangeable. The contract every reader keeps:
 * - batches come in shard order, and the reader fetches no further than the caller pulls (the
 *   caller pulls the next batch only after it finished the previous one);
 * - when it must re-position (an expired iterator, a renewed subscription), it resumes right
 *   after the last record it yielded, or at `start` if it yielded none;
 * - the batch that ends a closed shard carries `childShards`, and the iteration then ends;
 * - when `signal` aborts, the iteration ends without an error; failures that retrying cannot
 *   fix are thrown as `ConsumerError`s; transient ones are retried inside.
 */
export interface ShardReader {
  /**
   * Optional: called once before the first shard is read (enhanced fan-out registers or looks
   * up its stream consumer here). A rejection ends the run.
   */
  open?(signal: AbortSignal): Promise<void>;
  read(shardId: string, start: StartPosition, signal: AbortSignal): AsyncIterable<ReadBatch>;
  /** Optional: called once after every shard's reading settled. */
  close?(): Promise<void>;
}

/** Waits `ms`, or less if `signal` aborts first (never rejects). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
