import type { FirehoseTransformationResult } from 'aws-lambda';

// The Lambda response has no field for why a record failed. Transformers made here remember
// the reasons beside each response object they return, so in-process callers (runTransformer,
// the local pipeline) can report them without changing what goes over the wire.
const reasons = new WeakMap<FirehoseTransformationResult, ReadonlyMap<string, string>>();

/** Remembers the failure reason of each ProcessingFailed record of `result`, by record id. */
export function rememberFailureReasons(
  result: FirehoseTransformationResult,
  byRecordId: ReadonlyMap<string, string>,
): void {
  if (byRecordId.size > 0) reasons.set(result, byRecordId);
}

/** The reason a record of `result` failed, when a transformer made here said. */
export function failureReasonOf(
  result: FirehoseTransformationResult,
  recordId: string,
): string | undefined {
  return reasons.get(result)?.get(recordId);
}
