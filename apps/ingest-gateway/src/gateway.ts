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
  ProducerClosedError,
  type PutListener,
  type PutResult,
} from '@kinesis-kit/producer';
import {
  KinesisKitError,
  type Logger,
  silentLogger,
  type UserRecord,
  validateUserRecord,
} from '@kinesis-kit/records';
import { type BodyFormat, bodyFormatOf, parseVisits, readBody } from './body.js';
import { IngestGatewayError } from './errors.js';
import { type IngestGatewayOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { urlPartitionKey } from './partition-key.js';
import { RevocableListener, StoredAnswer } from './settle-listeners.js';
import type { Visit, VisitIssue } from './visit.js';
import { type VisitRecord, visitOf } from './visit-record.js';

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
  /** Answers the request, now or later; an error thrown here is answered by `#fail`. */
  readonly handle: (exchange: Exchange) => void;
}

/** The query of a request target without one (never mutated). */
const EMPTY_QUERY = new URLSearchParams();

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
  /** Resolved (and emptied) once no accepted visit is pending: `close()` waits on it. */
  #settledWaiters: (() => void)[] = [];
  /**
   * Follows each accepted visit until the producer settles it: counts it stored or failed (the
   * failure logged and emitted), then releases its room. `close()` waits for the count of
   * pending visits to reach zero.
   */
  readonly #follower: PutListener<UserRecord, PutResult>;
  /** Counts an answer by status once it is sent (`this` is the response). */
  readonly #countAnswer: (this: ServerResponse) => void;
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
    const byStatus = this.#byStatus;
    // One listener for every accepted record, not a promise or closure per visit.
    this.#follower = {
      stored: (_result, record) => {
        this.#stored++;
        this.#release((record as VisitRecord).recordBytes);
      },
      failed: (error, record) => {
        try {
          this.#visitFailed(visitOf(record), error);
        } finally {
          this.#release((record as VisitRecord).recordBytes);
        }
      },
    };
    // One listener for every response, not a closure per request.
    this.#countAnswer = function (this: ServerResponse) {
      byStatus.set(this.statusCode, (byStatus.get(this.statusCode) ?? 0) + 1);
    };
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
    await this.#allSettled();
    this.#logger.info(
      `ingest gateway closed: ${this.#stored} visits stored, ${this.#failed} failed of ${this.#accepted} accepted`,
    );
  }

  /** Starts a flush of the producer (its outcome reaches each record's listener). */
  #hurry(): void {
    this.producer.flush().catch((error: unknown) => {
      this.#logger.warn(`flushing the producer failed: ${(error as Error)?.message ?? error}`);
    });
  }

  #dispatch(request: IncomingMessage, response: ServerResponse, expectsContinue: boolean): void {
    this.#requests++;
    response.on('finish', this.#countAnswer);
    try {
      this.#route(request, response, expectsContinue);
    } catch (error) {
      this.#fail(response, error);
    }
  }

  #route(request: IncomingMessage, response: ServerResponse, expectsContinue: boolean): void {
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
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
    const query = queryAt < 0 ? EMPTY_QUERY : new URLSearchParams(target.slice(queryAt + 1));
    route.handle({ request, response, query, expectsContinue });
  }

  /**
   * `POST /v1/visits`: checks what it can before the body (shutdown, query, type, size), reads
   * the body, then validates, admits and answers in the body's `end` event: no promise on the
   * way to a 202.
   */
  #ingest({ request, response, query, expectsContinue }: Exchange): void {
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
    const { bodyLimitBytes } = this.#options;
    // A declared length over the limit is refused by readBody before the client sends a byte.
    if (expectsContinue && !(Number(request.headers['content-length']) > bodyLimitBytes)) {
      response.writeContinue();
    }
    readBody(request, bodyLimitBytes, (error, body) => {
      try {
        if (error !== undefined) throw error;
        this.#accept(response, body as Buffer, format, wait === 'stored');
      } catch (failure) {
        this.#fail(response, failure);
      }
    });
  }

  #accept(response: ServerResponse, body: Buffer, format: BodyFormat, waitStored: boolean): void {
    const validation = parseVisits(body, format, this.#options.maxVisitsPerRequest);
    if (!validation.ok) {
      // The answer #fail gives an InvalidVisitsError, without building one (and its stack).
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      this.#json(response, 400, {
        error: 'InvalidVisits',
        message: invalidVisitsMessage(validation.issues),
        retriable: false,
        issues: validation.issues,
      });
      return;
    }
    const { visits } = validation;
    const count = visits.length;
    if (this.#surelyNoRecordRoom(body.length, count)) throw this.#overloaded();
    const records: VisitRecord[] = new Array(count);
    let bytes = 0;
    for (let index = 0; index < count; index++) {
      const visit = visits[index] as Visit;
      const partitionKey = this.#partitionKey(visit);
      // Buffer.from takes a small string's bytes from Node's pool: 0.15 µs where
      // TextEncoder.encode allocates and takes 0.85 µs (300 bytes, measured). Same bytes:
      // JSON.stringify escapes lone surrogates.
      const data = Buffer.from(JSON.stringify(visit), 'utf8');
      let recordBytes: number;
      try {
        recordBytes = validateUserRecord({ partitionKey, data }).recordBytes;
      } catch (error) {
        // Only a custom partitionKey can make a valid visit an invalid record.
        throw new Error(
          `the partitionKey option made visit ${index} an invalid record: ${(error as Error).message}`,
          { cause: error },
        );
      }
      records[index] = { partitionKey, data, recordBytes, index };
      bytes += recordBytes;
    }
    if (!waitStored) {
      this.#admit(records, bytes, this.#follower);
      // Admitted while shutting down (the request began before): deliver now, not after lingerMs.
      if (this.#closing) this.#hurry();
      this.#json(response, 202, `{"accepted":${count}}`);
      return;
    }
    const answer = new StoredAnswer(count, this.#follower, (outcomes) => {
      try {
        this.#answerStored(response, visits, outcomes);
      } catch (error) {
        this.#fail(response, error);
      }
    });
    this.#admit(records, bytes, answer);
    if (this.#closing) this.#hurry();
  }

  /** `?wait=stored`: answers once every visit of the batch is stored (200) or given up on (502). */
  #answerStored(
    response: ServerResponse,
    visits: Visit[],
    outcomes: readonly PromiseSettledResult<PutResult>[],
  ): void {
    const failures: { visitId: string; error: Failure }[] = [];
    const results = outcomes.map((outcome, index) => {
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
   * Hands a batch to the producer if its buffer has room for all of it now, so that no record
   * waits; otherwise refuses the whole batch (503). A batch is admitted whole or not at all.
   * `listener` hears how each of its records settles.
   */
  #admit(
    records: VisitRecord[],
    bytes: number,
    listener: PutListener<UserRecord, PutResult>,
  ): void {
    const { maxBufferedRecords, maxBufferedBytes } = this.#options;
    if (bytes > maxBufferedBytes) {
      throw new IngestGatewayError(
        'PayloadTooLarge',
        `the visits make ${bytes} bytes of records, more than the producer's whole buffer (maxBufferedBytes ${maxBufferedBytes})`,
      );
    }
    if (this.#ownsProducer) {
      // The gateway is the producer's only user and releases room only after the producer has:
      // its own count is an upper bound of the producer's, so these records never wait.
      if (
        this.#pendingRecords + records.length > maxBufferedRecords ||
        this.#pendingBytes + bytes > maxBufferedBytes
      ) {
        throw this.#overloaded();
      }
      // send() cannot throw here: the records are valid, and the producer closes only once the
      // server has closed and its requests have finished.
      for (const record of records) this.producer.send(record, listener);
    } else {
      // A shared producer: others fill its buffer too, and its limits may differ from ours.
      const before = this.producer.metrics();
      if (
        before.bufferedRecords + records.length > maxBufferedRecords ||
        before.bufferedBytes + bytes > maxBufferedBytes
      ) {
        throw this.#overloaded();
      }
      const batch = new RevocableListener(listener);
      const rollback = new AbortController();
      const takeBack = (reason: unknown) => {
        batch.revoke();
        rollback.abort(reason);
      };
      try {
        for (const record of records) {
          this.producer.send(record, batch, { signal: rollback.signal });
        }
      } catch (error) {
        // Closed by its owner: the records it took go back too, and the answer is 503 as for a
        // full buffer (the README says so): another replica, or this one later, may take them.
        takeBack(error);
        if (error instanceof ProducerClosedError) throw this.#overloaded();
        throw error;
      }
      // A record that found room took it synchronously. If one did not, it would wait: take the
      // batch back before anything is sent (its records fail as Aborted, unheard).
      if (this.producer.metrics().bufferedRecords - before.bufferedRecords < records.length) {
        takeBack(this.#overloaded());
        throw this.#overloaded();
      }
    }
    this.#accepted += records.length;
    this.#pendingRecords += records.length;
    this.#pendingBytes += bytes;
  }

  #overloaded(): IngestGatewayError {
    const { maxBufferedRecords, maxBufferedBytes, retryAfterSeconds } = this.#options;
    return new IngestGatewayError(
      'Overloaded',
      `the producer's buffer is full (${maxBufferedRecords} records, ${maxBufferedBytes} bytes): retry after ${retryAfterSeconds} s`,
      { retriable: true },
    );
  }

  /**
   * Whether `#admit` would surely answer 503 for `count` valid visits from a body of `bodyBytes`,
   * known before their records are built: the gateway's own count of pending records leaves no
   * room for them. Only where `#admit` could not answer 413 instead: with the default partition
   * key a record takes at most its visit's share of the body twice (data re-serialized from it,
   * the URL key) plus 83 bytes (a timestamp such as `8e15` re-serialized in full, a `sha256:`
   * key), so the whole batch fits `maxBufferedBytes` whenever that bound does.
   */
  #surelyNoRecordRoom(bodyBytes: number, count: number): boolean {
    const { maxBufferedRecords, maxBufferedBytes } = this.#options;
    return (
      this.#ownsProducer &&
      this.#pendingRecords + count > maxBufferedRecords &&
      this.#partitionKey === urlPartitionKey &&
      2 * bodyBytes + 83 * count <= maxBufferedBytes
    );
  }

  #visitFailed(visit: Visit, error: unknown): void {
    this.#failed++;
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
  }

  /** A pending visit settled: its room is free again. */
  #release(bytes: number): void {
    this.#pendingRecords--;
    this.#pendingBytes -= bytes;
    if (this.#pendingRecords === 0 && this.#settledWaiters.length > 0) {
      const waiters = this.#settledWaiters;
      this.#settledWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves once every visit accepted so far has settled (stored or reported failed). */
  #allSettled(): Promise<void> {
    if (this.#pendingRecords === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
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

  /** Answers JSON (`body` already serialized when a string) in one `end()`. */
  #json(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers?: OutgoingHttpHeaders,
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const head: OutgoingHttpHeaders = {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    };
    if (headers !== undefined) Object.assign(head, headers);
    if (this.#closing) head.Connection = 'close';
    response.writeHead(status, head);
    response.end(text);
  }
}

/** 400 with the issues that make a batch invalid. */
export class InvalidVisitsError extends IngestGatewayError {
  override readonly name = 'InvalidVisitsError';
  /** Every issue found (the first `maxIssues`), each naming the visit, the field and the rule. */
  readonly issues: readonly VisitIssue[];

  constructor(issues: readonly VisitIssue[]) {
    super('InvalidVisits', invalidVisitsMessage(issues));
    this.issues = issues;
  }
}

/** The message of a 400 `InvalidVisits`: the first issue, how many more, and that none was kept. */
function invalidVisitsMessage(issues: readonly VisitIssue[]): string {
  const first = issues[0]?.message ?? 'invalid visits';
  return `${first}${issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : ''}; the whole batch was refused`;
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
