import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  KinesisProducer,
  type KinesisProducerMetrics,
  type PutResult,
} from '@kinesis-kit/producer';
import {
  KinesisKitError,
  type Logger,
  silentLogger,
  type UserRecord,
  validateUserRecord,
} from '@kinesis-kit/records';
import { bodyFormatOf, parseVisits, readBody } from './body.js';
import { IngestGatewayError } from './errors.js';
import { type IngestGatewayOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { urlPartitionKey } from './partition-key.js';
import type { Visit, VisitIssue } from './visit.js';

/** Events of an {@link IngestGateway}, by name. */
export interface IngestGatewayEvents {
  /** A visit the gateway accepted could not be stored: the producer gave up on it. */
  visit_failed: { visit: Visit; error: unknown };
}

/** A snapshot of what the gateway has done; `GET /metrics` answers it as JSON. */
export interface IngestGatewayMetrics {
  readonly requests: {
    readonly total: number;
    /** Answers by HTTP status (`"202"`, `"400"`, `"503"`, ...). */
    readonly byStatus: Readonly<Record<string, number>>;
  };
  readonly visits: {
    /** Handed to the producer (answered 202, or 200/502 with `?wait=stored`). */
    readonly accepted: number;
    /** Accepted and stored in the stream. */
    readonly stored: number;
    /** Accepted and given up on by the producer (also logged and emitted as `visit_failed`). */
    readonly failed: number;
    /** Accepted and not settled yet. */
    readonly pending: number;
    /** Bytes (data + partition keys) of the pending visits. */
    readonly pendingBytes: number;
  };
  readonly producer: KinesisProducerMetrics;
}

/** A running gateway. */
export interface IngestGateway extends AsyncDisposable {
  /** `http://host:port`. */
  readonly url: string;
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** The producer the visits go to. */
  readonly producer: KinesisProducer;
  /** A snapshot of requests, visits and the producer. */
  metrics(): IngestGatewayMetrics;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof IngestGatewayEvents>(
    name: K,
    listener: (event: IngestGatewayEvents[K]) => void,
  ): () => void;
  /**
   * Shuts down gracefully: stops accepting connections (requests on open connections get 503)
   * and starts flushing the producer at once, so that in-flight requests — `?wait=stored` ones
   * included, which wait for their visits to be stored — finish (up to `shutdownTimeoutMs`);
   * then flushes the producer again (and closes it if the gateway built it) so that every
   * accepted visit is stored or reported as failed. Idempotent.
   */
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const JSON_TYPE = 'application/json; charset=utf-8';
/** How often Node checks `headersTimeoutMs` and `requestTimeoutMs` on open connections. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** One request as a route sees it. */
interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly query: URLSearchParams;
  /** The client sent `Expect: 100-continue` and waits for it before sending the body. */
  readonly expectsContinue: boolean;
}

interface Route {
  readonly methods: readonly string[];
  readonly handle: (exchange: Exchange) => Promise<void> | void;
}

/**
 * Starts the HTTP front door for visits: `POST /v1/visits` validates one visit, an array or
 * NDJSON and hands them to a {@link KinesisProducer}, keyed by URL unless told otherwise; it
 * answers 202 once the producer holds them (or 200 once stored, with `?wait=stored`), 503 with
 * `Retry-After` when the producer's buffer is full. Also serves `/healthz`, `/readyz` and
 * `/metrics`.
 *
 * @example
 * ```ts
 * const gateway = await createIngestGateway({ streamName: 'visitor-counts', port: 0 });
 * await fetch(`${gateway.url}/v1/visits`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ visitId: 'v1', url: 'https://example.com/', visitorId: 'u1', timestamp: Date.now() }),
 * });
 * await gateway.close();
 * ```
 */
export async function createIngestGateway(options: IngestGatewayOptions): Promise<IngestGateway> {
  const resolved = resolveOptions(options);
  const logger = options.logger ?? silentLogger;
  let producer: KinesisProducer;
  let ownsProducer: boolean;
  if ('producer' in options) {
    producer = options.producer;
    ownsProducer = false;
  } else {
    producer = new KinesisProducer({
      ...options.producerOptions,
      streamName: options.streamName,
      ...(options.client === undefined ? {} : { client: options.client }),
      maxBufferedRecords: resolved.maxBufferedRecords,
      maxBufferedBytes: resolved.maxBufferedBytes,
      logger,
    });
    ownsProducer = true;
  }
  const gateway = new Gateway(
    resolved,
    producer,
    ownsProducer,
    options.partitionKey ?? urlPartitionKey,
    logger,
  );
  try {
    await gateway.listen();
  } catch (error) {
    if (ownsProducer) await producer.close();
    throw error;
  }
  return gateway;
}

class Gateway implements IngestGateway {
  readonly producer: KinesisProducer;
  readonly #options: ResolvedOptions;
  readonly #ownsProducer: boolean;
  readonly #partitionKey: (visit: Visit) => string;
  readonly #logger: Logger;
  readonly #server: Server;
  readonly #routes: ReadonlyMap<string, Route>;
  readonly #listeners = new Set<(event: IngestGatewayEvents['visit_failed']) => void>();
  /** One promise per accepted batch, settled once each of its visits is. */
  readonly #batches = new Set<Promise<void>>();
  #port = 0;
  #closing: Promise<void> | undefined;
  #requests = 0;
  readonly #byStatus = new Map<number, number>();
  #accepted = 0;
  #stored = 0;
  #failed = 0;
  #pendingRecords = 0;
  #pendingBytes = 0;

  constructor(
    options: ResolvedOptions,
    producer: KinesisProducer,
    ownsProducer: boolean,
    partitionKey: (visit: Visit) => string,
    logger: Logger,
  ) {
    this.#options = options;
    this.producer = producer;
    this.#ownsProducer = ownsProducer;
    this.#partitionKey = partitionKey;
    this.#logger = logger;
    this.#routes = new Map<string, Route>([
      ['/v1/visits', { methods: ['POST'], handle: (exchange) => this.#ingest(exchange) }],
      [
        '/healthz',
        {
          methods: ['GET', 'HEAD'],
          handle: ({ response }) => this.#json(response, 200, { status: 'ok' }),
        },
      ],
      ['/readyz', { methods: ['GET', 'HEAD'], handle: ({ response }) => this.#ready(response) }],
      [
        '/metrics',
        {
          methods: ['GET', 'HEAD'],
          handle: ({ response }) => this.#json(response, 200, this.metrics()),
        },
      ],
    ]);
    this.#server = createServer({
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node checks those two timeouts only this often (30 s by default): check every second,
      // so that a slow or stalled client is cut close to the timeout it was given.
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    });
    this.#server.maxConnections = options.maxConnections;
    this.#server.on('request', (request, response) => this.#dispatch(request, response, false));
    // Answer `Expect: 100-continue` only once the request may go on: a body that would be
    // refused (size, type, path) is then never sent at all.
    this.#server.on('checkContinue', (request, response) =>
      this.#dispatch(request, response, true),
    );
  }

  get url(): string {
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    return `http://${host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        reject(
          new IngestGatewayError(
            'ListenFailed',
            `cannot listen on ${this.#options.host}:${this.#options.port}: ${error.message}`,
            { cause: error },
          ),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        this.#logger.info(`ingest gateway listening on ${this.url}`);
        resolve();
      });
    });
  }

  on<K extends keyof IngestGatewayEvents>(
    _name: K,
    listener: (event: IngestGatewayEvents[K]) => void,
  ): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  metrics(): IngestGatewayMetrics {
    return {
      requests: {
        total: this.#requests,
        byStatus: Object.fromEntries([...this.#byStatus].map(([status, n]) => [String(status), n])),
      },
      visits: {
        accepted: this.#accepted,
        stored: this.#stored,
        failed: this.#failed,
        pending: this.#pendingRecords,
        pendingBytes: this.#pendingBytes,
      },
      producer: this.producer.metrics(),
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    const { shutdownTimeoutMs } = this.#options;
    // Send what the producer holds now, without waiting for lingerMs: a `?wait=stored` request
    // in flight waits for its visits to be stored, and the server's close waits for it.
    this.#hurry();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const timer = setTimeout(() => {
      this.#logger.warn(`requests still running after ${shutdownTimeoutMs} ms: cutting them`);
      this.#server.closeAllConnections();
    }, shutdownTimeoutMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
    }
    // Every accepted visit is now in the producer: send it without waiting for lingerMs.
    if (this.#ownsProducer) await this.producer.close();
    else await this.producer.flush();
    await Promise.all(this.#batches);
    this.#logger.info(
      `ingest gateway closed: ${this.#stored} visits stored, ${this.#failed} failed of ${this.#accepted} accepted`,
    );
  }

  /** Starts a flush of the producer (its outcome reaches each put's own promise). */
  #hurry(): void {
    this.producer.flush().catch((error: unknown) => {
      this.#logger.warn(`flushing the producer failed: ${(error as Error)?.message ?? error}`);
    });
  }

  #dispatch(request: IncomingMessage, response: ServerResponse, expectsContinue: boolean): void {
    this.#requests++;
    response.once('finish', () => {
      this.#byStatus.set(response.statusCode, (this.#byStatus.get(response.statusCode) ?? 0) + 1);
    });
    this.#route(request, response, expectsContinue).catch((error: unknown) =>
      this.#fail(response, error),
    );
  }

  async #route(
    request: IncomingMessage,
    response: ServerResponse,
    expectsContinue: boolean,
  ): Promise<void> {
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
    const route = this.#routes.get(path);
    if (!route) {
      throw new IngestGatewayError('NotFound', `no such path: ${path}`);
    }
    const method = request.method ?? 'GET';
    if (!route.methods.includes(method)) {
      response.setHeader('Allow', route.methods.join(', '));
      throw new IngestGatewayError(
        'MethodNotAllowed',
        `${method} is not allowed on ${path}; allowed: ${route.methods.join(', ')}`,
      );
    }
    if (expectsContinue && method !== 'POST') response.writeContinue();
    await route.handle({ request, response, query, expectsContinue });
  }

  async #ingest({ request, response, query, expectsContinue }: Exchange): Promise<void> {
    if (this.#closing) {
      throw new IngestGatewayError('ShuttingDown', 'the gateway is shutting down', {
        retriable: true,
      });
    }
    const wait = query.get('wait');
    if (wait !== null && wait !== 'stored' && wait !== 'accepted') {
      throw new IngestGatewayError(
        'InvalidQuery',
        `wait must be "stored" or "accepted", got ${JSON.stringify(wait)}`,
      );
    }
    const format = bodyFormatOf(request.headers['content-type']);
    const { bodyLimitBytes, maxVisitsPerRequest } = this.#options;
    // A declared length over the limit is refused by readBody before the client sends a byte.
    if (expectsContinue && !(Number(request.headers['content-length']) > bodyLimitBytes)) {
      response.writeContinue();
    }
    const body = await readBody(request, bodyLimitBytes);
    const validation = parseVisits(body, format, maxVisitsPerRequest);
    if (!validation.ok) throw new InvalidVisitsError(validation.issues);
    const { visits } = validation;
    const records: UserRecord[] = [];
    const sizes: number[] = [];
    let bytes = 0;
    visits.forEach((visit, index) => {
      const record = {
        partitionKey: this.#partitionKey(visit),
        data: encoder.encode(JSON.stringify(visit)),
      };
      let recordBytes: number;
      try {
        recordBytes = validateUserRecord(record).recordBytes;
      } catch (error) {
        // Only a custom partitionKey can make a valid visit an invalid record.
        throw new Error(
          `the partitionKey option made visit ${index} an invalid record: ${(error as Error).message}`,
          { cause: error },
        );
      }
      records.push(record);
      sizes.push(recordBytes);
      bytes += recordBytes;
    });
    const puts = this.#admit(records, bytes);
    this.#track(visits, puts, sizes);
    // Admitted while shutting down (the request began before): deliver it now, not after lingerMs.
    if (this.#closing) this.#hurry();
    if (wait !== 'stored') {
      this.#json(response, 202, { accepted: visits.length });
      return;
    }
    const settled = await Promise.allSettled(puts);
    const failures: { visitId: string; error: Failure }[] = [];
    const results = settled.map((outcome, index) => {
      const visitId = (visits[index] as Visit).visitId;
      if (outcome.status === 'fulfilled') {
        const { shardId, sequenceNumber, subSequenceNumber } = outcome.value;
        return {
          visitId,
          shardId,
          sequenceNumber,
          ...(subSequenceNumber === undefined ? {} : { subSequenceNumber }),
        };
      }
      const failure = { visitId, error: describeFailure(outcome.reason) };
      failures.push(failure);
      return failure;
    });
    const first = failures[0];
    if (first === undefined) {
      this.#json(response, 200, { stored: visits.length, results });
      return;
    }
    this.#json(response, 502, {
      error: 'DeliveryFailed',
      message: `${failures.length} of ${visits.length} visits could not be stored; visit ${first.visitId}: ${first.error.code}: ${first.error.message}`,
      retriable: failures.every((failure) => failure.error.retriable),
      stored: visits.length - failures.length,
      results,
    });
  }

  /**
   * Hands a batch to the producer if its buffer has room for all of it now, so that no put
   * waits; otherwise refuses the whole batch (503). A batch is admitted whole or not at all.
   */
  #admit(records: UserRecord[], bytes: number): Promise<PutResult>[] {
    const { maxBufferedRecords, maxBufferedBytes, retryAfterSeconds } = this.#options;
    if (bytes > maxBufferedBytes) {
      throw new IngestGatewayError(
        'PayloadTooLarge',
        `the visits make ${bytes} bytes of records, more than the producer's whole buffer (maxBufferedBytes ${maxBufferedBytes})`,
      );
    }
    const overloaded = () =>
      new IngestGatewayError(
        'Overloaded',
        `the producer's buffer is full (${maxBufferedRecords} records, ${maxBufferedBytes} bytes): retry after ${retryAfterSeconds} s`,
        { retriable: true },
      );
    let puts: Promise<PutResult>[];
    if (this.#ownsProducer) {
      // The gateway is the producer's only user and releases room only after the producer has:
      // its own count is an upper bound of the producer's, so these puts never wait.
      if (
        this.#pendingRecords + records.length > maxBufferedRecords ||
        this.#pendingBytes + bytes > maxBufferedBytes
      ) {
        throw overloaded();
      }
      puts = records.map((record) => this.producer.put(record));
    } else {
      // A shared producer: others fill its buffer too, and its limits may differ from ours.
      const before = this.producer.metrics();
      if (
        before.bufferedRecords + records.length > maxBufferedRecords ||
        before.bufferedBytes + bytes > maxBufferedBytes
      ) {
        throw overloaded();
      }
      const rollback = new AbortController();
      puts = records.map((record) => this.producer.put(record, { signal: rollback.signal }));
      // A put that found room took it synchronously. If one did not, it would wait: take the
      // batch back before anything is sent (the records' puts reject as Aborted).
      if (this.producer.metrics().bufferedRecords - before.bufferedRecords < records.length) {
        rollback.abort(overloaded());
        for (const put of puts) put.catch(() => {});
        throw overloaded();
      }
    }
    this.#accepted += records.length;
    this.#pendingRecords += records.length;
    this.#pendingBytes += bytes;
    return puts;
  }

  #track(visits: Visit[], puts: Promise<PutResult>[], sizes: number[]): void {
    const batch = Promise.all(
      puts.map((put, index) =>
        put
          .then(
            () => {
              this.#stored++;
            },
            (error: unknown) => {
              this.#failed++;
              const visit = visits[index] as Visit;
              this.#logger.error(`visit ${visit.visitId} was accepted but not stored`, {
                visitId: visit.visitId,
                url: visit.url,
                ...describeFailure(error),
              });
              for (const listener of this.#listeners) {
                try {
                  listener({ visit, error });
                } catch (listenerError) {
                  this.#logger.warn(`a visit_failed listener threw: ${String(listenerError)}`);
                }
              }
            },
          )
          .finally(() => {
            this.#pendingRecords--;
            this.#pendingBytes -= sizes[index] ?? 0;
          }),
      ),
    ).then(() => {
      this.#batches.delete(batch);
    });
    this.#batches.add(batch);
  }

  #ready(response: ServerResponse): void {
    if (this.#closing) {
      this.#json(response, 503, { status: 'shutting-down' });
      return;
    }
    const { bufferedRecords, bufferedBytes } = this.#ownsProducer
      ? { bufferedRecords: this.#pendingRecords, bufferedBytes: this.#pendingBytes }
      : this.producer.metrics();
    const full =
      bufferedRecords >= this.#options.maxBufferedRecords ||
      bufferedBytes >= this.#options.maxBufferedBytes;
    if (full) {
      response.setHeader('Retry-After', String(this.#options.retryAfterSeconds));
      this.#json(response, 503, { status: 'overloaded' });
      return;
    }
    this.#json(response, 200, { status: 'ready' });
  }

  #fail(response: ServerResponse, error: unknown): void {
    if (response.headersSent || response.destroyed) {
      response.destroy();
      return;
    }
    if (!(error instanceof IngestGatewayError)) {
      if (response.req.destroyed && !response.req.complete) return; // the client left mid-body
      this.#logger.error(`request failed: ${(error as Error)?.stack ?? String(error)}`);
      this.#json(response, 500, {
        error: 'InternalError',
        message: 'the gateway failed to handle the request',
        retriable: false,
      });
      return;
    }
    const headers: OutgoingHttpHeaders = {};
    if (error.status === 503) headers['Retry-After'] = String(this.#options.retryAfterSeconds);
    if (error.code === 'PayloadTooLarge') {
      // The rest of the body is not wanted: close the connection rather than read on.
      headers.Connection = 'close';
      response.once('finish', () => response.req.socket.destroySoon());
    }
    this.#json(
      response,
      error.status,
      {
        error: error.code,
        message: error.message,
        retriable: error.retriable,
        ...(error instanceof InvalidVisitsError ? { issues: error.issues } : {}),
      },
      headers,
    );
  }

  #json(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: OutgoingHttpHeaders = {},
  ): void {
    const text = JSON.stringify(body);
    if (this.#closing) headers.Connection = 'close';
    response.writeHead(status, {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...headers,
    });
    response.end(text);
  }
}

/** 400 with the issues that make a batch invalid. */
export class InvalidVisitsError extends IngestGatewayError {
  override readonly name = 'InvalidVisitsError';
  /** Every issue found (the first `maxIssues`), each naming the visit, the field and the rule. */
  readonly issues: readonly VisitIssue[];

  constructor(issues: readonly VisitIssue[]) {
    const first = issues[0]?.message ?? 'invalid visits';
    super(
      'InvalidVisits',
      `${first}${issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : ''}; the whole batch was refused`,
    );
    this.issues = issues;
  }
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly retriable: boolean;
}

function describeFailure(error: unknown): Failure {
  if (error instanceof KinesisKitError) {
    // A record that ran out of time may well be stored on a second try; a refusal will not.
    const retriable = error.retriable || error.code === 'RecordTtlExpired';
    return { code: error.code, message: error.message, retriable };
  }
  return { code: 'Unknown', message: String((error as Error)?.message ?? error), retriable: false };
}
