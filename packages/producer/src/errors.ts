import { KinesisKitError, type KinesisKitErrorOptions } from '@kinesis-kit/records';

/** The base of every error the producers raise. */
export class ProducerError extends KinesisKitError {
  override readonly name: string = 'ProducerError';

  constructor(code: string, message: string, options: KinesisKitErrorOptions = {}) {
    super(code, message, options);
  }
}

/** One try at delivering a record: when, and how it failed. */
export interface DeliveryAttempt {
  /** Epoch milliseconds the request was sent. */
  readonly sentAtMs: number;
  /** The AWS error code (`ProvisionedThroughputExceededException`, ...) or the client error. */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Why a record could not be delivered. */
export const DeliveryFailureCode = {
  /** `recordTtlMs` passed before a try succeeded. */
  RecordTtlExpired: 'RecordTtlExpired',
  /** The service refused the record for good (e.g. the stream does not exist). */
  NonRetriable: 'NonRetriable',
  /** The put's signal was aborted before the record was sent. */
  Aborted: 'Aborted',
} as const;
export type DeliveryFailureCode = (typeof DeliveryFailureCode)[keyof typeof DeliveryFailureCode];

/**
 * A record that will not be delivered. Carries the record, every attempt, and the last error,
 * so that the caller can log, store or resend it.
 */
export class RecordDeliveryError<R = unknown> extends ProducerError {
  override readonly name = 'RecordDeliveryError';
  declare readonly code: DeliveryFailureCode;
  /** The record as it was handed to `put`. */
  readonly record: R;
  /** Every try, oldest first. */
  readonly attempts: readonly DeliveryAttempt[];
  /** The error of the last try (or the reason no try was made). */
  readonly lastError: unknown;

  constructor(
    code: DeliveryFailureCode,
    message: string,
    details: { record: R; attempts: readonly DeliveryAttempt[]; lastError: unknown },
  ) {
    super(code, message, { retriable: false, cause: details.lastError });
    this.record = details.record;
    this.attempts = details.attempts;
    this.lastError = details.lastError;
  }
}

/** `put` after `close()`. */
export class ProducerClosedError extends ProducerError {
  override readonly name = 'ProducerClosedError';

  constructor() {
    super('ProducerClosed', 'the producer is closed: it accepts no more records');
  }
}
