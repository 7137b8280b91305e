import { gunzipSync } from 'node:zlib';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { CloudWatchLogsDecodedData, CloudWatchLogsLogEvent } from 'aws-lambda';
import { DEFAULTS } from '../defaults.js';
import { CloudWatchLogsDataError } from '../errors.js';
import { defineTransformer, type TransformerOptions } from './define-transformer.js';
import { toJson } from './encode.js';
import { dropped, ok } from './results.js';
import type { FirehoseTransformer } from './types.js';

// A record is at most 1,000 KiB of gzip, which can inflate a thousandfold. Decoding stops at
// Lambda's 6 MB response size: an envelope bigger than that could not be returned even whole,
// and the cap keeps a gzip bomb from taking the process down.
const MAX_DECODED_BYTES = FIREHOSE_LIMITS.lambdaMaxPayloadBytes;

/**
 * Decodes what a CloudWatch Logs subscription puts on a delivery stream: gzip of a JSON
 * envelope (`messageType`, `logGroup`, `logStream`, `logEvents`, ...). Data that inflates to
 * more than 6,291,456 bytes is refused with {@link CloudWatchLogsDataError}.
 *
 * @example
 * ```ts
 * const envelope = decodeCloudWatchLogs(record.rawData);
 * for (const event of envelope.logEvents) console.log(event.message);
 * ```
 */
export function decodeCloudWatchLogs(data: Uint8Array): CloudWatchLogsDecodedData {
  let json: string;
  try {
    json = gunzipSync(data, { maxOutputLength: MAX_DECODED_BYTES }).toString('utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CloudWatchLogsDataError(
        `data decompresses to more than ${MAX_DECODED_BYTES} bytes, the limit (Lambda's 6 MB response size)`,
        error,
      );
    }
    throw new CloudWatchLogsDataError(`data is not gzip: ${(error as Error).message}`, error);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(json);
  } catch (error) {
    throw new CloudWatchLogsDataError(`data is not JSON: ${(error as Error).message}`, error);
  }
  const candidate = envelope as Partial<CloudWatchLogsDecodedData> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.messageType !== 'string' ||
    !Array.isArray(candidate.logEvents)
  ) {
    throw new CloudWatchLogsDataError('data is not a CloudWatch Logs envelope');
  }
  return candidate as CloudWatchLogsDecodedData;
}

/** Options of {@link cloudWatchLogsTransformer}. */
export interface CloudWatchLogsTransformerOptions
  extends Omit<TransformerOptions<'bytes'>, 'decode'> {
  /**
   * `'lines'`: each log event's message (or what `transformLogEvent` returns) as one
   * newline-terminated line. `'ndjson'`: each log event as one JSON line with its log group
   * and stream (or what `transformLogEvent` returns, serialised).
   * @default 'lines'
   */
  readonly format?: 'lines' | 'ndjson';
  /**
   * Maps one log event to its output; `undefined` leaves the event out. A record whose events
   * are all left out is Dropped. In `'lines'` format it must return a string.
   * @default the message ('lines') or `{ id, timestamp, message, logGroup, logStream }`
   */
  readonly transformLogEvent?: (
    event: CloudWatchLogsLogEvent,
    envelope: CloudWatchLogsDecodedData,
  ) => unknown;
}

/**
 * A transformer for CloudWatch Logs subscription data: gunzips each record, drops
 * CONTROL_MESSAGE records (as AWS's blueprint does), and turns a DATA_MESSAGE into one output
 * holding one line per log event. Data that is not a gzip'd envelope fails the record.
 *
 * @example
 * ```ts
 * export const handler = cloudWatchLogsTransformer({ format: 'ndjson' });
 * ```
 */
export function cloudWatchLogsTransformer(
  options: CloudWatchLogsTransformerOptions = {},
): FirehoseTransformer {
  const format = options.format ?? DEFAULTS.cloudWatchLogsFormat;
  const { transformLogEvent, format: _format, ...transformerOptions } = options;
  const defaultEvent = (event: CloudWatchLogsLogEvent, envelope: CloudWatchLogsDecodedData) =>
    format === 'lines'
      ? event.message
      : {
          id: event.id,
          timestamp: event.timestamp,
          message: event.message,
          logGroup: envelope.logGroup,
          logStream: envelope.logStream,
        };
  const map = transformLogEvent ?? defaultEvent;
  return defineTransformer(async (record) => {
    const envelope = decodeCloudWatchLogs(record.data);
    if (envelope.messageType === 'CONTROL_MESSAGE') return dropped();
    if (envelope.messageType !== 'DATA_MESSAGE') {
      throw new CloudWatchLogsDataError(`unknown messageType ${envelope.messageType}`);
    }
    let output = '';
    for (const event of envelope.logEvents) {
      const value = await map(event, envelope);
      if (value === undefined) continue;
      if (format === 'lines' && typeof value !== 'string') {
        throw new CloudWatchLogsDataError('transformLogEvent must return a string in lines format');
      }
      const line = format === 'lines' ? (value as string) : toJson(value);
      output += line.endsWith('\n') ? line : `${line}\n`;
    }
    return output === '' ? dropped() : ok(output);
  }, transformerOptions);
}
