import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisProducer, KinesisProducerOptions } from '@kinesis-kit/producer';
import { InvalidArgumentError, type Logger } from '@kinesis-kit/records';
import { DEFAULTS } from './defaults.js';
import type { Visit } from './visit.js';

/** Options of the producer the gateway builds, other than those the gateway sets itself. */
export type GatewayProducerOptions = Omit<
  KinesisProducerOptions,
  'streamName' | 'streamARN' | 'client' | 'maxBufferedRecords' | 'maxBufferedBytes' | 'logger'
>;

/** Where the visits go: a producer you own, or a stream the gateway builds a producer for. */
export type IngestGatewayTarget =
  | {
      /**
       * A producer you built (and close yourself; the gateway only flushes it on close). Set
       * `maxBufferedRecords` / `maxBufferedBytes` to its values so that the gateway answers 503
       * before the producer would make a put wait.
       */
      readonly producer: KinesisProducer;
    }
  | {
      /** The stream to write to; the gateway builds a producer and closes it on close. */
      readonly streamName: string;
      /**
       * The client the producer sends with (give it `maxAttempts: 1`). Without one the producer
       * builds one from the standard AWS configuration.
       */
      readonly client?: KinesisClient;
      /** More options for the producer the gateway builds (`lingerMs`, `recordTtlMs`, ...). */
      readonly producerOptions?: GatewayProducerOptions;
    };

/** Options of {@link createIngestGateway}. Every one but the target has a default (`defaults.ts`). */
export type IngestGatewayOptions = IngestGatewayTarget & {
  /** Address to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** TCP port; 0 picks a free one. @default 8080 */
  readonly port?: number;
  /** Largest request body; larger ones get 413 without being read further. @default 1048576 */
  readonly bodyLimitBytes?: number;
  /** Most visits in one request (≤ `maxBufferedRecords`). @default 500 */
  readonly maxVisitsPerRequest?: number;
  /**
   * Records the producer may hold. A batch that would take the producer past it gets 503 with
   * `Retry-After`. Passed to the producer the gateway builds. @default 20000
   */
  readonly maxBufferedRecords?: number;
  /** Bytes (data + partition keys) the producer may hold; as above. @default 16777216 */
  readonly maxBufferedBytes?: number;
  /**
   * The partition key of a visit. The default, {@link urlPartitionKey}, keys by URL: a page's
   * visits land on one shard and are counted there (in the order accepted only with the
   * producer's `ordering: 'per-partition-key'`; the default `'none'` may reorder retries).
   * @default urlPartitionKey
   */
  readonly partitionKey?: (visit: Visit) => string;
  /** `Retry-After` of 503 answers, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** How long `close()` waits for in-flight requests before cutting them. @default 10000 */
  readonly shutdownTimeoutMs?: number;
  /** Connections served at once. @default 256 */
  readonly maxConnections?: number;
  /** Time a client has to send a request's headers. @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send a whole request. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Where accepted visits that failed, and unexpected errors, are reported. @default silent */
  readonly logger?: Logger;
};

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly maxVisitsPerRequest: number;
  readonly maxBufferedRecords: number;
  readonly maxBufferedBytes: number;
  readonly retryAfterSeconds: number;
  readonly shutdownTimeoutMs: number;
  readonly maxConnections: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export function resolveOptions(options: IngestGatewayOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
    maxVisitsPerRequest: options.maxVisitsPerRequest ?? DEFAULTS.maxVisitsPerRequest,
    maxBufferedRecords: options.maxBufferedRecords ?? DEFAULTS.maxBufferedRecords,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    retryAfterSeconds: options.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
  };
  const ranges: [keyof ResolvedOptions, number, number][] = [
    ['port', 0, 65_535],
    ['bodyLimitBytes', 1, 1024 * 1024 * 1024],
    ['maxVisitsPerRequest', 1, 100_000],
    ['maxBufferedRecords', 1, Number.MAX_SAFE_INTEGER],
    ['maxBufferedBytes', 1, Number.MAX_SAFE_INTEGER],
    ['retryAfterSeconds', 0, 86_400],
    ['shutdownTimeoutMs', 0, 3_600_000],
    ['maxConnections', 1, 1_000_000],
    ['headersTimeoutMs', 1, 3_600_000],
    ['requestTimeoutMs', 1, 3_600_000],
  ];
  for (const [name, min, max] of ranges) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(
        `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
      );
    }
  }
  if (resolved.maxVisitsPerRequest > resolved.maxBufferedRecords) {
    // Such a batch could never be admitted: it would get 503 forever.
    throw new InvalidArgumentError(
      `maxVisitsPerRequest (${resolved.maxVisitsPerRequest}) must not exceed maxBufferedRecords (${resolved.maxBufferedRecords})`,
    );
  }
  if (typeof resolved.host !== 'string' || resolved.host === '') {
    throw new InvalidArgumentError('host must be a non-empty string');
  }
  return resolved;
}
