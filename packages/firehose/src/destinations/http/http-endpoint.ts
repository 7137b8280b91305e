import { randomUUID } from 'node:crypto';
import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';
import { DEFAULTS, RANGES } from '../../defaults.js';
import { gzip } from '../../shared/gzip.js';
import { requireRange } from '../../shared/require-range.js';
import type {
  Delivered,
  DeliveryContext,
  DeliveryResult,
  Destination,
  DestinationRecord,
  FailedRecord,
} from '../destination.js';
import { failedRecord } from '../failed-record.js';
import { ABORTED_MESSAGE, type AttemptFailure, withRetries } from '../retry.js';
import { checkResponse } from './check-response.js';
import { buildHeaders } from './headers.js';
import { post } from './post.js';
import { requestBody, splitRequests } from './request-body.js';

/** Options of {@link httpEndpoint}. */
export interface HttpEndpointOptions {
  /** Where to POST. Firehose only allows https on port 443; locally http works too. */
  readonly url: string | URL;
  /** Sent as `X-Amz-Firehose-Access-Key`; at most 4,096 bytes of printable ASCII. */
  readonly accessKey?: string;
  /**
   * Sent as `X-Amz-Firehose-Common-Attributes`; at most 50 entries; names and values must be
   * printable ASCII, as HTTP header values must.
   */
  readonly commonAttributes?: Readonly<Record<string, string>>;
  /**
   * `GZIP` compresses request bodies and sends `Content-Encoding: gzip`.
   * @default 'NONE'
   */
  readonly compression?: 'NONE' | 'GZIP';
  /**
   * How long a failed request is retried (0–7,200 s); then its records go to the error output.
   * @default 300
   */
  readonly retryDurationSeconds?: number;
  /**
   * How long the endpoint has to answer one request (1–180,000).
   * @default 180000 (the spec's 3 minutes)
   */
  readonly responseTimeoutMs?: number;
  /**
   * Where failed records go (Firehose's S3 backup, failed data only): usually
   * {@link s3Directory}. Processing failures of the stream land there too.
   */
  readonly errorOutput: Destination;
}

/**
 * Error codes of failed HTTP endpoint deliveries, as Firehose logs them (`DeliveryFailed` and
 * `Aborted` are ours).
 *
 * @example
 * ```ts
 * if (failure.errorCode === HttpEndpointErrorCode.RequestTimeout) console.warn('endpoint slow');
 * ```
 */
export const HttpEndpointErrorCode = {
  /** The endpoint answered, but not 200. */
  DestinationException: 'HttpEndpoint.DestinationException',
  /** A 200 whose body is not `{ requestId (the one sent), timestamp }` JSON. */
  InvalidResponseFromDestination: 'HttpEndpoint.InvalidResponseFromDestination',
  /** The response body is over 1 MiB. */
  ResponseTooLarge: 'HttpEndpoint.ResponseTooLarge',
  /** No answer within the response timeout. */
  RequestTimeout: 'HttpEndpoint.RequestTimeout',
  /** The connection could not be made or broke, or the request could not be sent. */
  ConnectionFailed: 'HttpEndpoint.ConnectionFailed',
  /** Delivery threw unexpectedly (a bug): the records go to the error output with the error. */
  DeliveryFailed: 'HttpEndpoint.DeliveryFailed',
  /** `close()` was aborted before the request succeeded (while it was sent, or before). */
  Aborted: 'HttpEndpoint.Aborted',
} as const;

/**
 * A delivery stream destination that follows Firehose's HTTP endpoint delivery specification:
 * POSTs `{ requestId, timestamp, records: [{ data }] }` with the `X-Amz-Firehose-*` headers,
 * keeps the request id across retries, accepts only a 200 whose JSON echoes the request id,
 * retries everything but 413 with backoff (1 s doubling, ±15 % jitter, at most 2 min) for
 * `retryDurationSeconds`, then hands the records to `errorOutput` as `http-endpoint-failed`.
 *
 * @example
 * ```ts
 * const destination = httpEndpoint({
 *   url: 'http://127.0.0.1:8080/ingest',
 *   accessKey: 'secret',
 *   errorOutput: s3Directory({ root: './backup' }),
 * });
 * ```
 */
export function httpEndpoint(options: HttpEndpointOptions): Destination {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`url must be http or https, got ${url.protocol}`);
  }
  const retryDurationSeconds = options.retryDurationSeconds ?? DEFAULTS.retryDurationSeconds;
  requireRange('retryDurationSeconds', retryDurationSeconds, 0, RANGES.maxRetryDurationSeconds);
  const responseTimeoutMs = options.responseTimeoutMs ?? DEFAULTS.responseTimeoutMs;
  requireRange(
    'responseTimeoutMs',
    responseTimeoutMs,
    1,
    FIREHOSE_LIMITS.httpEndpointResponseTimeoutMs,
  );
  const compression = options.compression ?? DEFAULTS.httpCompression;
  if (compression !== 'NONE' && compression !== 'GZIP') {
    throw new InvalidArgumentError(`compression must be NONE or GZIP, got ${String(compression)}`);
  }
  const fixedHeaders = buildHeaders(options, compression);
  const retry = {
    retryDurationMs: retryDurationSeconds * 1000,
    abortedCode: HttpEndpointErrorCode.Aborted,
  };
  // Where records_delivered says they went: never the query string or credentials, which
  // often carry secrets.
  const location = `${url.origin}${url.pathname}`;

  const attempt = async (
    requestId: string,
    headers: Record<string, string>,
    body: Uint8Array,
    context: DeliveryContext,
  ): Promise<AttemptFailure | undefined> => {
    const outcome = await post(
      url,
      headers,
      body,
      responseTimeoutMs,
      context.clock,
      context.signal,
    );
    switch (outcome.kind) {
      case 'timeout':
        return {
          code: HttpEndpointErrorCode.RequestTimeout,
          message: `no response within ${responseTimeoutMs} ms`,
          final: false,
        };
      case 'aborted':
        return { code: HttpEndpointErrorCode.Aborted, message: ABORTED_MESSAGE, final: true };
      case 'connection':
        return {
          code: HttpEndpointErrorCode.ConnectionFailed,
          message: outcome.message,
          final: false,
        };
    }
    if (outcome.tooLarge) {
      return {
        code: HttpEndpointErrorCode.ResponseTooLarge,
        message: `the response body is over ${FIREHOSE_LIMITS.httpEndpointMaxResponseBytes} bytes`,
        final: false,
      };
    }
    const text = outcome.body.toString('utf8');
    if (outcome.status !== 200) {
      return {
        code: HttpEndpointErrorCode.DestinationException,
        message: `the endpoint answered ${outcome.status}: ${text.slice(0, 1024)}`,
        final: outcome.status === 413,
      };
    }
    const problem = checkResponse(text, requestId);
    return problem === undefined
      ? undefined
      : {
          code: HttpEndpointErrorCode.InvalidResponseFromDestination,
          message: problem,
          final: false,
        };
  };

  /**
   * Sends one request until it succeeds or runs out of time; returns its failed records. The
   * body is built (and gzip'd) once: every retry sends the same bytes, as the request id must
   * stay the same too.
   */
  const send = async (
    records: readonly DestinationRecord[],
    context: DeliveryContext,
  ): Promise<FailedRecord[]> => {
    const requestId = randomUUID();
    const json = requestBody(requestId, context.clock.now(), records);
    const body = compression === 'GZIP' ? await gzip(json) : json;
    const headers = {
      ...fixedHeaders,
      'X-Amz-Firehose-Request-Id': requestId,
      'X-Amz-Firehose-Source-Arn': context.deliveryStreamArn,
    };
    const failure = await withRetries(context, retry, () =>
      attempt(requestId, headers, body, context),
    );
    if (failure === undefined) return [];
    return records.map((record) => failedRecord(record, 'http-endpoint-failed', failure));
  };

  return {
    unexpectedFailure: {
      errorOutputType: 'http-endpoint-failed',
      errorCode: HttpEndpointErrorCode.DeliveryFailed,
    },
    async deliver(records, context): Promise<DeliveryResult> {
      const delivered: Delivered[] = [];
      const failed: FailedRecord[] = [];
      for (const request of splitRequests(records)) {
        const failures = await send(request, context);
        if (failures.length === 0) delivered.push({ location, records: request.length });
        failed.push(...failures);
      }
      return { delivered, failed };
    },
    writeErrors: (records, context) => options.errorOutput.writeErrors(records, context),
  };
}
