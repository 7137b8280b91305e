import { randomUUID } from 'node:crypto';
import type {
  Context,
  FirehoseRecordTransformationStatus,
  FirehoseTransformationEvent,
} from 'aws-lambda';
import { systemClock } from '../clock.js';
import { DEFAULTS } from '../defaults.js';
import { TransformationResultError } from '../errors.js';
import { encodeBase64 } from './base64.js';
import { failureReasonOf } from './failure-reasons.js';
import { lambdaContext } from './lambda-context.js';
import type { KinesisRecordMetadata, Processor } from './types.js';
import { checkTransformationResult } from './validate.js';

/** A record for {@link runTransformer}: its data, or the data with the rest of the record. */
export type TestRecord =
  | Uint8Array
  | string
  | {
      readonly data: Uint8Array | string;
      readonly recordId?: string;
      readonly approximateArrivalTimestamp?: number;
      readonly kinesisRecordMetadata?: KinesisRecordMetadata;
    };

/** Options of {@link runTransformer}. */
export interface RunTransformerOptions {
  /** @default `arn:aws:firehose:us-east-1:000000000000:deliverystream/test` */
  readonly deliveryStreamArn?: string;
  /** Set to simulate a Kinesis data stream source. */
  readonly sourceKinesisStreamArn?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * Passed to the handler as its Lambda context.
   * @default a context for `arn:aws:lambda:<region>:000000000000:function:test` whose
   * `getRemainingTimeInMillis()` counts down from 60 s (the delivery stream's default
   * `invocationTimeoutSeconds`)
   */
  readonly context?: Context;
}

/** One record of a transformer's answer, decoded for assertions. */
export interface TransformedRecord {
  readonly recordId: string;
  readonly result: FirehoseRecordTransformationStatus;
  /** The returned data, decoded from base64. */
  readonly data: Buffer | undefined;
  /** The returned data as UTF-8 text. */
  readonly text: string | undefined;
  /** `metadata.partitionKeys`, when returned. */
  readonly partitionKeys: Readonly<Record<string, string>> | undefined;
  /** Why the record failed, when a transformer made by this package said. */
  readonly reason: string | undefined;
}

/**
 * The event {@link runTransformer} sends, built from test records.
 *
 * @example
 * ```ts
 * const event = buildTransformationEvent(['{"url":"/"}']);
 * const problems = validateTransformationResult(event, await handler(event));
 * ```
 */
export function buildTransformationEvent(
  records: readonly TestRecord[],
  options: RunTransformerOptions = {},
): FirehoseTransformationEvent {
  const region = options.region ?? DEFAULTS.region;
  return {
    invocationId: randomUUID(),
    deliveryStreamArn:
      options.deliveryStreamArn ??
      `arn:aws:firehose:${region}:${DEFAULTS.accountId}:deliverystream/test`,
    ...(options.sourceKinesisStreamArn !== undefined && {
      sourceKinesisStreamArn: options.sourceKinesisStreamArn,
    }),
    region,
    records: records.map((record, index) => {
      const full =
        typeof record === 'string' || record instanceof Uint8Array ? { data: record } : record;
      return {
        recordId: full.recordId ?? `record-${index}`,
        approximateArrivalTimestamp: full.approximateArrivalTimestamp ?? Date.now(),
        data: encodeBase64(full.data),
        ...(full.kinesisRecordMetadata && {
          kinesisRecordMetadata: {
            ...full.kinesisRecordMetadata,
            subsequenceNumber: String(full.kinesisRecordMetadata.subsequenceNumber),
          },
        }),
      };
    }),
  };
}

/**
 * Runs a transformation handler on test records the way Firehose would: builds a real event,
 * calls the handler, checks the response with {@link validateTransformationResult} (throwing
 * {@link TransformationResultError} when Firehose would reject it, unserialisable and
 * oversized responses included) and returns the records decoded. A handler that throws rejects
 * with its own error. For your own unit tests.
 *
 * @example
 * ```ts
 * const [out] = await runTransformer(handler, ['{"url":"/"}']);
 * expect(out?.result).toBe('Ok');
 * expect(out?.text).toBe('{"url":"/"}\n');
 * ```
 */
export async function runTransformer(
  handler: Processor,
  records: readonly TestRecord[],
  options: RunTransformerOptions = {},
): Promise<TransformedRecord[]> {
  const event = buildTransformationEvent(records, options);
  const region = options.region ?? DEFAULTS.region;
  const context =
    options.context ??
    lambdaContext(
      `arn:aws:lambda:${region}:${DEFAULTS.accountId}:function:test`,
      event.invocationId,
      systemClock,
      systemClock.now() + DEFAULTS.invocationTimeoutSeconds * 1000,
    );
  const response = await handler(event, context);
  const { problems, received } = checkTransformationResult(event, response);
  if (received === undefined) throw new TransformationResultError(problems);
  return received.records.map((record) => {
    const data = record.data === undefined ? undefined : Buffer.from(record.data, 'base64');
    return {
      recordId: record.recordId,
      result: record.result,
      data,
      text: data?.toString('utf8'),
      partitionKeys: record.metadata?.partitionKeys,
      reason: failureReasonOf(response, record.recordId),
    };
  });
}
