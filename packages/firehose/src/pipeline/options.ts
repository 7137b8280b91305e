import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';
import { type Clock, systemClock } from '../clock.js';
import { DEFAULTS, RANGES } from '../defaults.js';
import type { Destination } from '../destinations/destination.js';
import { requireRange } from '../shared/require-range.js';
import { MiB } from '../shared/units.js';
import type { Processor } from '../transformer/types.js';
import { Capacity } from './capacity.js';

/** Destination buffering hints (Firehose's BufferingHints). */
export interface BufferingHints {
  /**
   * Deliver once this many MiB are buffered (1–128).
   * @default 5
   */
  readonly sizeMiB?: number;
  /**
   * Deliver this long after the first buffered record arrived (0–900).
   * @default 300
   */
  readonly intervalSeconds?: number;
}

/** Processor buffering hints (the processor's BufferSizeInMBs and BufferIntervalInSeconds). */
export interface ProcessorBufferingHints {
  /**
   * Invoke the processor once this many MB (of 1,048,576 bytes) of data are buffered (0.2–3).
   * An invocation is also started early whenever one more record would make its event exceed
   * Lambda's 6,291,456-byte request limit.
   * @default 1
   */
  readonly sizeMB?: number;
  /**
   * Invoke it this long after the first buffered record arrived (0–900).
   * @default 60
   */
  readonly intervalSeconds?: number;
}

/** Options of {@link createDeliveryStream}. */
export interface DeliveryStreamOptions {
  /** The delivery stream name: 1–64 of `a-zA-Z0-9_.-`. */
  readonly name: string;
  /** Where records go: {@link s3Directory} or {@link httpEndpoint}. */
  readonly destination: Destination;
  /** The transformation Lambda handler; absent, records go to the destination unchanged. */
  readonly processor?: Processor;
  /**
   * The processor's ARN, in events and in the error output's `lambdaArn`.
   * @default `arn:aws:lambda:<region>:<accountId>:function:<name>-processor`
   */
  readonly processorArn?: string;
  /** When the processor is invoked. */
  readonly processorBuffering?: ProcessorBufferingHints;
  /**
   * Retries of a failed invocation before its records go to the error output (0–300).
   * @default 3
   */
  readonly numberOfRetries?: number;
  /**
   * How long one invocation may take (1–900, Lambda's limit) before it counts as failed with
   * `Lambda.FunctionTimedOut`, so a hung processor cannot block `flush()` or `close()`.
   * @default 60
   */
  readonly invocationTimeoutSeconds?: number;
  /** When buffered records are delivered. */
  readonly buffering?: BufferingHints;
  /**
   * Memory the stream may hold for records accepted but not yet delivered, dropped or failed:
   * each record counts its data (the processor's output once transformed) plus 1 KiB of
   * bookkeeping. A put that would exceed it is refused with ServiceUnavailableException
   * (retriable), as Firehose throttles, and what is buffered is delivered at once to make
   * room. At least 1,025,024: one 1,000 KiB record and its bookkeeping.
   * @default 268435456 (256 MiB)
   */
  readonly maxBufferedBytes?: number;
  /**
   * An AWS region name such as `eu-west-1`, used in ARNs.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * A 12-digit AWS account id, used in ARNs.
   * @default '000000000000'
   */
  readonly accountId?: string;
  /**
   * The delivery stream version, part of object names.
   * @default 1
   */
  readonly version?: number;
  /**
   * Time for buffering intervals, timestamps, timeouts and retries; inject one to test
   * without waiting.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** Options of calls that accept an abort signal. */
export interface SignalOptions {
  readonly signal?: AbortSignal;
}

/** {@link DeliveryStreamOptions} checked, with defaults applied and units converted. */
export interface ResolvedOptions {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly destination: Destination;
  readonly processor: Processor | undefined;
  readonly processorArn: string;
  readonly invocationAttempts: number;
  readonly invocationTimeoutMs: number;
  readonly processorSizeBytes: number;
  readonly processorIntervalMs: number;
  readonly bufferSizeBytes: number;
  readonly bufferIntervalMs: number;
  readonly maxBufferedBytes: number;
  readonly version: number;
  readonly clock: Clock;
}

const NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
/** `us-east-1`, `us-gov-west-1`, `ap-southeast-2`: partition, area words, number. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Checks every option against Firehose's ranges (throwing `InvalidArgumentError` naming the
 * option and its range) and applies the defaults of `defaults.ts`.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ name: 'clicks', destination: s3Directory({ root: './b' }) });
 * resolved.bufferSizeBytes; // 5242880
 * ```
 */
export function resolveOptions(options: DeliveryStreamOptions): ResolvedOptions {
  if (typeof options.name !== 'string' || !NAME.test(options.name)) {
    throw new InvalidArgumentError(
      `name must be 1-64 characters of a-z, A-Z, 0-9, _ . -, got ${JSON.stringify(options.name)}`,
    );
  }
  const { name } = options;
  const region = options.region ?? DEFAULTS.region;
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw new InvalidArgumentError(
      `region must be an AWS region name such as us-east-1, got ${JSON.stringify(region)}`,
    );
  }
  const accountId = options.accountId ?? DEFAULTS.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new InvalidArgumentError(`accountId must be 12 digits, got ${JSON.stringify(accountId)}`);
  }
  const retries = options.numberOfRetries ?? DEFAULTS.numberOfRetries;
  requireRange('numberOfRetries', retries, 0, RANGES.maxNumberOfRetries);
  const timeoutSeconds = options.invocationTimeoutSeconds ?? DEFAULTS.invocationTimeoutSeconds;
  requireRange('invocationTimeoutSeconds', timeoutSeconds, 1, RANGES.maxInvocationTimeoutSeconds);
  const version = options.version ?? DEFAULTS.version;
  requireRange('version', version, 1, Number.MAX_SAFE_INTEGER);
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes;
  // Less could never admit a record of the largest size Firehose accepts.
  requireRange(
    'maxBufferedBytes',
    maxBufferedBytes,
    Capacity.cost(FIREHOSE_LIMITS.maxRecordBytes),
    Number.MAX_SAFE_INTEGER,
  );
  const sizeMiB = options.buffering?.sizeMiB ?? DEFAULTS.bufferingSizeMiB;
  requireRange(
    'buffering.sizeMiB',
    sizeMiB,
    FIREHOSE_LIMITS.minBufferingSizeMiB,
    FIREHOSE_LIMITS.maxBufferingSizeMiB,
  );
  const intervalSeconds = options.buffering?.intervalSeconds ?? DEFAULTS.bufferingIntervalSeconds;
  requireRange(
    'buffering.intervalSeconds',
    intervalSeconds,
    FIREHOSE_LIMITS.minBufferingIntervalSeconds,
    FIREHOSE_LIMITS.maxBufferingIntervalSeconds,
  );
  const processorMB = options.processorBuffering?.sizeMB ?? DEFAULTS.processorBufferSizeMB;
  requireRange(
    'processorBuffering.sizeMB',
    processorMB,
    FIREHOSE_LIMITS.minProcessorBufferSizeMB,
    FIREHOSE_LIMITS.maxProcessorBufferSizeMB,
    false,
  );
  const processorSeconds =
    options.processorBuffering?.intervalSeconds ?? DEFAULTS.processorBufferIntervalSeconds;
  requireRange(
    'processorBuffering.intervalSeconds',
    processorSeconds,
    FIREHOSE_LIMITS.minProcessorBufferIntervalSeconds,
    FIREHOSE_LIMITS.maxProcessorBufferIntervalSeconds,
  );
  return {
    name,
    arn: `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`,
    region,
    destination: options.destination,
    processor: options.processor,
    processorArn:
      options.processorArn ?? `arn:aws:lambda:${region}:${accountId}:function:${name}-processor`,
    invocationAttempts: retries + 1,
    invocationTimeoutMs: timeoutSeconds * 1000,
    processorSizeBytes: Math.round(processorMB * MiB),
    processorIntervalMs: processorSeconds * 1000,
    bufferSizeBytes: sizeMiB * MiB,
    bufferIntervalMs: intervalSeconds * 1000,
    maxBufferedBytes,
    version,
    clock: options.clock ?? systemClock,
  };
}
