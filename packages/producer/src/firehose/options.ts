import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { Logger } from '@kinesis-kit/records';
import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';
import { DEFAULTS } from '../defaults.js';
import { checkRanges } from '../shared/check-ranges.js';

/** Options of {@link FirehoseProducer}. Every one but the delivery stream has a default (`defaults.ts`). */
export interface FirehoseProducerOptions {
  /** The Firehose stream (delivery stream) to write to; it must take Direct PUT. */
  readonly deliveryStreamName: string;
  /**
   * The client to send with. Without one, the producer builds a FirehoseClient from the standard
   * configuration (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_FIREHOSE`) with SDK retries
   * off, because the producer retries itself, entry by entry; and destroys it on close.
   */
  readonly client?: FirehoseClient;
  /**
   * Appended to every record (UTF-8), so that a consumer of the concatenated data — an S3 object,
   * a packed record — can split it back into records. Usually `'\n'`. Counts against the
   * 1,000 KiB record limit. @default undefined (nothing appended)
   */
  readonly delimiter?: string;
  /**
   * Concatenate consecutive records (each followed by `delimiter`, if set) into one Firehose
   * record of at most `maxPackedBytes`. Firehose bills each record in 5 KiB increments, so packing
   * small records costs less; the consumer must split the data again (set a `delimiter`, or use
   * self-delimiting records). @default false
   */
  readonly packing?: boolean;
  /** Byte budget of a packed record, delimiters included. @default 1024000 */
  readonly maxPackedBytes?: number;
  /** Firehose records per PutRecordBatch call (≤ 500). @default 500 */
  readonly maxBatchRecords?: number;
  /**
   * Data bytes per PutRecordBatch call (≤ 4 MiB). A record larger than this goes in a call of
   * its own. @default 4194304
   */
  readonly maxBatchBytes?: number;
  /** Longest a record waits for companions before it is sent. @default 100 */
  readonly lingerMs?: number;
  /** Longest a record may take to be delivered, retries included. @default 30000 */
  readonly recordTtlMs?: number;
  /** Bytes held (handed to `put`, not settled; delimiters included); when full, `put` waits. @default 33554432 */
  readonly maxBufferedBytes?: number;
  /** Records held; when full, `put` waits. @default 100000 */
  readonly maxBufferedRecords?: number;
  /** PutRecordBatch calls in flight at once. @default 8 */
  readonly maxInFlightRequests?: number;
  /** First retry delay; later ones double, with jitter. @default 100 */
  readonly initialBackoffMs?: number;
  /** Longest retry delay. @default 5000 */
  readonly maxBackoffMs?: number;
  /** Where listener errors and warnings go. @default silent */
  readonly logger?: Logger;
}

export interface ResolvedFirehoseOptions {
  readonly deliveryStreamName: string;
  /** The delimiter's UTF-8 bytes; empty when there is none. */
  readonly delimiter: Uint8Array;
  readonly packing: boolean;
  readonly maxPackedBytes: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly lingerMs: number;
  readonly recordTtlMs: number;
  readonly maxBufferedBytes: number;
  readonly maxBufferedRecords: number;
  readonly maxInFlightRequests: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export function resolveFirehoseOptions(options: FirehoseProducerOptions): ResolvedFirehoseOptions {
  if (typeof options.deliveryStreamName !== 'string' || options.deliveryStreamName.length === 0) {
    throw new InvalidArgumentError('deliveryStreamName must be a non-empty string');
  }
  if (
    options.delimiter !== undefined &&
    (typeof options.delimiter !== 'string' || options.delimiter.length === 0)
  ) {
    throw new InvalidArgumentError('delimiter must be a non-empty string when set');
  }
  const resolved: ResolvedFirehoseOptions = {
    deliveryStreamName: options.deliveryStreamName,
    delimiter: new TextEncoder().encode(options.delimiter ?? ''),
    packing: options.packing ?? DEFAULTS.firehosePacking,
    maxPackedBytes: options.maxPackedBytes ?? DEFAULTS.firehoseMaxPackedBytes,
    maxBatchRecords: options.maxBatchRecords ?? DEFAULTS.firehoseMaxBatchRecords,
    maxBatchBytes: options.maxBatchBytes ?? DEFAULTS.firehoseMaxBatchBytes,
    lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
    recordTtlMs: options.recordTtlMs ?? DEFAULTS.recordTtlMs,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    maxBufferedRecords: options.maxBufferedRecords ?? DEFAULTS.maxBufferedRecords,
    maxInFlightRequests: options.maxInFlightRequests ?? DEFAULTS.maxInFlightRequests,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULTS.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULTS.maxBackoffMs,
  };
  checkRanges(resolved, [
    ['maxPackedBytes', 1, FIREHOSE_LIMITS.maxRecordBytes],
    ['maxBatchRecords', 1, FIREHOSE_LIMITS.putRecordBatchMaxRecords],
    ['maxBatchBytes', 1, FIREHOSE_LIMITS.putRecordBatchMaxBytes],
    ['lingerMs', 0, 60_000],
    ['recordTtlMs', 1, 24 * 3_600_000],
    ['maxBufferedBytes', 1, Number.MAX_SAFE_INTEGER],
    ['maxBufferedRecords', 1, Number.MAX_SAFE_INTEGER],
    ['maxInFlightRequests', 1, 1024],
    ['initialBackoffMs', 1, 60_000],
    ['maxBackoffMs', 1, 600_000],
  ]);
  return resolved;
}
