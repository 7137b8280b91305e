import type { ErrorOutputType, FailedRecord, FailureHistory } from './destination.js';

/**
 * The one place a {@link FailedRecord} is built: `errorCode`, `errorMessage` and
 * `attemptEndingMs` come from what stopped the record (or its last attempt) and `attemptsMade`
 * from the attempts, so they can never disagree with `attempts`.
 *
 * @example
 * ```ts
 * const failure = failedRecord(record, 's3-failed', {
 *   attempts: [{ errorCode: 'S3.WriteFailed', errorMessage: 'EACCES', endedMs: Date.now() }],
 * });
 * ```
 */
export function failedRecord(
  record: { readonly recordId: string; readonly data: Uint8Array; readonly arrivalMs: number },
  errorOutputType: ErrorOutputType,
  history: FailureHistory,
  lambdaArn?: string,
): FailedRecord {
  const last = history.stoppedBy ?? history.attempts.at(-1);
  if (last === undefined) {
    throw new RangeError('a failed record needs an attempt or the reason none was made');
  }
  return {
    recordId: record.recordId,
    errorOutputType,
    rawData: record.data,
    arrivalMs: record.arrivalMs,
    attempts: history.attempts,
    attemptsMade: history.attempts.length,
    errorCode: last.errorCode,
    errorMessage: last.errorMessage,
    attemptEndingMs: last.endedMs,
    ...(lambdaArn !== undefined && { lambdaArn }),
  };
}
