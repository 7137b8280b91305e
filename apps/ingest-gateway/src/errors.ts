import { KinesisKitError, type KinesisKitErrorOptions } from '@kinesis-kit/records';

/** Codes of {@link IngestGatewayError}; each maps to one HTTP status. */
export const IngestGatewayErrorCode = {
  /** 400: the body is not valid JSON / NDJSON, or a visit breaks the schema. */
  InvalidVisits: 'InvalidVisits',
  /** 400: a query parameter has a value the gateway does not know. */
  InvalidQuery: 'InvalidQuery',
  /** 404: no such path. */
  NotFound: 'NotFound',
  /** 405: the path exists, the method does not. */
  MethodNotAllowed: 'MethodNotAllowed',
  /** 413: the body is larger than `bodyLimitBytes`, or its records larger than the buffer. */
  PayloadTooLarge: 'PayloadTooLarge',
  /** 415: neither `application/json` nor `application/x-ndjson` (UTF-8). */
  UnsupportedMediaType: 'UnsupportedMediaType',
  /** 503: the producer's buffer has no room for the batch now; retry after `Retry-After`. */
  Overloaded: 'Overloaded',
  /** 503: the gateway is shutting down and takes no new visits. */
  ShuttingDown: 'ShuttingDown',
  /** 502 (`?wait=stored` only): some visits were accepted but could not be stored. */
  DeliveryFailed: 'DeliveryFailed',
  /** The server could not listen on the host and port asked for. */
  ListenFailed: 'ListenFailed',
} as const;
export type IngestGatewayErrorCode =
  (typeof IngestGatewayErrorCode)[keyof typeof IngestGatewayErrorCode];

/** The HTTP status each error code is answered with. */
export const STATUS_OF_CODE: Readonly<Record<IngestGatewayErrorCode, number>> = {
  InvalidVisits: 400,
  InvalidQuery: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  Overloaded: 503,
  ShuttingDown: 503,
  DeliveryFailed: 502,
  ListenFailed: 500,
};

/**
 * The base of every error the gateway raises or answers with. `status` is the HTTP status it is
 * answered with; `retriable` says whether sending the same request again may succeed (503s are,
 * 4xxs are not).
 *
 * @example
 * ```ts
 * const error = new IngestGatewayError('Overloaded', 'buffer full', { retriable: true });
 * console.log(error.status); // 503
 * ```
 */
export class IngestGatewayError extends KinesisKitError {
  override readonly name: string = 'IngestGatewayError';
  declare readonly code: IngestGatewayErrorCode;
  /** The HTTP status the gateway answers this error with. */
  readonly status: number;

  constructor(code: IngestGatewayErrorCode, message: string, options: KinesisKitErrorOptions = {}) {
    super(code, message, options);
    this.status = STATUS_OF_CODE[code];
  }
}
