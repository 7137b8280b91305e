/** AWS error names a retry can get past. Anything else is final: an unknown error is not retriable. */
const RETRIABLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalFailure',
  // SubscribeToShard's event stream names it so.
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'KMSThrottlingException',
]);

/** Node network errors that mean the request may not have reached the service. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'TimeoutError',
  'AbortError',
]);

/** What {@link classifyError} makes of an error. */
export interface ClassifiedError {
  /** The AWS error name, or the network error code (`ECONNRESET`), or `Error`. */
  readonly code: string;
  readonly message: string;
  /** Whether trying again may succeed. */
  readonly retriable: boolean;
}

/** The code an error (from the AWS SDK, or the network) is reported with, and whether a retry may succeed. */
export function classifyError(error: unknown): ClassifiedError {
  const failure = error as {
    name?: string;
    code?: string;
    message?: string;
    $retryable?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  // A network error's code (ECONNRESET) says more than the name the SDK wraps it in.
  const networkCode =
    failure?.code !== undefined && NETWORK_CODES.has(failure.code) ? failure.code : undefined;
  const code =
    networkCode ??
    (failure?.name && failure.name !== 'Error' ? failure.name : (failure?.code ?? 'Error'));
  const message = failure?.message ?? String(error);
  const status = failure?.$metadata?.httpStatusCode;
  const retriable =
    RETRIABLE_CODES.has(code) ||
    NETWORK_CODES.has(code) ||
    failure?.$retryable !== undefined ||
    failure?.$fault === 'server' ||
    (status !== undefined && status >= 500);
  return { code, message, retriable };
}
