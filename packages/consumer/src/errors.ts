import { KinesisKitError, type KinesisKitErrorOptions } from '@kinesis-kit/records';

/** The base of every error the consumer raises. */
export class ConsumerError extends KinesisKitError {
  override readonly name: string = 'ConsumerError';

  constructor(code: string, message: string, options: KinesisKitErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Why the consumer failed. */
export const ConsumerErrorCode = {
  /** A batch handler kept failing after its retries, and no `onFailedBatch` took the batch. */
  HandlerFailed: 'HandlerFailed',
  /** `onFailedBatch` itself threw: the batch can be neither processed nor handed off. */
  FailedBatchHandlerFailed: 'FailedBatchHandlerFailed',
  /** A checkpoint was asked for a record outside the batch, or below the last checkpoint. */
  InvalidCheckpoint: 'InvalidCheckpoint',
  /** The checkpoint file exists but cannot be read as checkpoints (torn, edited, corrupt). */
  CheckpointStoreCorrupt: 'CheckpointStoreCorrupt',
  /** `run()` or `batches()` while the consumer already runs, or after it was stopped. */
  AlreadyRunning: 'AlreadyRunning',
  /** Kinesis refused a read or a listing for good (missing stream, access denied, ...). */
  KinesisRequestFailed: 'KinesisRequestFailed',
} as const;
export type ConsumerErrorCode = (typeof ConsumerErrorCode)[keyof typeof ConsumerErrorCode];

/** Where a batch sits in its shard: its first and last record. */
export interface BatchPosition {
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly firstSubSequenceNumber?: number | undefined;
  readonly lastSequenceNumber: string;
  readonly lastSubSequenceNumber?: number | undefined;
}

/**
 * A batch handler failed on every try (the first and `maxHandlerRetries` more). Carries the
 * shard, the batch's position and the number of tries; `cause` is the handler's last error.
 * Nothing of the batch was checkpointed: a restart delivers it again.
 */
export class HandlerFailedError extends ConsumerError {
  override readonly name = 'HandlerFailedError';
  declare readonly code: 'HandlerFailed' | 'FailedBatchHandlerFailed';
  readonly shardId: string;
  readonly position: BatchPosition;
  /** Tries of the handler, the first included. */
  readonly attempts: number;

  constructor(
    code: 'HandlerFailed' | 'FailedBatchHandlerFailed',
    position: BatchPosition,
    attempts: number,
    cause: unknown,
  ) {
    const what =
      code === 'HandlerFailed'
        ? `the batch handler failed ${attempts} times`
        : 'onFailedBatch threw';
    super(
      code,
      `${what} on shard ${position.shardId}, batch ${describe(position.firstSequenceNumber, position.firstSubSequenceNumber)}..${describe(position.lastSequenceNumber, position.lastSubSequenceNumber)}: ${(cause as Error)?.message ?? String(cause)}`,
      { retriable: false, cause },
    );
    this.shardId = position.shardId;
    this.position = position;
    this.attempts = attempts;
  }
}

function describe(sequenceNumber: string, subSequenceNumber: number | undefined): string {
  return subSequenceNumber === undefined
    ? sequenceNumber
    : `${sequenceNumber}/${subSequenceNumber}`;
}

/** A checkpoint that would break the guarantees: outside the batch, or going backwards. */
export class InvalidCheckpointError extends ConsumerError {
  override readonly name = 'InvalidCheckpointError';

  constructor(message: string) {
    super(ConsumerErrorCode.InvalidCheckpoint, message, { retriable: false });
  }
}

/**
 * The checkpoint file exists but is not a complete checkpoint document. Reported instead of
 * treated as empty, which would silently re-read (or, with `LATEST`, skip) the whole stream.
 */
export class CheckpointStoreCorruptError extends ConsumerError {
  override readonly name = 'CheckpointStoreCorruptError';
  readonly path: string;

  constructor(path: string, reason: string, cause?: unknown) {
    super(
      ConsumerErrorCode.CheckpointStoreCorrupt,
      `checkpoint file ${path} is corrupt: ${reason}`,
      {
        retriable: false,
        cause,
      },
    );
    this.path = path;
  }
}

/** `run()` or `batches()` on a consumer that already runs or was stopped. */
export class ConsumerStateError extends ConsumerError {
  override readonly name = 'ConsumerStateError';

  constructor(message: string) {
    super(ConsumerErrorCode.AlreadyRunning, message, { retriable: false });
  }
}

/**
 * A Kinesis call failed for good (or was retriable and outlived its retries). `awsCode` is the
 * service's error name (`ResourceNotFoundException`, ...); `cause` the SDK's error.
 */
export class KinesisRequestError extends ConsumerError {
  override readonly name = 'KinesisRequestError';
  readonly operation: string;
  readonly awsCode: string;
  readonly shardId: string | undefined;

  constructor(
    operation: string,
    awsCode: string,
    message: string,
    details: { retriable: boolean; cause: unknown; shardId?: string | undefined },
  ) {
    super(
      ConsumerErrorCode.KinesisRequestFailed,
      `${operation}${details.shardId ? ` on ${details.shardId}` : ''} failed: ${awsCode}: ${message}`,
      { retriable: details.retriable, cause: details.cause },
    );
    this.operation = operation;
    this.awsCode = awsCode;
    this.shardId = details.shardId;
  }
}
