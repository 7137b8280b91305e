import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { isBase64 } from './base64.js';

/**
 * The error codes of failed transformations. The first three are the codes Firehose logs;
 * the last four are our names where AWS documents none (Lambda's own error types inspired
 * them).
 *
 * @example
 * ```ts
 * if (problem.code === TransformationErrorCode.MissingRecordId) console.warn(problem.message);
 * ```
 */
export const TransformationErrorCode = {
  /** A recordId of the event is not in the response. */
  MissingRecordId: 'Lambda.MissingRecordId',
  /** A recordId appears more than once in the response. */
  DuplicatedRecordId: 'Lambda.DuplicatedRecordId',
  /**
   * The response does not follow the status model: not JSON of the expected shape, an unknown
   * recordId, a bad `result`, missing or invalid base64 `data`, malformed `metadata`.
   */
  JsonProcessingException: 'Lambda.JsonProcessingException',
  /** The response is over 6,291,456 bytes: Lambda itself fails the invocation. */
  ResponseSizeTooLarge: 'Lambda.ResponseSizeTooLarge',
  /** The function threw (or its promise rejected). */
  FunctionError: 'Lambda.FunctionError',
  /** The function did not answer within the delivery stream's `invocationTimeoutSeconds`. */
  FunctionTimedOut: 'Lambda.FunctionTimedOut',
  /** `close()` was aborted while the processor was running: no further attempt was made. */
  Aborted: 'Lambda.Aborted',
} as const;
export type TransformationErrorCode =
  (typeof TransformationErrorCode)[keyof typeof TransformationErrorCode];

/** One reason Firehose would reject a transformation response. */
export interface TransformationProblem {
  readonly code: TransformationErrorCode;
  readonly message: string;
  /** The record concerned, when there is one. */
  readonly recordId?: string;
  /** Its position in the response, when it is in the response. */
  readonly index?: number;
}

const RESULTS = new Set(['Ok', 'Dropped', 'ProcessingFailed']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Lists every problem for which Firehose would reject `result` as the answer to `event`, with
 * the error code Firehose logs. An empty list means Firehose accepts it. Checks the response
 * serialises as JSON (Lambda sends JSON: a BigInt, a cycle or a throwing `toJSON` fails the
 * invocation), the 6,291,456-byte cap, every recordId comes back exactly once, `result` values,
 * base64 `data` (required for Ok) and `metadata.partitionKeys`. Never throws.
 *
 * @example
 * ```ts
 * const problems = validateTransformationResult(event, await handler(event));
 * expect(problems).toEqual([]);
 * ```
 */
export function validateTransformationResult(
  event: FirehoseTransformationEvent,
  result: unknown,
): TransformationProblem[] {
  return checkTransformationResult(event, result).problems;
}

/**
 * {@link validateTransformationResult}, plus the response as Firehose receives it: parsed
 * back from its JSON, so later changes to the processor's object (or a `toJSON`) cannot make
 * the delivered records differ from the validated ones.
 */
export function checkTransformationResult(
  event: FirehoseTransformationEvent,
  result: unknown,
): { problems: TransformationProblem[]; received?: FirehoseTransformationResult } {
  let json: string;
  let received: unknown;
  try {
    // Lambda answers `null` for a function that returns nothing.
    json = JSON.stringify(result) ?? 'null';
    received = JSON.parse(json);
  } catch (error) {
    return {
      problems: [
        {
          code: TransformationErrorCode.JsonProcessingException,
          message: `the response cannot be serialised as JSON: ${(error as Error).message}`,
        },
      ],
    };
  }
  const problems: TransformationProblem[] = [];
  const bytes = Buffer.byteLength(json);
  if (bytes > FIREHOSE_LIMITS.lambdaMaxPayloadBytes) {
    problems.push({
      code: TransformationErrorCode.ResponseSizeTooLarge,
      message: `the response is ${bytes} bytes, over the ${FIREHOSE_LIMITS.lambdaMaxPayloadBytes}-byte limit`,
    });
  }
  if (!isObject(received) || !Array.isArray(received.records)) {
    problems.push({
      code: TransformationErrorCode.JsonProcessingException,
      message: 'the response must be an object with a records array',
    });
    return { problems };
  }
  problems.push(...recordProblems(event, received.records));
  return problems.length > 0
    ? { problems }
    : { problems, received: received as unknown as FirehoseTransformationResult };
}

/** The problems of the records of a parsed response. */
function recordProblems(
  event: FirehoseTransformationEvent,
  records: readonly unknown[],
): TransformationProblem[] {
  const problems: TransformationProblem[] = [];
  const expected = new Set(event.records.map((record) => record.recordId));
  const seen = new Set<string>();
  records.forEach((record: unknown, index: number) => {
    const problem = (code: TransformationErrorCode, message: string, recordId?: string) => {
      problems.push({ code, message, index, ...(recordId !== undefined && { recordId }) });
    };
    const json = TransformationErrorCode.JsonProcessingException;
    if (!isObject(record)) {
      problem(json, `records[${index}] is not an object`);
      return;
    }
    const { recordId, result: status, data, metadata } = record;
    if (typeof recordId !== 'string') {
      problem(json, `records[${index}].recordId is missing or not a string`);
      return;
    }
    if (!expected.has(recordId)) {
      problem(json, `records[${index}].recordId ${recordId} is not in the event`, recordId);
    } else if (seen.has(recordId)) {
      problem(
        TransformationErrorCode.DuplicatedRecordId,
        `recordId ${recordId} appears more than once`,
        recordId,
      );
    }
    seen.add(recordId);
    if (typeof status !== 'string' || !RESULTS.has(status)) {
      problem(
        json,
        `records[${index}].result is ${JSON.stringify(status)}; expected Ok, Dropped or ProcessingFailed`,
        recordId,
      );
    }
    if (data === undefined) {
      if (status === 'Ok') problem(json, `records[${index}] is Ok but has no data`, recordId);
    } else if (typeof data !== 'string' || !isBase64(data)) {
      problem(json, `records[${index}].data is not valid base64`, recordId);
    }
    if (metadata !== undefined) {
      const keys = isObject(metadata) ? metadata.partitionKeys : undefined;
      if (!isObject(keys) || Object.values(keys).some((value) => typeof value !== 'string')) {
        problem(
          json,
          `records[${index}].metadata must be { partitionKeys: { name: string } }`,
          recordId,
        );
      }
    }
  });
  for (const recordId of expected) {
    if (!seen.has(recordId)) {
      problems.push({
        code: TransformationErrorCode.MissingRecordId,
        message: `recordId ${recordId} of the event is missing from the response`,
        recordId,
      });
    }
  }
  return problems;
}
