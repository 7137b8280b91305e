import { DEFAULTS as PRODUCER_DEFAULTS } from '@kinesis-kit/producer';

/** Defaults of the gateway's options, in one place. */
export const DEFAULTS = {
  /** Address to bind: loopback only; `0.0.0.0` exposes the gateway to the network. */
  host: '127.0.0.1',
  /** TCP port; 0 picks a free one. */
  port: 8080,
  /** Largest request body; larger ones get 413 and are not read further. */
  bodyLimitBytes: 1024 * 1024,
  /** Most visits in one request: a PutRecords' worth. */
  maxVisitsPerRequest: 500,
  /** Records the producer may hold; passed to the producer the gateway builds. */
  maxBufferedRecords: PRODUCER_DEFAULTS.maxBufferedRecords,
  /** Bytes (data + partition keys) the producer may hold; passed to the producer it builds. */
  maxBufferedBytes: PRODUCER_DEFAULTS.maxBufferedBytes,
  /** `Retry-After` of a 503 answer, in seconds. */
  retryAfterSeconds: 1,
  /** How long `close()` lets in-flight requests finish before it cuts their connections. */
  shutdownTimeoutMs: 10_000,
  /**
   * Connections served at once; more are refused. Bounds body memory to
   * `maxConnections × bodyLimitBytes` (256 MiB with the defaults).
   */
  maxConnections: 256,
  /** Time a client has to send a request's headers. */
  headersTimeoutMs: 10_000,
  /** Time a client has to send a whole request (headers and body). */
  requestTimeoutMs: 30_000,
} as const;
