import type { AddressInfo, Server, Socket } from 'node:net';
import { type Logger, silentLogger } from '@kinesis-kit/records';
import {
  type MetricsReport,
  metricsReport,
  type StreamMetrics,
  streamMetricsReport,
} from './admin/metrics-report.js';
import { DEFAULTS } from './defaults.js';
import type { Clock } from './engine/clock.js';
import { systemClock } from './engine/clock.js';
import { Engine } from './engine/engine.js';
import { type LimitsProfileName, limitsProfile } from './engine/limits-profile.js';
import { LocalKinesisError } from './errors.js';
import {
  type FaultPlan,
  FaultSwitch,
  type FaultsReport,
  validateFaultPlan,
} from './faults/fault-plan.js';
import { createDualProtocolServer } from './http/dual-protocol-server.js';
import { createJsonHandler } from './protocol/json-handler.js';
import { lockDataDir } from './storage/data-dir-lock.js';
import { FileStore } from './storage/file-store.js';
import { MemoryStore } from './storage/memory-store.js';
import type { Store } from './storage/store.js';

/** Options of {@link startLocalKinesis}. Every one has a default (see `defaults.ts`). */
export interface LocalKinesisOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Address to bind. Anything but loopback exposes the endpoint to the network. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Directory for durable storage. Without it everything lives in memory and a restart starts
   * empty; with it, streams and records survive restarts and crashes.
   */
  readonly dataDir?: string;
  /**
   * When durable writes are acknowledged: `always` after fsync (nothing acknowledged is lost,
   * even to power loss), `interval` after write() with fsync every 100 ms (survives a process
   * crash), `never` leaves flushing to the OS.
   * @default 'always'
   */
  readonly fsync?: 'always' | 'interval' | 'never';
  /** `aws` enforces AWS's per-shard throughput limits; `off` disables them (validation stays). @default 'aws' */
  readonly limits?: LimitsProfileName;
  /** Account id in ARNs and messages. @default '123456789012' */
  readonly accountId?: string;
  /** Region in ARNs and messages. @default 'us-east-1' */
  readonly region?: string;
  /** How long a new stream stays CREATING before ACTIVE. @default 0 */
  readonly createStreamDelayMs?: number;
  /** How long a deleted stream stays DELETING before it disappears. @default 0 */
  readonly deleteStreamDelayMs?: number;
  /**
   * How long a stream stays UPDATING after SplitShard, MergeShards, UpdateShardCount or
   * UpdateStreamMode; the shards change at once, other changes are refused until then.
   * @default 0
   */
  readonly updateStreamDelayMs?: number;
  /** Open shards the account may have (DescribeLimits). @default 500 */
  readonly shardLimit?: number;
  /** Largest PutRecords request, data + partition keys: 10 MiB now, 5 MiB in older docs. @default 10485760 */
  readonly putRecordsMaxBytes?: number;
  /**
   * How long a shard iterator stays valid; a shorter one lets tests reach ExpiredIteratorException
   * without waiting 5 minutes. @default 300000
   */
  readonly shardIteratorTtlMs?: number;
  /** How long a registered fan-out consumer stays CREATING (and a deregistered one DELETING). @default 0 */
  readonly streamConsumerDelayMs?: number;
  /**
   * How long a SubscribeToShard call pushes events before it ends cleanly; a shorter one lets
   * tests see renewals without waiting 5 minutes. @default 300000
   */
  readonly subscriptionLifetimeMs?: number;
  /** With nothing to push, a subscription sends an empty event this often. @default 5000 */
  readonly subscriptionHeartbeatMs?: number;
  /** Largest HTTP request body; larger ones get 413 unread. @default 16777216 */
  readonly maxRequestBytes?: number;
  /** Time a connection has to send a request's headers (and its first bytes). @default 10000 */
  readonly headersTimeoutMs?: number;
  /** An idle connection is closed after this long. @default 120000 */
  readonly idleTimeoutMs?: number;
  /** Streams to create at start (`{ name, shardCount }`), if they do not exist yet. */
  readonly streams?: readonly { readonly name: string; readonly shardCount: number }[];
  /** Where log lines go; silent by default. */
  readonly logger?: Logger;
  /** The time source; tests pass a manual clock. @default the system clock */
  readonly clock?: Clock;
  /** Faults to inject (errors, latency, dropped connections), reproducible from its seed. @default none */
  readonly faults?: FaultPlan;
}

/** A running local endpoint. */
export interface LocalKinesis extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: pass it as the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * CloudWatch-style metrics of the last 5 minutes, as `GET /_kinesis-kit/metrics` answers:
   * every stream, or one (throws `LocalKinesisError` `StreamNotFound` for an unknown one).
   *
   * @example
   * ```ts
   * const { metrics } = kinesis.metrics('clicks');
   * console.log(metrics.IncomingRecords.total);
   * ```
   */
  metrics(): MetricsReport;
  metrics(streamName: string): StreamMetrics;
  /**
   * Replaces the fault plan, resetting its PRNG to the seed and its counters; `undefined` turns
   * fault injection off. Throws `LocalKinesisError` `InvalidOption` for an invalid plan.
   *
   * @example
   * ```ts
   * kinesis.setFaults({ seed: 1, rules: [{ operations: ['PutRecords'], errorRate: 0.5 }] });
   * ```
   */
  setFaults(plan: FaultPlan | undefined): void;
  /** The fault plan in effect (`null` when off) and the faults injected under it, as `GET /_kinesis-kit/faults` answers. */
  faults(): FaultsReport;
  /** Stops accepting connections, ends open ones, flushes storage. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local Kinesis Data Streams endpoint: the AWS JSON 1.1 API over HTTP/1.1 and HTTP/2 on
 * one port, with AWS's limits and errors, in memory or durable.
 *
 * @example
 * ```ts
 * const kinesis = await startLocalKinesis({ streams: [{ name: 'clicks', shardCount: 2 }] });
 * const client = new KinesisClient({ endpoint: kinesis.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * await client.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'k', Data: bytes }));
 * await kinesis.close();
 * ```
 */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  const logger = options.logger ?? silentLogger;
  const faults = new FaultSwitch(
    options.faults === undefined ? undefined : validateFaultPlan(options.faults),
  );
  const unlock = options.dataDir === undefined ? undefined : await lockDataDir(options.dataDir);
  const store: Store =
    options.dataDir === undefined
      ? new MemoryStore()
      : new FileStore({ dataDir: options.dataDir, fsync: options.fsync ?? DEFAULTS.fsync, logger });
  const engine = new Engine({
    store,
    clock: options.clock ?? systemClock,
    limits: limitsProfile(options.limits ?? DEFAULTS.limits),
    accountId: options.accountId ?? DEFAULTS.accountId,
    region: options.region ?? DEFAULTS.region,
    createStreamDelayMs: options.createStreamDelayMs ?? DEFAULTS.createStreamDelayMs,
    deleteStreamDelayMs: options.deleteStreamDelayMs ?? DEFAULTS.deleteStreamDelayMs,
    updateStreamDelayMs: options.updateStreamDelayMs ?? DEFAULTS.updateStreamDelayMs,
    shardLimit: options.shardLimit ?? DEFAULTS.shardLimit,
    onDemandStreamLimit: DEFAULTS.onDemandStreamLimit,
    putRecordsMaxBytes: options.putRecordsMaxBytes ?? DEFAULTS.putRecordsMaxBytes,
    shardIteratorTtlMs: options.shardIteratorTtlMs ?? DEFAULTS.shardIteratorTtlMs,
    streamConsumerDelayMs: options.streamConsumerDelayMs ?? DEFAULTS.streamConsumerDelayMs,
    subscriptionLifetimeMs: options.subscriptionLifetimeMs ?? DEFAULTS.subscriptionLifetimeMs,
    subscriptionHeartbeatMs: options.subscriptionHeartbeatMs ?? DEFAULTS.subscriptionHeartbeatMs,
  });
  let listening: Listening;
  try {
    engine.restore(await store.load());
    for (const { name, shardCount } of options.streams ?? []) {
      if (
        !/^[a-zA-Z0-9_.-]{1,128}$/.test(name) ||
        !Number.isInteger(shardCount) ||
        shardCount < 1
      ) {
        throw new LocalKinesisError(
          'InvalidOption',
          `streams: ${JSON.stringify({ name, shardCount })} needs a name of 1–128 characters [a-zA-Z0-9_.-] and a shardCount of at least 1`,
        );
      }
      if (!engine.streams().some((stream) => stream.state.name === name)) {
        await engine.createStream(name, shardCount, 'PROVISIONED', {});
      }
    }
    listening = await listen(engine, options, logger, faults);
  } catch (error) {
    engine.close();
    await store.close().catch(() => undefined);
    await unlock?.();
    throw error;
  }
  const trimTimer = setInterval(() => {
    engine
      .trimExpired()
      .catch((error: Error) => logger.warn(`retention trim failed: ${error.message}`));
  }, DEFAULTS.trimIntervalMs);
  trimTimer.unref();

  const { server, sockets, endpoint, port } = listening;
  logger.info(`local Kinesis listening on ${endpoint}`);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(trimTimer);
      engine.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await store.close();
      await unlock?.();
    })();
    return closing;
  };
  function metrics(): MetricsReport;
  function metrics(streamName: string): StreamMetrics;
  function metrics(streamName?: string): MetricsReport | StreamMetrics {
    if (streamName === undefined) return metricsReport(engine);
    const report = streamMetricsReport(engine, streamName);
    if (report === undefined) {
      throw new LocalKinesisError('StreamNotFound', `Stream ${streamName} not found.`);
    }
    return report;
  }
  return {
    endpoint,
    port,
    metrics,
    setFaults: (plan) => faults.set(plan),
    faults: () => faults.report(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

interface Listening {
  readonly server: Server;
  /** Open connections, ended on close. */
  readonly sockets: Set<Socket>;
  readonly endpoint: string;
  readonly port: number;
}

async function listen(
  engine: Engine,
  options: LocalKinesisOptions,
  logger: Logger,
  faults: FaultSwitch,
): Promise<Listening> {
  const server = createDualProtocolServer(
    createJsonHandler(engine, {
      maxRequestBytes: options.maxRequestBytes ?? DEFAULTS.maxRequestBytes,
      logger,
      faults,
      accountId: options.accountId ?? DEFAULTS.accountId,
    }),
    {
      headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: DEFAULTS.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    },
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? DEFAULTS.host;
  const requestedPort = options.port ?? DEFAULTS.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error) =>
      reject(
        new LocalKinesisError(
          'ListenFailed',
          `cannot listen on ${host}:${requestedPort}: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(requestedPort, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { server, sockets, endpoint, port };
}
