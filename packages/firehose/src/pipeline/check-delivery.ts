import type {
  DeliveryResult,
  Destination,
  DestinationRecord,
  FailedRecord,
} from '../destinations/destination.js';
import { failedRecord } from '../destinations/failed-record.js';

/**
 * The code of records whose destination's result cannot be believed (ours: Firehose has no
 * pluggable destinations).
 *
 * @example
 * ```ts
 * if (failure.errorCode === DestinationErrorCode.UnaccountedRecords) console.error('bad destination');
 * ```
 */
export const DestinationErrorCode = {
  /**
   * `deliver` did not account for every record of its batch exactly once (delivered plus
   * failed must be the batch): the whole batch goes to the error output rather than risk
   * losing records silently.
   */
  UnaccountedRecords: 'Destination.UnaccountedRecords',
} as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * Why a destination's `deliver` result does not account for `records`, or `undefined` when
 * it does: `delivered` counts plus `failed` entries (each a record of the batch, once) must
 * make up the batch. The public {@link Destination} contract is checked, not trusted.
 *
 * @example
 * ```ts
 * deliveryResultProblem(records, { delivered: [], failed: [] }); // 'deliver() accounted for ...'
 * ```
 */
function deliveryResultProblem(
  records: readonly DestinationRecord[],
  result: unknown,
): string | undefined {
  if (!isObject(result) || !Array.isArray(result.delivered) || !Array.isArray(result.failed)) {
    return 'deliver() did not return { delivered, failed } arrays';
  }
  const { delivered, failed } = result as unknown as DeliveryResult;
  let deliveredCount = 0;
  for (const entry of delivered as readonly unknown[]) {
    const count = isObject(entry) ? entry.records : undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
      return 'deliver() returned a delivered entry without a record count';
    }
    deliveredCount += count;
  }
  const batch = new Set(records.map((record) => record.recordId));
  const seen = new Set<string>();
  for (const failure of failed as readonly unknown[]) {
    const recordId = isObject(failure) ? failure.recordId : undefined;
    if (typeof recordId !== 'string' || !batch.has(recordId) || seen.has(recordId)) {
      return `deliver() reported a failed record ${JSON.stringify(recordId)} that is not a record of its batch, or twice`;
    }
    seen.add(recordId);
  }
  if (deliveredCount + seen.size !== records.length) {
    return `deliver() accounted for ${deliveredCount} delivered and ${seen.size} failed of ${records.length} records`;
  }
  return undefined;
}

/**
 * What the stream believes of one `deliver` call: its result when it accounts for the batch;
 * every record failed with the destination's `unexpectedFailure` code when it threw (`reported`
 * is the error); every record failed with {@link DestinationErrorCode.UnaccountedRecords} when
 * its result does not add up.
 *
 * @example
 * ```ts
 * const result = accountedResult(records, await deliver(records), destination, clock.now());
 * ```
 */
export function accountedResult(
  records: readonly DestinationRecord[],
  reported: unknown,
  destination: Destination,
  nowMs: number,
): DeliveryResult {
  const { errorOutputType, errorCode } = destination.unexpectedFailure;
  const failAll = (code: string, errorMessage: string) => {
    const attempts = [{ errorCode: code, errorMessage, endedMs: nowMs }];
    const failed: FailedRecord[] = records.map((record) =>
      failedRecord(record, errorOutputType, { attempts }),
    );
    return { delivered: [], failed };
  };
  if (reported instanceof Error) return failAll(errorCode, reported.message);
  const problem = deliveryResultProblem(records, reported);
  if (problem === undefined) return reported as DeliveryResult;
  return failAll(
    DestinationErrorCode.UnaccountedRecords,
    `${problem}; the whole batch is written here rather than risk losing records`,
  );
}
