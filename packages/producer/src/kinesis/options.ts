import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '@kinesis-kit/records';
import { InvalidArgumentError, KINESIS_LIMITS } from '@kinesis-kit/records';
import { DEFAULTS } from '../defaults.js';
import { checkRanges } from '../shared/check-ranges.js';
import type { StreamAddress } from './shard-directory.js';

/** Options of {@link KinesisProducer}. Every one but the stream has a default (`defaults.ts`). */
export type KinesisProducerOptions = ({ streamName: string } | { streamARN: string }) & {
  /**
   * The client to send with. Without one, the producer builds one with
   * {@link createKeepAliveKinesisClient}: from the standard configuration (credential chain,
   * `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`), with SDK retries off, because the producer
   * retries itself, entry by entry, and connections kept open between calls; and destroys it
   * on close.
   */
  readonly client?: KinesisClient;
  /** Pack user records into KPL aggregates per predicted shard. @default true */
  readonly aggregation?: boolean;
  /** Byte budget of an aggregate (data + partition key + explicit hash key). @default 51200 */
  readonly maxAggregatedBytes?: number;
  /** Kinesis records per PutRecords request (≤ 500). @default 500 */
  readonly maxBatchRecords?: number;
  /** Bytes (data + partition keys) per PutRecords request. @default 5242880 */
  readonly maxBatchBytes?: number;
  /** Longest a record waits for companions before it is sent. @default 100 */
  readonly lingerMs?: number;
  /** Longest a record may take to be delivered, retries included. @default 30000 */
  readonly recordTtlMs?: number;
  /**
   * `'per-partition-key'`: records of one partition key are stored in the order `put` was called,
   * even across retries and throttling — at most one request in flight per shard, one entry per
   * shard per request (use aggregation, or throughput per shard drops to one record per round
   * trip). `'none'`: fastest; a retried record may land after a later one of the same key.
   * @default 'none'
   */
  readonly ordering?: 'none' | 'per-partition-key';
  /** Bytes held (handed to `put`, not settled); when full, `put` waits. @default 16777216 */
  readonly maxBufferedBytes?: number;
  /** Records held; when full, `put` waits. @default 20000 */
  readonly maxBufferedRecords?: number;
  /** PutRecords requests in flight at once. @default 8 */
  readonly maxInFlightRequests?: number;
  /**
   * A PutRecords request not answered within this time (or before the TTL of its oldest record)
   * is abandoned and its records retried: it may still have been stored (at least once).
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /** How often the shard map is reloaded. @default 60000 */
  readonly shardMapRefreshMs?: number;
  /** First retry delay; later ones double, with jitter. @default 100 */
  readonly initialBackoffMs?: number;
  /** Longest retry delay. @default 5000 */
  readonly maxBackoffMs?: number;
  /** Where listener errors and warnings go. @default silent */
  readonly logger?: Logger;
};

export interface ResolvedOptions {
  readonly stream: StreamAddress;
  readonly aggregation: boolean;
  readonly maxAggregatedBytes: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly lingerMs: number;
  readonly recordTtlMs: number;
  readonly ordered: boolean;
  readonly maxBufferedBytes: number;
  readonly maxBufferedRecords: number;
  readonly maxInFlightRequests: number;
  readonly requestTimeoutMs: number;
  readonly shardMapRefreshMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export function resolveOptions(options: KinesisProducerOptions): ResolvedOptions {
  const stream: StreamAddress =
    'streamARN' in options ? { StreamARN: options.streamARN } : { StreamName: options.streamName };
  const resolved: ResolvedOptions = {
    stream,
    aggregation: options.aggregation ?? DEFAULTS.aggregation,
    maxAggregatedBytes: options.maxAggregatedBytes ?? DEFAULTS.maxAggregatedBytes,
    maxBatchRecords: options.maxBatchRecords ?? DEFAULTS.maxBatchRecords,
    maxBatchBytes: options.maxBatchBytes ?? DEFAULTS.maxBatchBytes,
    lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
    recordTtlMs: options.recordTtlMs ?? DEFAULTS.recordTtlMs,
    ordered: (options.ordering ?? DEFAULTS.ordering) === 'per-partition-key',
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    maxBufferedRecords: options.maxBufferedRecords ?? DEFAULTS.maxBufferedRecords,
    maxInFlightRequests: options.maxInFlightRequests ?? DEFAULTS.maxInFlightRequests,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    shardMapRefreshMs: options.shardMapRefreshMs ?? DEFAULTS.shardMapRefreshMs,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULTS.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULTS.maxBackoffMs,
  };
  const name = 'streamARN' in options ? options.streamARN : options.streamName;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError('streamName or streamARN must be a non-empty string');
  }
  checkRanges(resolved, [
    ['maxAggregatedBytes', 64, KINESIS_LIMITS.maxRecordBytes],
    ['maxBatchRecords', 1, KINESIS_LIMITS.putRecordsMaxRecords],
    ['maxBatchBytes', 1024, KINESIS_LIMITS.putRecordsMaxBytes],
    ['lingerMs', 0, 60_000],
    ['recordTtlMs', 1, 24 * 3_600_000],
    ['maxBufferedBytes', 1, Number.MAX_SAFE_INTEGER],
    ['maxBufferedRecords', 1, Number.MAX_SAFE_INTEGER],
    ['maxInFlightRequests', 1, 1024],
    ['requestTimeoutMs', 100, 600_000],
    ['shardMapRefreshMs', 1000, 24 * 3_600_000],
    ['initialBackoffMs', 1, 60_000],
    ['maxBackoffMs', 1, 600_000],
  ]);
  return resolved;
}
