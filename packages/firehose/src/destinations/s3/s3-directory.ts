import { InvalidArgumentError } from '@kinesis-kit/records';
import { DEFAULTS, RANGES } from '../../defaults.js';
import { PrefixExpressionError } from '../../errors.js';
import { requireRange } from '../../shared/require-range.js';
import type {
  DeliveryResult,
  Destination,
  DestinationRecord,
  PartitionPlacement,
} from '../destination.js';
import { failedRecord } from '../failed-record.js';
import { errorDocument } from './error-document.js';
import { objectStore } from './object-store.js';
import { checkPrefix, compilePrefix } from './prefix.js';

/** Options of dynamic partitioning, as in Firehose's DynamicPartitioningConfiguration. */
export interface DynamicPartitioningOptions {
  /**
   * Partitions buffered at once; records of a further partition go to the error output
   * (`partitioning-failed`) until a partition is delivered.
   * @default 500
   */
  readonly maxActivePartitions?: number;
}

/** Options of {@link s3Directory}. */
export interface S3DirectoryOptions {
  /** The directory standing in for the bucket; object keys become paths under it. */
  readonly root: string;
  /**
   * S3 key prefix, with `!{timestamp:...}`, `!{firehose:random-string}` and
   * `!{partitionKeyFromLambda:...}` expressions. Without a timestamp expression,
   * `!{timestamp:yyyy/MM/dd/HH/}` is appended.
   * @default '' (objects go under `YYYY/MM/dd/HH/`)
   */
  readonly prefix?: string;
  /**
   * Prefix of the error output, with `!{firehose:error-output-type}`. Required when `prefix`
   * has expressions, as in Firehose.
   * @default '!{firehose:error-output-type}/' (then `yyyy/MM/dd/HH/` is appended)
   */
  readonly errorOutputPrefix?: string;
  /**
   * `GZIP` compresses objects (error output included) and names them `.gz`.
   * @default 'UNCOMPRESSED'
   */
  readonly compression?: 'UNCOMPRESSED' | 'GZIP';
  /**
   * Puts `\n` between records in delivered objects.
   * @default false
   */
  readonly newlineDelimiter?: boolean;
  /**
   * How long a failed object write is retried, with the HTTP endpoint's backoff (1 s doubling,
   * ±15 %, at most 2 min), before its records go to the error output (0–86,400; Firehose
   * retries S3 for 24 h).
   * @default 60
   */
  readonly retryDurationSeconds?: number;
  /**
   * Buffers and delivers per partition, keyed by the processor's `metadata.partitionKeys`
   * named in `prefix`. Absent: no dynamic partitioning.
   */
  readonly dynamicPartitioning?: DynamicPartitioningOptions;
}

/**
 * Error codes of records this destination fails (Firehose documents none: ours).
 *
 * @example
 * ```ts
 * if (failure.errorCode === S3ErrorCode.WriteFailed) console.warn(failure.errorMessage);
 * ```
 */
export const S3ErrorCode = {
  /** The record lacks a partition key the prefix names. */
  MetadataExtractionFailed: 'DynamicPartitioning.MetadataExtractionFailed',
  /**
   * The partition's prefix is over 512 characters, or its keys would have `.`, `..` or empty
   * segments or a leading `/` (S3 keys are literal; a directory would reinterpret them).
   */
  InvalidPrefix: 'S3.InvalidPrefix',
  /** The object could not be written (every attempt of the retry duration failed). */
  WriteFailed: 'S3.WriteFailed',
  /** `close()` was aborted before the object was written. */
  Aborted: 'S3.Aborted',
} as const;

const NEWLINE = Buffer.from('\n');

/**
 * A delivery stream destination that writes objects into a local directory, named exactly as
 * Firehose names S3 keys: `prefix` + `name-version-yyyy-MM-dd-HH-mm-ss-uuid` (UTC, time of the
 * oldest record), optionally GZIP'd, with failed records under the error output prefix as
 * Firehose's JSON lines. Objects appear atomically; failed writes are retried. Prefixes that
 * could only make keys a directory cannot hold literally are refused here, at creation.
 *
 * @example
 * ```ts
 * const destination = s3Directory({
 *   root: './bucket',
 *   prefix: 'clicks/!{timestamp:yyyy/MM/dd}/',
 *   errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
 *   compression: 'GZIP',
 * });
 * ```
 */
export function s3Directory(options: S3DirectoryOptions): Destination {
  const partitioned = options.dynamicPartitioning !== undefined;
  const compression = options.compression ?? DEFAULTS.s3Compression;
  if (compression !== 'UNCOMPRESSED' && compression !== 'GZIP') {
    throw new InvalidArgumentError(
      `compression must be UNCOMPRESSED or GZIP (ZIP, Snappy and HADOOP_SNAPPY are not supported locally), got ${String(compression)}`,
    );
  }
  const newline = options.newlineDelimiter ?? DEFAULTS.newlineDelimiter;
  const retryDurationSeconds = options.retryDurationSeconds ?? DEFAULTS.s3RetryDurationSeconds;
  requireRange('retryDurationSeconds', retryDurationSeconds, 0, RANGES.maxS3RetryDurationSeconds);
  const maxActivePartitions =
    options.dynamicPartitioning?.maxActivePartitions ?? DEFAULTS.maxActivePartitions;
  requireRange(
    'dynamicPartitioning.maxActivePartitions',
    maxActivePartitions,
    1,
    Number.MAX_SAFE_INTEGER,
  );

  const prefix = compilePrefix(options.prefix ?? '', 'prefix');
  if (prefix.hasExpressions && options.errorOutputPrefix === undefined) {
    throw new PrefixExpressionError(
      'errorOutputPrefix is required when prefix has !{...} expressions, as in Firehose',
    );
  }
  if (partitioned && prefix.partitionKeyNames.length === 0) {
    throw new PrefixExpressionError(
      'dynamic partitioning needs a prefix with at least one !{partitionKeyFromLambda:...}',
    );
  }
  if (!partitioned && prefix.partitionKeyNames.length > 0) {
    throw new PrefixExpressionError(
      '!{partitionKeyFromLambda:...} in the prefix needs dynamicPartitioning to be set',
    );
  }
  const errorPrefix = compilePrefix(
    options.errorOutputPrefix ?? '!{firehose:error-output-type}/',
    'errorOutputPrefix',
  );
  // The static parts are checked now with a harmless stand-in for each partition key, so a
  // prefix like '../logs/' fails here rather than every record at delivery.
  const standIns = Object.fromEntries(prefix.partitionKeyNames.map((name) => [name, 'key']));
  checkPrefix('prefix', prefix.evaluate({ timeMs: 0, partitionKeys: standIns }));
  checkPrefix(
    'errorOutputPrefix',
    errorPrefix.evaluate({ timeMs: 0, errorOutputType: 'http-endpoint-failed' }),
  );
  const store = objectStore(options.root, compression, retryDurationSeconds * 1000, {
    writeFailed: S3ErrorCode.WriteFailed,
    aborted: S3ErrorCode.Aborted,
  });

  const oldest = (records: readonly { arrivalMs: number }[]) =>
    records.reduce((min, record) => Math.min(min, record.arrivalMs), Number.POSITIVE_INFINITY);

  const partitionOf = (record: DestinationRecord): PartitionPlacement => {
    const values: string[] = [];
    for (const name of prefix.partitionKeyNames) {
      // Own keys only: a name such as `constructor` must not find Object.prototype's.
      const keys = record.partitionKeys;
      const value = keys !== undefined && Object.hasOwn(keys, name) ? keys[name] : undefined;
      if (value === undefined) {
        return {
          errorCode: S3ErrorCode.MetadataExtractionFailed,
          errorMessage: `the processor returned no partition key "${name}" for !{partitionKeyFromLambda:${name}}`,
        };
      }
      values.push(value);
    }
    const evaluated = prefix.evaluate({
      timeMs: record.arrivalMs,
      partitionKeys: record.partitionKeys ?? {},
    });
    try {
      checkPrefix('prefix', evaluated);
    } catch (error) {
      return { errorCode: S3ErrorCode.InvalidPrefix, errorMessage: (error as Error).message };
    }
    return { key: JSON.stringify(values) };
  };

  return {
    unexpectedFailure: { errorOutputType: 's3-failed', errorCode: S3ErrorCode.WriteFailed },
    ...(partitioned && { partitioning: { maxActivePartitions, partitionOf } }),
    async deliver(records, context): Promise<DeliveryResult> {
      const first = records[0];
      if (!first) return { delivered: [], failed: [] };
      const timeMs = oldest(records);
      const body = function* () {
        for (const [index, record] of records.entries()) {
          if (newline && index > 0) yield NEWLINE;
          yield record.data;
        }
      };
      const keyPrefix = prefix.evaluate({ timeMs, partitionKeys: first.partitionKeys ?? {} });
      const written = await store.write(keyPrefix, timeMs, body, context);
      if ('key' in written) {
        return { delivered: [{ location: written.key, records: records.length }], failed: [] };
      }
      return {
        delivered: [],
        failed: records.map((record) => failedRecord(record, 's3-failed', written.failure)),
      };
    },
    async writeErrors(records, context) {
      const first = records[0];
      if (!first) return [];
      const timeMs = oldest(records);
      const body = function* () {
        for (const record of records) yield `${JSON.stringify(errorDocument(record))}\n`;
      };
      const keyPrefix = errorPrefix.evaluate({ timeMs, errorOutputType: first.errorOutputType });
      const written = await store.write(keyPrefix, timeMs, body, context, true);
      if ('key' in written) return [written.key];
      const { attempts, stoppedBy } = written.failure;
      const last = stoppedBy ?? attempts.at(-1);
      throw new Error(
        `the error output could not be written after ${attempts.length} attempts: ${last?.errorMessage}`,
      );
    },
  };
}
