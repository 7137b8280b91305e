import { randomUUID } from 'node:crypto';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import type { Clock } from '../clock.js';
import type { AttemptError, DestinationRecord, FailedRecord } from '../destinations/destination.js';
import { failedRecord } from '../destinations/failed-record.js';
import { ownedBytes } from '../shared/bytes.js';
import { withDeadline } from '../shared/deadline.js';
import { encodeBase64 } from '../transformer/base64.js';
import { failureReasonOf } from '../transformer/failure-reasons.js';
import { lambdaContext } from '../transformer/lambda-context.js';
import type { Processor } from '../transformer/types.js';
import { checkTransformationResult, TransformationErrorCode } from '../transformer/validate.js';
import type { Emitter } from './events.js';

/** A record waiting for the processor. */
export interface PendingRecord {
  readonly recordId: string;
  readonly data: Uint8Array;
  readonly arrivalMs: number;
}

/** What one processor batch became, record by record. */
export interface InvocationOutcome {
  /** Ok records with the processor's output, in input order. */
  readonly transformed: ReadonlyArray<{
    readonly input: PendingRecord;
    readonly output: DestinationRecord;
  }>;
  readonly dropped: readonly PendingRecord[];
  /** ProcessingFailed records, or every record when all attempts failed. */
  readonly failed: readonly FailedRecord[];
  /** Invocations made (the processor was called). */
  readonly attempts: number;
  /** Invocations that failed (threw, timed out, answered what Firehose rejects). */
  readonly failedAttempts: number;
}

/** What {@link invokeProcessor} needs from the stream. */
export interface InvokerSettings {
  readonly processor: Processor;
  readonly processorArn: string;
  readonly deliveryStreamArn: string;
  readonly region: string;
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Aborted when `close()` is aborted: no further attempt, no waiting. */
  readonly signal: AbortSignal;
  readonly events: Emitter;
}

const REASON_UNKNOWN = 'the Lambda function marked the record ProcessingFailed';
const ABORTED = {
  errorCode: TransformationErrorCode.Aborted,
  errorMessage: 'close() was aborted before the processor answered',
};

/**
 * Invokes the processor on one batch as Firehose does: one event, retried immediately up to
 * `attempts` times when the function throws, times out or answers what Firehose would reject;
 * then every record of the batch fails with each attempt's error. Each attempt gets a fresh
 * copy of the event, so a processor that changes its event cannot change what the next
 * attempt sees or what its answer is checked against. Once close is aborted no attempt
 * starts: records never tried fail with `Lambda.Aborted` and no attempts.
 *
 * @example
 * ```ts
 * const outcome = await invokeProcessor(records, settings);
 * outcome.failed.length; // records for processing-failed/
 * ```
 */
export async function invokeProcessor(
  records: readonly PendingRecord[],
  settings: InvokerSettings,
): Promise<InvocationOutcome> {
  const invocationId = randomUUID();
  // Strings are immutable: encoded once, shared by every attempt's copy.
  const encoded = records.map((record) => encodeBase64(record.data));
  const event = (): FirehoseTransformationEvent => ({
    invocationId,
    deliveryStreamArn: settings.deliveryStreamArn,
    region: settings.region,
    records: records.map((record, index) => ({
      recordId: record.recordId,
      approximateArrivalTimestamp: record.arrivalMs,
      data: encoded[index] as string,
    })),
  });
  const expected = event();
  const errors: AttemptError[] = [];
  while (errors.length < settings.attempts && !settings.signal.aborted) {
    const attempt = await attemptOnce(event(), expected, settings);
    if ('response' in attempt) {
      return {
        ...sortOutcome(records, attempt, errors, settings),
        attempts: errors.length + 1,
        failedAttempts: errors.length,
      };
    }
    errors.push({ ...attempt, endedMs: settings.clock.now() });
    settings.events.emit('invocation_failed', () => ({
      invocationId,
      attempt: errors.length,
      errorCode: attempt.errorCode,
      errorMessage: attempt.errorMessage,
    }));
  }
  // Attempts left over means close was aborted; unless an attempt it interrupted says so
  // already, the abort is the records' last word.
  const stopped =
    errors.length < settings.attempts && errors.at(-1)?.errorCode !== ABORTED.errorCode;
  const history = stopped
    ? { attempts: errors, stoppedBy: { ...ABORTED, endedMs: settings.clock.now() } }
    : { attempts: errors };
  return {
    transformed: [],
    dropped: [],
    failed: records.map((record) =>
      failedRecord(record, 'processing-failed', history, settings.processorArn),
    ),
    attempts: errors.length,
    failedAttempts: errors.length,
  };
}

type Attempt =
  | {
      /** The response as returned, for the failure reasons remembered beside it. */
      readonly response: FirehoseTransformationResult;
      /** The response as Firehose receives it: parsed back from its JSON, and checked. */
      readonly received: FirehoseTransformationResult;
    }
  | { readonly errorCode: string; readonly errorMessage: string };

/** One invocation, bounded by the timeout and the stream's abort signal; never rejects. */
function attemptOnce(
  event: FirehoseTransformationEvent,
  expected: FirehoseTransformationEvent,
  settings: InvokerSettings,
): Promise<Attempt> {
  const { clock, signal } = settings;
  const context = lambdaContext(
    settings.processorArn,
    event.invocationId,
    clock,
    clock.now() + settings.timeoutMs,
  );
  const outcomes = {
    timedOut: {
      errorCode: TransformationErrorCode.FunctionTimedOut,
      errorMessage: `the processor did not answer within ${settings.timeoutMs} ms (invocationTimeoutSeconds)`,
    },
    aborted: ABORTED,
  };
  return withDeadline<Attempt>(clock, settings.timeoutMs, signal, outcomes, (finish) => {
    Promise.resolve()
      .then(() => settings.processor(event, context))
      .then(
        (response) => finish(judge(expected, response)),
        (error: unknown) =>
          finish({
            errorCode: TransformationErrorCode.FunctionError,
            errorMessage: error instanceof Error ? error.message : String(error),
          }),
      );
  });
}

/** The response checked as Firehose checks it; never throws (it runs in a promise handler). */
function judge(expected: FirehoseTransformationEvent, response: unknown): Attempt {
  try {
    const { problems, received } = checkTransformationResult(expected, response);
    if (received !== undefined) {
      return { response: response as FirehoseTransformationResult, received };
    }
    return {
      errorCode: (problems[0] as { code: string }).code,
      errorMessage: problems.map((problem) => problem.message).join('; '),
    };
  } catch (error) {
    return {
      errorCode: TransformationErrorCode.JsonProcessingException,
      errorMessage: `the response could not be checked: ${(error as Error).message}`,
    };
  }
}

/** Splits a valid response into transformed, dropped and failed records. */
function sortOutcome(
  records: readonly PendingRecord[],
  {
    response,
    received,
  }: { response: FirehoseTransformationResult; received: FirehoseTransformationResult },
  earlierErrors: readonly AttemptError[],
  settings: InvokerSettings,
): Pick<InvocationOutcome, 'transformed' | 'dropped' | 'failed'> {
  const byId = new Map(received.records.map((record) => [record.recordId, record]));
  const transformed: Array<{ input: PendingRecord; output: DestinationRecord }> = [];
  const dropped: PendingRecord[] = [];
  const failed: FailedRecord[] = [];
  const endedMs = settings.clock.now();
  for (const record of records) {
    const output = byId.get(record.recordId);
    if (output?.result === 'Ok') {
      transformed.push({
        input: record,
        output: {
          recordId: record.recordId,
          data: ownedBytes(Buffer.from(output.data ?? '', 'base64')),
          arrivalMs: record.arrivalMs,
          ...(output.metadata && { partitionKeys: output.metadata.partitionKeys }),
        },
      });
    } else if (output?.result === 'Dropped') {
      dropped.push(record);
    } else {
      const errorMessage = failureReasonOf(response, record.recordId) ?? REASON_UNKNOWN;
      const attempts = [
        ...earlierErrors,
        { errorCode: 'Lambda.ProcessingFailed', errorMessage, endedMs },
      ];
      failed.push(failedRecord(record, 'processing-failed', { attempts }, settings.processorArn));
    }
  }
  return { transformed, dropped, failed };
}
