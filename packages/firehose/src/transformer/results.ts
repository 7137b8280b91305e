import type { TransformOutcome } from './types.js';

/** Options of {@link ok}. */
export interface OkOptions {
  /** Keys for dynamic partitioning (`!{partitionKeyFromLambda:name}` in the S3 prefix). */
  readonly partitionKeys?: Readonly<Record<string, string>>;
}

/**
 * The record was transformed: deliver `data` (bytes, or a string sent as UTF-8).
 *
 * @example
 * ```ts
 * return ok(toNdjson({ ...event, seen: true }), { partitionKeys: { customer: event.customer } });
 * ```
 */
export function ok(data: Uint8Array | string, options: OkOptions = {}): TransformOutcome {
  return options.partitionKeys === undefined
    ? { result: 'Ok', data }
    : { result: 'Ok', data, partitionKeys: options.partitionKeys };
}

/**
 * The record is dropped on purpose; Firehose counts it as a success and delivers nothing.
 *
 * @example
 * ```ts
 * if (event.type === 'heartbeat') return dropped();
 * ```
 */
export function dropped(): TransformOutcome {
  return { result: 'Dropped' };
}

/**
 * The reason a record failed when `failed()` was given none, so the error output never has an
 * empty `errorMessage`.
 *
 * @example
 * ```ts
 * failed(); // { result: 'ProcessingFailed', reason: DEFAULT_FAILURE_REASON }
 * ```
 */
export const DEFAULT_FAILURE_REASON = 'the transformer failed the record without giving a reason';

/**
 * The record could not be transformed: Firehose writes it to the error output
 * (`processing-failed/`). `reason` is logged and, in the local pipeline, becomes the
 * `errorMessage` of the error output; the Lambda response has no field for it.
 *
 * @example
 * ```ts
 * if (typeof event.id !== 'string') return failed('id must be a string');
 * ```
 */
export function failed(reason: string = DEFAULT_FAILURE_REASON): TransformOutcome {
  return { result: 'ProcessingFailed', reason };
}
