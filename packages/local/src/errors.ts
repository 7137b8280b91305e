import { KinesisKitError } from '@kinesis-kit/records';

/** The AWS error types the endpoint answers with (the `__type` of the JSON error body). */
export type AwsErrorType =
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'InvalidArgumentException'
  | 'LimitExceededException'
  | 'ExpiredIteratorException'
  | 'ExpiredNextTokenException'
  | 'ProvisionedThroughputExceededException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'AccessDeniedException'
  | 'InternalFailure'
  | 'ServiceUnavailable';

const RETRIABLE: ReadonlySet<AwsErrorType> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalFailure',
  'ServiceUnavailable',
]);

/**
 * An error the endpoint returns to its client in AWS's shape: HTTP 400 (500 for
 * InternalFailure) with `{"__type": type, "message": message}`, so that the AWS SDK raises its
 * own exception class with the same name and message as real Kinesis would.
 */
export class AwsServiceError extends KinesisKitError {
  override readonly name = 'AwsServiceError';
  declare readonly code: AwsErrorType;
  readonly statusCode: number;

  constructor(
    type: AwsErrorType,
    message: string,
    statusCode = type === 'InternalFailure' ? 500 : 400,
  ) {
    super(type, message, { retriable: RETRIABLE.has(type) });
    this.statusCode = statusCode;
  }
}

/** The base of the errors the endpoint's own API raises (not those it answers clients with). */
export class LocalKinesisError extends KinesisKitError {
  override readonly name: string = 'LocalKinesisError';
}

/**
 * A sealed segment of a shard log holds bytes that are not a valid entry. A crash can only tear
 * the tail of a shard's last segment (which the store repairs on load), so damage anywhere else
 * means the disk or someone else changed the file: the store refuses to start rather than
 * silently drop acknowledged records. Never retriable.
 *
 * @example
 * ```ts
 * try {
 *   await store.load();
 * } catch (error) {
 *   if (error instanceof StorageCorruptionError) console.error(error.file, error.offset);
 *   throw error;
 * }
 * ```
 */
export class StorageCorruptionError extends LocalKinesisError {
  override readonly name = 'StorageCorruptionError';
  /** Path of the damaged segment file. */
  readonly file: string;
  /** Byte offset in `file` of the first entry that does not decode. */
  readonly offset: number;

  constructor(file: string, offset: number, reason: string) {
    super(
      'StorageCorruption',
      `Corrupt entry in sealed segment ${file} at byte offset ${offset}: ${reason}`,
    );
    this.file = file;
    this.offset = offset;
  }
}
