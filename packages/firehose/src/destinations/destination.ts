import type { Clock } from '../clock.js';

/** A record on its way to a destination, after any processor. */
export interface DestinationRecord {
  readonly recordId: string;
  /** The data to deliver (the processor's output when there is one). */
  readonly data: Uint8Array;
  /** When the delivery stream received the record, in milliseconds since the epoch. */
  readonly arrivalMs: number;
  /** The processor's `metadata.partitionKeys`, when it returned some. */
  readonly partitionKeys?: Readonly<Record<string, string>>;
}

/**
 * The `!{firehose:error-output-type}` of each kind of failure.
 *
 * @example
 * ```ts
 * stream.on('records_failed', (event) => {
 *   if (event.errorOutputType === ErrorOutputType.ProcessingFailed) console.warn(event.records);
 * });
 * ```
 */
export const ErrorOutputType = {
  /** The processor failed the record, or every invocation attempt failed. */
  ProcessingFailed: 'processing-failed',
  /** HTTP endpoint delivery failed for the whole retry duration, or permanently (413). */
  HttpEndpointFailed: 'http-endpoint-failed',
  /** Dynamic partitioning could not place the record (missing key, partition cap, bad prefix). */
  PartitioningFailed: 'partitioning-failed',
  /** Writing the object into the local directory failed for the whole retry duration. */
  S3Failed: 's3-failed',
} as const;
export type ErrorOutputType = (typeof ErrorOutputType)[keyof typeof ErrorOutputType];

/** One failed attempt at processing or delivering a record. */
export interface AttemptError {
  readonly errorCode: string;
  readonly errorMessage: string;
  /** When the attempt ended, in milliseconds since the epoch. */
  readonly endedMs: number;
}

/**
 * How a record came to fail: every attempt that was made, and, when no attempt's error is the
 * last word, what stopped further attempts (an aborted close: it is no attempt).
 */
export interface FailureHistory {
  /** The error of each attempt made, oldest first; empty when none was made. */
  readonly attempts: readonly AttemptError[];
  /** Why no further attempt was made, when that is not the last attempt's error. */
  readonly stoppedBy?: AttemptError;
}

/**
 * A record that could not be delivered: the record, every attempt's error (oldest first) and,
 * as Firehose's error output has them, the number of attempts and why it failed.
 */
export interface FailedRecord {
  readonly recordId: string;
  readonly errorOutputType: ErrorOutputType;
  /** The data that failed: the original data for processing failures. */
  readonly rawData: Uint8Array;
  readonly arrivalMs: number;
  /**
   * Every attempt's error, oldest first; empty for a record never tried (`close()` was aborted
   * before its turn).
   */
  readonly attempts: readonly AttemptError[];
  /** `attempts.length`: only attempts that were really made. */
  readonly attemptsMade: number;
  /** Why it failed: the last attempt's error code, or the `*.Aborted` code that stopped it. */
  readonly errorCode: string;
  /** The message that goes with `errorCode`. */
  readonly errorMessage: string;
  /** When the last attempt ended, or when the record was given up on. */
  readonly attemptEndingMs: number;
  /** The processor's ARN, for processing failures. */
  readonly lambdaArn?: string;
}

/** What a destination learns about the stream it delivers for. */
export interface DeliveryContext {
  readonly deliveryStreamName: string;
  readonly deliveryStreamArn: string;
  readonly version: number;
  readonly clock: Clock;
  /** Aborted when `close()` is aborted: stop waiting and retrying, fail what is left. */
  readonly signal: AbortSignal;
}

/** One object written or one request accepted, and how many records it carried. */
export interface Delivered {
  /** The object key or the URL. */
  readonly location: string;
  readonly records: number;
}

/** What one delivery achieved: where the data went, and which records failed. */
export interface DeliveryResult {
  /** Each object or request that reached the destination. */
  readonly delivered: readonly Delivered[];
  /** Records that could not be delivered; the stream sends them to the error output. */
  readonly failed: readonly FailedRecord[];
}

/** Where a record goes under dynamic partitioning, or why it cannot go anywhere. */
export type PartitionPlacement =
  | { readonly key: string }
  | { readonly errorCode: string; readonly errorMessage: string };

/**
 * A delivery target for {@link createDeliveryStream}: {@link s3Directory} or
 * {@link httpEndpoint}. `deliver` gets one buffered batch (one partition, when partitioned)
 * and reports failed records rather than throwing: every record of the batch must be either
 * counted in `delivered` or listed once in `failed`, or the stream distrusts the whole result
 * and writes the batch to the error output (`Destination.UnaccountedRecords`). `writeErrors`
 * writes failed records, all of one error output type, to the error output.
 *
 * @example
 * ```ts
 * const destination: Destination = s3Directory({ root: './bucket' });
 * ```
 */
export interface Destination {
  /**
   * What records get if `deliver` throws after all (a bug, not a delivery failure): the
   * destination's own error output type and a code it documents.
   */
  readonly unexpectedFailure: {
    readonly errorOutputType: ErrorOutputType;
    readonly errorCode: string;
  };
  /** Set when records are buffered and delivered per partition. */
  readonly partitioning?: {
    readonly maxActivePartitions: number;
    partitionOf(record: DestinationRecord): PartitionPlacement;
  };
  deliver(records: readonly DestinationRecord[], context: DeliveryContext): Promise<DeliveryResult>;
  /**
   * Writes failed records, all of one error output type, to the error output; returns where
   * they went; throws if it cannot. Called even after `close()` was aborted: make one attempt
   * then, without retrying.
   */
  writeErrors(records: readonly FailedRecord[], context: DeliveryContext): Promise<string[]>;
}
