import { encodeBase64 } from '../../transformer/base64.js';
import type { FailedRecord } from '../destination.js';

/**
 * The JSON document Firehose writes to the error output for one failed record: the last
 * attempt's error and the number of attempts, exactly Firehose's fields.
 *
 * @example
 * ```ts
 * const line = `${JSON.stringify(errorDocument(failure))}\n`;
 * ```
 */
export function errorDocument(record: FailedRecord) {
  return {
    attemptsMade: record.attemptsMade,
    arrivalTimestamp: record.arrivalMs,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    attemptEndingTimestamp: record.attemptEndingMs,
    rawData: encodeBase64(record.rawData),
    ...(record.lambdaArn !== undefined && { lambdaArn: record.lambdaArn }),
  };
}
