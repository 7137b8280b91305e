import { KinesisKitError, type KinesisKitErrorOptions } from '@kinesis-kit/records';
import type { TransformationProblem } from './transformer/validate.js';

/**
 * The base class of every error this package raises.
 *
 * @example
 * ```ts
 * const stream = createDeliveryStream({ name: 'clicks', destination: s3Directory({ root: '.' }) });
 * try {
 *   await stream.put('{"url":"/"}');
 * } catch (error) {
 *   if (error instanceof FirehoseError && error.retriable) console.warn('try again later');
 * }
 * ```
 */
export class FirehoseError extends KinesisKitError {
  override readonly name: string = 'FirehoseError';

  constructor(code: string, message: string, options: KinesisKitErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * Which Put limit a call broke.
 *
 * @example
 * ```ts
 * if (error instanceof FirehoseLimitError && error.code === FirehoseLimitCode.RecordTooLarge) {
 *   console.warn(`record of ${error.actual} bytes is over ${error.limit}`);
 * }
 * ```
 */
export const FirehoseLimitCode = {
  /** One record is over 1,000 KiB. */
  RecordTooLarge: 'RecordTooLarge',
  /** A PutRecordBatch call has more than 500 records. */
  TooManyRecords: 'TooManyRecords',
  /** A PutRecordBatch call is over 4 MiB. */
  BatchTooLarge: 'BatchTooLarge',
  /** A PutRecordBatch call has no records. */
  EmptyBatch: 'EmptyBatch',
} as const;
export type FirehoseLimitCode = (typeof FirehoseLimitCode)[keyof typeof FirehoseLimitCode];

/**
 * A Put call breaks a Firehose limit; Firehose rejects the whole call with a
 * ValidationException. Never retriable. `limit` and `actual` carry the numbers in the message.
 *
 * @example
 * ```ts
 * const error = new FirehoseLimitError('TooManyRecords', 'too many', { limit: 500, actual: 501 });
 * ```
 */
export class FirehoseLimitError extends FirehoseError {
  override readonly name = 'FirehoseLimitError';
  declare readonly code: FirehoseLimitCode;
  /** The limit that was broken, in the unit of `actual`. */
  readonly limit: number;
  /** The call's value for that limit. */
  readonly actual: number;

  constructor(
    code: FirehoseLimitCode,
    message: string,
    details: { readonly limit: number; readonly actual: number },
  ) {
    super(code, message, { retriable: false });
    this.limit = details.limit;
    this.actual = details.actual;
  }
}

/**
 * The delivery stream holds `maxBufferedBytes` of records not yet delivered: the local
 * counterpart of Firehose's throttling. Retriable once deliveries catch up.
 *
 * @example
 * ```ts
 * const error = new ServiceUnavailableError('buffer full');
 * error.retriable; // true
 * ```
 */
export class ServiceUnavailableError extends FirehoseError {
  override readonly name = 'ServiceUnavailableError';

  constructor(message: string) {
    super('ServiceUnavailableException', message, { retriable: true });
  }
}

/**
 * The delivery stream was closed; it accepts no more records.
 *
 * @example
 * ```ts
 * await stream.close();
 * await stream.put('late').catch((error: DeliveryStreamClosedError) => error.code);
 * ```
 */
export class DeliveryStreamClosedError extends FirehoseError {
  override readonly name = 'DeliveryStreamClosedError';

  constructor(name: string) {
    super('DeliveryStreamClosed', `delivery stream ${name} is closed`, { retriable: false });
  }
}

/**
 * An S3 prefix or error output prefix is not one Firehose accepts: an unknown or misplaced
 * `!{...}` expression, a timestamp pattern letter we do not support, or a prefix over 512
 * characters.
 *
 * @example
 * ```ts
 * s3Directory({ root, prefix: '!{timestamp:yyyy-ww}/' }); // throws: 'w' is not supported
 * ```
 */
export class PrefixExpressionError extends FirehoseError {
  override readonly name = 'PrefixExpressionError';

  constructor(message: string) {
    super('InvalidPrefixExpression', message, { retriable: false });
  }
}

/**
 * A transformer returned a response Firehose would reject; `problems` lists every one, as
 * {@link validateTransformationResult} finds them.
 *
 * @example
 * ```ts
 * const error = new TransformationResultError([
 *   { code: 'Lambda.MissingRecordId', message: 'record r1 is missing', recordId: 'r1' },
 * ]);
 * ```
 */
export class TransformationResultError extends FirehoseError {
  override readonly name = 'TransformationResultError';
  /** Everything wrong with the response. */
  readonly problems: readonly TransformationProblem[];

  constructor(problems: readonly TransformationProblem[]) {
    const first = problems[0];
    super(
      first?.code ?? 'Lambda.JsonProcessingException',
      `the transformation result would be rejected by Firehose: ${problems
        .map((problem) => `${problem.code}: ${problem.message}`)
        .join('; ')}`,
      { retriable: false },
    );
    this.problems = problems;
  }
}

/**
 * Record data is not what a CloudWatch Logs subscription writes (gzip of a JSON envelope).
 * A transformer turns it into a ProcessingFailed record with this message.
 *
 * @example
 * ```ts
 * decodeCloudWatchLogs(Buffer.from('plain')); // throws CloudWatchLogsDataError
 * ```
 */
export class CloudWatchLogsDataError extends FirehoseError {
  override readonly name = 'CloudWatchLogsDataError';

  constructor(message: string, cause?: unknown) {
    super('InvalidCloudWatchLogsData', message, { retriable: false, cause });
  }
}

/**
 * Failed records could not be written to the error output either (after the error output's
 * own retries): they are lost. `flush()` and `close()` reject with this once per loss; the
 * records themselves were given to `error_output_failed` listeners.
 *
 * @example
 * ```ts
 * await stream.flush().catch((error: unknown) => {
 *   if (error instanceof ErrorOutputFailedError) console.error(`${error.recordsLost} lost`);
 * });
 * ```
 */
export class ErrorOutputFailedError extends FirehoseError {
  override readonly name = 'ErrorOutputFailedError';
  /** Records lost since the last time this was reported. */
  readonly recordsLost: number;

  constructor(recordsLost: number, cause: unknown) {
    super(
      'ErrorOutputFailed',
      `${recordsLost} failed records could not be written to the error output and are lost: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { retriable: false, cause },
    );
    this.recordsLost = recordsLost;
  }
}
