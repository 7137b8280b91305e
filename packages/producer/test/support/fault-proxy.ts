import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { seededRandom } from '@kinesis-kit/records';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { credentials } from './local.js';

/**
 * What the proxy does to the requests it targets. Each probability (0–1) is drawn per request
 * from a PRNG seeded with the proxy's seed and the request's arrival index, so request n meets
 * the same fate in every run.
 */
export interface FaultPlan {
  /** Operations (`PutRecords`, `ListShards`, ...) the faults apply to; every one when absent. */
  readonly operations?: readonly string[];
  /** Requests faulted at most (delays not counted); afterwards requests pass untouched. */
  readonly maxFaults?: number;
  /** Chance that a request is held before it is handled. */
  readonly delay?: number;
  /** How long a held request waits, uniformly from min to max. @default [5, 50] */
  readonly delayMs?: readonly [number, number];
  /** Close the connection without forwarding: Kinesis never sees the request. */
  readonly dropBeforeForward?: number;
  /** Answer 500 InternalFailure without forwarding. */
  readonly internalFailure?: number;
  /** Answer a PutRecords with 400 ProvisionedThroughputExceededException without forwarding. */
  readonly throttle?: number;
  /** Forward, then close the connection instead of answering: Kinesis stored what it accepted. */
  readonly dropAfterForward?: number;
  /** For each entry Kinesis stored, the chance that the answer says InternalFailure instead. */
  readonly failEntry?: number;
}

/** What the proxy did, by kind. Faults of the request-level kinds exclude each other. */
export interface FaultCounters {
  readonly requests: number;
  /** Requests that reached Kinesis. */
  readonly forwarded: number;
  readonly delayed: number;
  readonly droppedBeforeForward: number;
  readonly internalFailures: number;
  readonly throttled: number;
  readonly droppedAfterForward: number;
  /** PutRecords answers in which at least one stored entry was turned into a failure. */
  readonly rewrittenAnswers: number;
  /** Stored entries answered as InternalFailure. */
  readonly rewrittenEntries: number;
  /**
   * Kinesis records stored but not acknowledged to the client (answer dropped, entry rewritten,
   * client gone): the only records that may legitimately appear twice.
   */
  readonly unacknowledgedEntries: number;
  /** Entries Kinesis itself refused with ProvisionedThroughputExceededException. */
  readonly upstreamThrottledEntries: number;
  /** Requests the proxy could not forward (Kinesis unreachable). */
  readonly upstreamErrors: number;
}

/** A fault-injecting HTTP/1.1 proxy in front of a Kinesis endpoint. */
export interface FaultProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** A snapshot of what the proxy did so far. */
  counters(): FaultCounters;
  /** Sequence numbers of the stored records counted in `unacknowledgedEntries`. */
  readonly unacknowledgedSequenceNumbers: ReadonlySet<string>;
  /** Replaces the fault plan (and restarts its `maxFaults` budget). */
  setFaults(plan: FaultPlan): void;
  /** Resolves once `count` requests (of `operation`, if given) have arrived. */
  whenRequests(count: number, operation?: string): Promise<void>;
  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

type Counters = { -readonly [K in keyof FaultCounters]: FaultCounters[K] };

const JSON_TYPE = 'application/x-amz-json-1.1';
/** Hop-by-hop headers, and those a rewritten body invalidates. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'x-amz-crc32',
]);

/**
 * Starts a proxy on 127.0.0.1 (a free port) that forwards each request to `upstream` and its
 * answer back, except where the fault plan says otherwise.
 */
export async function startFaultProxy(options: {
  upstream: string;
  seed: number;
  faults?: FaultPlan;
}): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counters: Counters = {
    requests: 0,
    forwarded: 0,
    delayed: 0,
    droppedBeforeForward: 0,
    internalFailures: 0,
    throttled: 0,
    droppedAfterForward: 0,
    rewrittenAnswers: 0,
    rewrittenEntries: 0,
    unacknowledgedEntries: 0,
    upstreamThrottledEntries: 0,
    upstreamErrors: 0,
  };
  const unacknowledged = new Set<string>();
  const arrivals = new Map<string, number>();
  const waiters = new Set<{ count: number; operation: string | undefined; resolve: () => void }>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let plan: FaultPlan = options.faults ?? {};
  let faultsLeft = plan.maxFaults ?? Number.POSITIVE_INFINITY;
  let closed = false;

  const hold = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const arrived = (operation: string) => {
    counters.requests++;
    arrivals.set(operation, (arrivals.get(operation) ?? 0) + 1);
    for (const waiter of waiters) {
      const seen =
        waiter.operation === undefined ? counters.requests : (arrivals.get(waiter.operation) ?? 0);
      if (seen >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const takeFault = (): boolean => {
    if (faultsLeft <= 0) return false;
    faultsLeft--;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const index = counters.requests;
    arrived(operation);
    const body = await readBody(req);
    const current = plan;
    const targeted = current.operations === undefined || current.operations.includes(operation);
    // Fixed draws per request, so that one fault's outcome never shifts another's.
    const random = seededRandom(options.seed ^ Math.imul(index + 1, 0x9e3779b1));
    const delayDraw = random();
    const delayFraction = random();
    const outcomeDraw = random();
    if (!targeted) {
      await forward(req, res, body, operation, { dropAnswer: false, failEntry: 0, random });
      return;
    }
    if (delayDraw < (current.delay ?? 0)) {
      const [min, max] = current.delayMs ?? [5, 50];
      counters.delayed++;
      await hold(min + delayFraction * (max - min));
      if (closed || req.socket.destroyed) return;
    }
    const isPut = operation === 'PutRecords';
    let edge = 0;
    const next = (probability: number | undefined) => {
      edge += probability ?? 0;
      return outcomeDraw < edge;
    };
    if (next(current.dropBeforeForward) && takeFault()) {
      counters.droppedBeforeForward++;
      req.socket.destroy();
    } else if (next(current.internalFailure) && takeFault()) {
      counters.internalFailures++;
      answerError(res, 500, 'InternalFailure', 'injected by the fault proxy');
    } else if (next(isPut ? current.throttle : 0) && takeFault()) {
      counters.throttled++;
      answerError(
        res,
        400,
        'ProvisionedThroughputExceededException',
        'Rate exceeded for the stream (injected by the fault proxy).',
      );
    } else if (next(current.dropAfterForward) && takeFault()) {
      await forward(req, res, body, operation, { dropAnswer: true, failEntry: 0, random });
    } else {
      const failEntry = faultsLeft > 0 ? (current.failEntry ?? 0) : 0;
      await forward(req, res, body, operation, { dropAnswer: false, failEntry, random });
    }
  };

  const forward = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    operation: string,
    how: { dropAnswer: boolean; failEntry: number; random: () => number },
  ): Promise<void> => {
    let answer: { status: number; headers: IncomingHttpHeaders; body: Buffer };
    try {
      answer = await send(req, body);
    } catch {
      counters.upstreamErrors++;
      req.socket.destroy();
      return;
    }
    counters.forwarded++;
    const put = operation === 'PutRecords' && answer.status === 200 ? parsePut(answer.body) : null;
    if (put) {
      for (const entry of put.Records) {
        if (entry.ErrorCode === 'ProvisionedThroughputExceededException') {
          counters.upstreamThrottledEntries++;
        }
      }
    }
    const notAcknowledged = (entry: PutRecordsEntry) => {
      if (entry.SequenceNumber === undefined) return;
      counters.unacknowledgedEntries++;
      unacknowledged.add(entry.SequenceNumber);
    };
    if (how.dropAnswer || closed || req.socket.destroyed) {
      if (how.dropAnswer) counters.droppedAfterForward++;
      for (const entry of put?.Records ?? []) notAcknowledged(entry);
      req.socket.destroy();
      return;
    }
    let out = answer.body;
    if (put && how.failEntry > 0) {
      let rewritten = 0;
      const records = put.Records.map((entry) => {
        if (entry.SequenceNumber === undefined || how.random() >= how.failEntry) return entry;
        rewritten++;
        notAcknowledged(entry);
        return {
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'Internal service failure (injected).',
        };
      });
      if (rewritten > 0) {
        faultsLeft--;
        counters.rewrittenAnswers++;
        counters.rewrittenEntries += rewritten;
        out = Buffer.from(
          JSON.stringify({
            ...put,
            FailedRecordCount: put.FailedRecordCount + rewritten,
            Records: records,
          }),
        );
      }
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!DROPPED_RESPONSE_HEADERS.has(name) && value !== undefined) headers[name] = value;
    }
    headers['content-length'] = out.byteLength;
    res.writeHead(answer.status, headers);
    res.end(out);
  };

  const send = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          {
            agent,
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (response) => {
            readBody(response).then(
              (answerBody) =>
                resolve({
                  status: response.statusCode ?? 502,
                  headers: response.headers,
                  body: answerBody,
                }),
              reject,
            );
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      },
    );

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    counters: () => ({ ...counters }),
    unacknowledgedSequenceNumbers: unacknowledged,
    setFaults(next) {
      plan = next;
      faultsLeft = next.maxFaults ?? Number.POSITIVE_INFINITY;
    },
    whenRequests(count, operation) {
      const seen = operation === undefined ? counters.requests : (arrivals.get(operation) ?? 0);
      if (seen >= count) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.add({ count, operation, resolve });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await stopped;
    },
    [Symbol.asyncDispose]() {
      return proxy.close();
    },
  };
  return proxy;
}

/** A KinesisClient that talks HTTP/1.1 to `endpoint`, without SDK retries. */
export function proxiedClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

interface PutRecordsEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

function parsePut(body: Buffer): { FailedRecordCount: number; Records: PutRecordsEntry[] } | null {
  const parsed = JSON.parse(body.toString('utf8')) as {
    FailedRecordCount?: number;
    Records?: PutRecordsEntry[];
  };
  if (!Array.isArray(parsed.Records)) return null;
  return { ...parsed, FailedRecordCount: parsed.FailedRecordCount ?? 0, Records: parsed.Records };
}

function answerError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = Buffer.from(JSON.stringify({ __type: type, message }));
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': body.byteLength,
    'x-amzn-requestid': 'fault-proxy',
  });
  res.end(body);
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('close', () => {
      if (!stream.complete) reject(new Error('the stream closed before its end'));
    });
  });
}
