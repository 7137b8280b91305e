import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createIngestGateway, ensureStream, type IngestGateway } from '@kinesis-kit/ingest-gateway';
import type { LocalKinesis } from '@kinesis-kit/local';
import { createKeepAliveKinesisClient } from '@kinesis-kit/producer';
import { type Logger, silentLogger } from '@kinesis-kit/records';
import { CountingConsumer } from './counting-consumer.js';
import { DashboardServer } from './dashboard/server.js';
import { DEFAULTS, SHARD_WRITE_LIMITS } from './defaults.js';
import { VisitorDemoError } from './errors.js';
import { Ledger } from './ledger.js';
import { type Reconciliation, reconcile } from './reconcile.js';
import { Simulator, type SimulatorMetrics } from './simulator.js';
import { checkStreamIdentity, lockStateDir } from './state-dir.js';
import { type VisitAlert, VisitAnalytics, type VisitAnalyticsStats } from './visit-analytics.js';
import type { CounterStats, UrlCount, VisitCounterOptions } from './visit-counter.js';
import type { WindowCount } from './window-counts.js';

/** Options of {@link startVisitorDemo}; defaults in `defaults.ts`. */
export interface VisitorDemoOptions {
  /**
   * Where the demo keeps what must survive a restart: the counter's state, the consumer's
   * checkpoints, the simulator's ledger, and (local mode) the endpoint's records.
   */
  readonly dataDir: string;
  /** @default 'visitor-counts' */
  readonly streamName?: string;
  /** Shards of the stream when the demo creates it. @default 2 */
  readonly shardCount?: number;
  /**
   * `'local'`: start `@kinesis-kit/local` (durable, in `dataDir/kinesis`) and create the stream
   * if absent. `'aws'`: use `client`, or one built from the standard AWS configuration
   * (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`); no endpoint is started.
   * @default 'local'
   */
  readonly kinesis?: 'local' | 'aws';
  /** AWS mode: the client to use (give it `maxAttempts: 1`). */
  readonly client?: KinesisClient;
  /** AWS mode: create the stream (`shardCount` shards) if it does not exist. @default false */
  readonly createStream?: boolean;
  /** Local mode: the endpoint's limits profile. @default 'aws' (the real shard limits) */
  readonly localLimits?: 'aws' | 'off';
  /** Address the dashboard and the gateway bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Dashboard port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Ingest gateway port; 0 picks a free one. @default 0 */
  readonly gatewayPort?: number;
  /** Run the visit simulator. @default true */
  readonly simulator?: boolean;
  /** Simulated visits per second. @default 2000 */
  readonly ratePerSec?: number;
  /** URLs in the simulated catalogue. @default 200 */
  readonly urlCount?: number;
  /** Seed of the simulator; random by default. */
  readonly seed?: number;
  /** Stop by itself after this long (`finished` then resolves). @default runs until stop() */
  readonly durationMs?: number;
  /** @default 1000 */
  readonly dashboardIntervalMs?: number;
  /** @default 1000 */
  readonly commitIntervalMs?: number;
  /** @default 250 */
  readonly pollIntervalMs?: number;
  /** How long `stop()` waits for the consumer to count everything sent. @default 30000 */
  readonly drainTimeoutMs?: number;
  /** Options of the counter (windows, dedupe horizon and bounds). */
  readonly counter?: VisitCounterOptions;
  /**
   * The hot-URL alarm: a URL with more than this many visits in one window (a SQL query,
   * `HAVING COUNT(*) > alertThreshold`). @default 4000
   */
  readonly alertThreshold?: number;
  /** @default silent */
  readonly logger?: Logger;
}

/** What `stop()` resolves to: the reconciliation and the run's figures. */
export interface VisitorDemoSummary extends Reconciliation {
  readonly counter: CounterStats;
  readonly simulator: SimulatorMetrics | undefined;
  readonly gateway: { readonly accepted: number; readonly stored: number; readonly failed: number };
  /** Whether the consumer counted everything sent before the drain timeout. */
  readonly drained: boolean;
  /** The error that stopped the consumer, if one did. */
  readonly consumerError: string | undefined;
  /** The SQL queries: visits fed, alarms raised, late visits, a failure. */
  readonly analytics: VisitAnalyticsStats & { readonly alertThreshold: number };
}

/** A running demo. */
export interface VisitorDemo extends AsyncDisposable {
  readonly dashboardUrl: string;
  /** The ingest gateway: `POST ${gatewayUrl}/v1/visits`. */
  readonly gatewayUrl: string;
  readonly streamName: string;
  readonly mode: 'local' | 'aws';
  /** Local mode: the endpoint (`AWS_ENDPOINT_URL_KINESIS` for other tools). */
  readonly kinesisEndpoint: string | undefined;
  /** Visitors counted for a URL. */
  visitors(url: string): number;
  /** The URLs with the most visitors. */
  top(n: number): UrlCount[];
  /** The counter's figures. */
  stats(): CounterStats;
  /** A URL's visits per window kept (the window query's results), oldest first. */
  windowsOf(url: string): WindowCount[];
  /** The latest alarms raised by the hot-URL query, newest first. */
  alerts(): readonly VisitAlert[];
  /** Sent (the simulator's ledger) against counted, per URL. */
  reconcile(): Reconciliation;
  /** What the dashboard shows now. */
  snapshot(): DashboardSnapshot;
  /** Resolves with the summary once the demo stopped (by `stop()` or after `durationMs`). */
  readonly finished: Promise<VisitorDemoSummary>;
  /**
   * Stops cleanly: the simulator stops, the gateway drains and its producer flushes, the consumer
   * counts what was stored (up to `drainTimeoutMs`), commits its state and checkpoints, the
   * dashboard and the endpoint close. Idempotent.
   */
  stop(): Promise<VisitorDemoSummary>;
}

/** What the dashboard receives every second (and `GET /api/stats` answers). */
export interface DashboardSnapshot {
  readonly time: number;
  readonly running: boolean;
  readonly streamName: string;
  readonly mode: 'local' | 'aws';
  readonly counter: CounterStats;
  readonly top: readonly (UrlCount & { readonly perSec: number })[];
  readonly chart: {
    readonly fromSecond: number;
    readonly toSecond: number;
    readonly series: readonly { readonly url: string; readonly points: readonly number[] }[];
  };
  readonly producer: {
    readonly acceptedPerSec: number;
    readonly storedPerSec: number;
    readonly accepted: number;
    readonly stored: number;
    readonly failed: number;
    readonly bufferedRecords: number;
  };
  readonly consumer: {
    readonly recordsPerSec: number;
    readonly recordsProcessed: number;
    readonly maxMillisBehindLatest: number | undefined;
  };
  readonly shardSource: 'endpoint' | 'producer';
  readonly shards: readonly {
    readonly shardId: string;
    readonly bytesPerSec: number;
    readonly recordsPerSec: number;
    readonly millisBehindLatest: number | undefined;
  }[];
  readonly limits: typeof SHARD_WRITE_LIMITS;
  readonly reconcile: Omit<Reconciliation, 'urls'>;
  /** The newest windows of the top URLs, from the window query. */
  readonly windows: {
    readonly windowMs: number;
    /** Windows before this were not kept across a restart; null: all are whole. */
    readonly fromMs: number | null;
    /** Window starts, newest first; the first may be in progress. */
    readonly starts: readonly number[];
    readonly rows: readonly {
      readonly url: string;
      /** Per start: visits (null: none), and whether the count is final. */
      readonly counts: readonly { readonly visits: number | null; readonly final: boolean }[];
    }[];
  };
  readonly alerts: {
    readonly threshold: number;
    readonly raised: number;
    readonly recent: readonly VisitAlert[];
  };
  readonly analytics: VisitAnalyticsStats;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TOP_ROWS = 10;
/** URLs and windows in the dashboard's window table. */
const WINDOW_URLS = 5;
const WINDOW_COLUMNS = 4;

/**
 * Starts the whole demo in-process: Kinesis (a durable local endpoint, or AWS), the stream, the
 * ingest gateway, the simulator posting to it, the counting consumer and the dashboard.
 *
 * @example
 * ```ts
 * const demo = await startVisitorDemo({ dataDir: './.data', ratePerSec: 500 });
 * console.log(`dashboard: ${demo.dashboardUrl}`);
 * const summary = await demo.stop();
 * console.log(summary.missing, summary.duplicates); // 0 0
 * ```
 */
export async function startVisitorDemo(options: VisitorDemoOptions): Promise<VisitorDemo> {
  const logger = options.logger ?? silentLogger;
  const streamName = options.streamName ?? DEFAULTS.streamName;
  const shardCount = options.shardCount ?? DEFAULTS.shardCount;
  const mode = options.kinesis ?? 'local';
  const host = options.host ?? DEFAULTS.host;
  const maxTrackedUrls = options.counter?.maxTrackedUrls ?? DEFAULTS.maxTrackedUrls;
  if ((options.urlCount ?? DEFAULTS.urlCount) > maxTrackedUrls) {
    // Visits of URLs past the bound count as overflow only: the reconciliation could not be exact.
    throw new RangeError(
      `urlCount (${options.urlCount}) must not exceed the URLs the counter tracks (maxTrackedUrls ${maxTrackedUrls})`,
    );
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    await mkdir(options.dataDir, { recursive: true });
    let kinesis: LocalKinesis | undefined;
    let client: KinesisClient;
    let stateDir: string;
    let endpoint: string;
    let region: string;
    if (mode === 'local') {
      // The state dir is the data dir: locked before the endpoint and the ledger open.
      stateDir = options.dataDir;
      const unlock = await lockStateDir(stateDir);
      cleanups.push(unlock);
      const { startLocalKinesis } = await import('@kinesis-kit/local');
      kinesis = await startLocalKinesis({
        dataDir: join(options.dataDir, 'kinesis'),
        limits: options.localLimits ?? 'aws',
        streams: [{ name: streamName, shardCount }],
      });
      const started = kinesis;
      cleanups.push(() => started.close());
      const owned = createKeepAliveKinesisClient({
        endpoint: kinesis.endpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
      cleanups.push(() => owned.destroy());
      client = owned;
      // Its port changes from run to run; its data is in the data dir.
      endpoint = 'local';
      region = 'us-east-1';
      logger.info(
        `local Kinesis endpoint at ${kinesis.endpoint} (data in ${join(options.dataDir, 'kinesis')})`,
      );
    } else {
      if (options.client) {
        client = options.client;
      } else {
        const owned = createKeepAliveKinesisClient();
        cleanups.push(() => owned.destroy());
        client = owned;
      }
      await ensureStream(client, streamName, {
        createShards: options.createStream ? shardCount : undefined,
        logger,
      }).catch((error: unknown) => {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
        throw new VisitorDemoError(
          'StreamNotFound',
          `stream ${streamName} does not exist: create it, or pass --create-stream`,
          { cause: error },
        );
      });
      ({ endpoint, region } = await endpointOf(client));
      // Counts of another Kinesis must not mix with the local endpoint's, nor with those of
      // another region or endpoint.
      stateDir = join(options.dataDir, 'aws', stateDirName(endpoint, region));
      await mkdir(stateDir, { recursive: true });
      const unlock = await lockStateDir(stateDir);
      cleanups.push(unlock);
    }
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    await checkStreamIdentity(stateDir, streamName, {
      streamArn: summary?.StreamARN ?? '',
      createdAtMs: summary?.StreamCreationTimestamp?.getTime() ?? 0,
      endpoint,
      region,
    });

    const ledger = await Ledger.open(join(stateDir, `${streamName}.ledger.json`));
    cleanups.push(() => ledger.close());
    const analytics = VisitAnalytics.start({
      ...(options.counter?.windowMs === undefined ? {} : { windowMs: options.counter.windowMs }),
      ...(options.counter?.windowRetentionMs === undefined
        ? {}
        : { windowRetentionMs: options.counter.windowRetentionMs }),
      ...(options.alertThreshold === undefined ? {} : { alertThreshold: options.alertThreshold }),
      // A new partial count for each dashboard update.
      earlyResultsIntervalMs: options.dashboardIntervalMs ?? DEFAULTS.dashboardIntervalMs,
      alertKeysPath: join(stateDir, `${streamName}.alerts.keys`),
      logger,
    });
    cleanups.push(() => analytics.stop());
    const counting = await CountingConsumer.start({
      ...options.counter,
      client,
      streamName,
      statePath: join(stateDir, `${streamName}.counter.json`),
      heldVisitIds: ledger.inDoubt().flatMap((batch) => batch.visits.map((v) => v.visitId)),
      onVisits: (visits) => analytics.feed(visits),
      checkpointPath: join(stateDir, `${streamName}.checkpoints.json`),
      ...(options.commitIntervalMs === undefined
        ? {}
        : { commitIntervalMs: options.commitIntervalMs }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      logger,
    });
    cleanups.push(() => counting.stop());

    const gateway: IngestGateway = await createIngestGateway({
      streamName,
      client,
      host,
      port: options.gatewayPort ?? 0,
      logger,
    });
    cleanups.push(() => gateway.close());

    const sender = new Simulator({
      gatewayUrl: gateway.url,
      ledger,
      ...(options.ratePerSec === undefined ? {} : { ratePerSec: options.ratePerSec }),
      ...(options.urlCount === undefined ? {} : { urlCount: options.urlCount }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      logger,
    });
    // Before anything new: what a crash left in doubt is sent again (same visitIds).
    const resent = await sender.resendInDoubt();
    if (resent > 0) logger.info(`sent again ${resent} visits a crash had left in doubt`);
    if (ledger.inDoubt().length === 0) {
      // Every copy of a visit from before this start is stored now: its visitIds may be
      // forgotten once the stream has moved the horizon past this moment.
      counting.counter.resendsSettled();
    } else {
      logger.warn(
        'visits a crash left in doubt are still without an outcome: the visitIds from before this start are kept for this run',
      );
    }
    const simulator = (options.simulator ?? true) ? sender : undefined;
    const demo = new RunningDemo({
      streamName,
      mode,
      kinesis,
      gateway,
      counting,
      analytics,
      ledger,
      simulator,
      logger,
      drainTimeoutMs: options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      cleanUp,
    });
    const dashboard = new DashboardServer({
      host,
      port: options.port ?? 0,
      intervalMs: options.dashboardIntervalMs ?? DEFAULTS.dashboardIntervalMs,
      maxClients: DEFAULTS.maxDashboardClients,
      source: {
        snapshot: () => demo.snapshot(),
        top: (n) => ({ top: demo.top(n) }),
        url: (url) => ({
          url,
          visitors: demo.visitors(url),
          windowMs: analytics.windowMs,
          windowsFromMs: finiteOrNull(counting.counter.windowsFromMs),
          windows: analytics.windowsOf(url),
        }),
        reconcile: () => demo.reconcile(),
        alerts: () => ({
          threshold: analytics.alertThreshold,
          windowMs: analytics.windowMs,
          raised: analytics.stats().alertsRaised,
          alerts: analytics.alerts(),
        }),
        queries: () => ({ ...analytics.queries }),
      },
    });
    await dashboard.listen();
    cleanups.push(() => dashboard.close());
    demo.start(dashboard.url, options.durationMs);
    return demo;
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}

/** The endpoint (`'default'`: the region's) and the region a client sends to. */
async function endpointOf(client: KinesisClient): Promise<{ endpoint: string; region: string }> {
  const config = client.config as {
    region?: () => Promise<string>;
    endpoint?: () => Promise<{
      protocol?: string;
      hostname?: string;
      port?: number;
      path?: string;
    }>;
  };
  const region = (await config.region?.().catch(() => undefined)) ?? 'unknown-region';
  let endpoint: string | undefined;
  const configured = await config.endpoint?.().catch(() => undefined);
  if (configured?.hostname) {
    const port = configured.port === undefined ? '' : `:${configured.port}`;
    endpoint = `${configured.protocol ?? 'https:'}//${configured.hostname}${port}${configured.path ?? ''}`;
  }
  endpoint ??= process.env.AWS_ENDPOINT_URL_KINESIS || process.env.AWS_ENDPOINT_URL || 'default';
  return { endpoint: endpoint.replace(/\/+$/, ''), region };
}

/** A folder name for an endpoint and a region: `eu-west-1`, `us-east-1@127.0.0.1_4567`. */
function stateDirName(endpoint: string, region: string): string {
  const safe = (text: string) => text.replace(/[^a-zA-Z0-9.-]+/g, '_').replace(/^[._]+/, '');
  if (endpoint === 'default') return safe(region) || 'region';
  return `${safe(region)}@${safe(endpoint.replace(/^[a-z]+:\/\//, ''))}`;
}

interface RunningDemoParts {
  readonly streamName: string;
  readonly mode: 'local' | 'aws';
  readonly kinesis: LocalKinesis | undefined;
  readonly gateway: IngestGateway;
  readonly counting: CountingConsumer;
  readonly analytics: VisitAnalytics;
  readonly ledger: Ledger;
  readonly simulator: Simulator | undefined;
  readonly logger: Logger;
  readonly drainTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly cleanUp: () => Promise<void>;
}

class RunningDemo implements VisitorDemo {
  readonly streamName: string;
  readonly mode: 'local' | 'aws';
  readonly finished: Promise<VisitorDemoSummary>;
  dashboardUrl = '';
  readonly #parts: RunningDemoParts;
  readonly #timers: NodeJS.Timeout[] = [];
  #resolveFinished!: (summary: VisitorDemoSummary) => void;
  #rejectFinished!: (error: unknown) => void;
  #stopping: Promise<VisitorDemoSummary> | undefined;
  #rates = { acceptedPerSec: 0, storedPerSec: 0 };
  #last = { time: Date.now(), accepted: 0, stored: 0 };

  constructor(parts: RunningDemoParts) {
    this.#parts = parts;
    this.streamName = parts.streamName;
    this.mode = parts.mode;
    this.finished = new Promise((resolve, reject) => {
      this.#resolveFinished = resolve;
      this.#rejectFinished = reject;
    });
    // Nobody has to await it: a failed stop() also rejects stop()'s own promise.
    this.finished.catch(() => {});
  }

  get gatewayUrl(): string {
    return this.#parts.gateway.url;
  }

  get kinesisEndpoint(): string | undefined {
    return this.#parts.kinesis?.endpoint;
  }

  start(dashboardUrl: string, durationMs: number | undefined): void {
    this.dashboardUrl = dashboardUrl;
    const { simulator, ledger, logger } = this.#parts;
    simulator?.start();
    this.#timers.push(
      setInterval(() => this.#sampleRates(), 1000),
      setInterval(() => {
        try {
          ledger.save();
        } catch (error) {
          logger.error(`ledger save failed: ${error}`);
        }
      }, DEFAULTS.ledgerSaveIntervalMs),
    );
    if (durationMs !== undefined) {
      this.#timers.push(setTimeout(() => void this.stop().catch(() => {}), durationMs));
    }
  }

  #sampleRates(): void {
    const now = Date.now();
    const { visits } = this.#parts.gateway.metrics();
    const seconds = Math.max(0.001, (now - this.#last.time) / 1000);
    this.#rates = {
      acceptedPerSec: (visits.accepted - this.#last.accepted) / seconds,
      storedPerSec: (visits.stored - this.#last.stored) / seconds,
    };
    this.#last = { time: now, accepted: visits.accepted, stored: visits.stored };
  }

  visitors(url: string): number {
    return this.#parts.counting.counter.visitors(url);
  }

  top(n: number): UrlCount[] {
    return this.#parts.counting.counter.top(n);
  }

  stats(): CounterStats {
    return this.#parts.counting.counter.stats;
  }

  windowsOf(url: string): WindowCount[] {
    return this.#parts.analytics.windowsOf(url);
  }

  alerts(): readonly VisitAlert[] {
    return this.#parts.analytics.alerts();
  }

  reconcile(): Reconciliation {
    const { ledger, counting } = this.#parts;
    return reconcile(ledger.sent(), counting.counter.totals(), ledger.inDoubtPerUrl());
  }

  snapshot(): DashboardSnapshot {
    const { counting, analytics, gateway, kinesis, streamName } = this.#parts;
    const counter = counting.counter;
    const now = Date.now();
    const toSecond = Math.floor(now / 1000) - 1;
    const top = counter.top(TOP_ROWS);
    const recent = counter.perSecond(
      top.map((entry) => entry.url),
      toSecond - 4,
      toSecond,
    );
    const chartUrls = top.slice(0, DEFAULTS.chartUrls).map((entry) => entry.url);
    const fromSecond = toSecond - DEFAULTS.chartSeconds + 1;
    const points = counter.perSecond(chartUrls, fromSecond, toSecond);
    const gatewayMetrics = gateway.metrics();
    const consumerMetrics = counting.metrics();
    const lagByShard = new Map(
      consumerMetrics.shards.map((s) => [s.shardId, s.millisBehindLatest]),
    );
    let shards: DashboardSnapshot['shards'];
    if (kinesis !== undefined) {
      // The endpoint's own per-second figures: the last complete second.
      shards = kinesis.metrics(streamName).shards.map(({ shardId, metrics }) => ({
        shardId,
        bytesPerSec: valueAt(metrics.IncomingBytes.series, toSecond),
        recordsPerSec: valueAt(metrics.IncomingRecords.series, toSecond),
        millisBehindLatest: lagByShard.get(shardId),
      }));
    } else {
      shards = Object.entries(gatewayMetrics.producer.shards).map(([shardId, figures]) => ({
        shardId,
        bytesPerSec: figures.bytesPerSec,
        recordsPerSec: figures.recordsPerSec,
        millisBehindLatest: lagByShard.get(shardId),
      }));
    }
    const lags = consumerMetrics.shards
      .map((s) => s.millisBehindLatest)
      .filter((lag): lag is number => lag !== undefined);
    const { urls: _urls, ...reconciliation } = this.reconcile();
    return {
      time: now,
      running: this.#stopping === undefined,
      streamName,
      mode: this.mode,
      counter: counter.stats,
      top: top.map((entry, index) => ({
        ...entry,
        perSec: (recent[index] ?? []).reduce((sum, v) => sum + v, 0) / 5,
      })),
      chart: {
        fromSecond,
        toSecond,
        series: chartUrls.map((url, index) => ({ url, points: points[index] ?? [] })),
      },
      producer: {
        acceptedPerSec: Math.round(this.#rates.acceptedPerSec),
        storedPerSec: Math.round(this.#rates.storedPerSec),
        accepted: gatewayMetrics.visits.accepted,
        stored: gatewayMetrics.visits.stored,
        failed: gatewayMetrics.visits.failed,
        bufferedRecords: gatewayMetrics.producer.bufferedRecords,
      },
      consumer: {
        recordsPerSec: Math.round(consumerMetrics.recordsPerSec),
        recordsProcessed: consumerMetrics.recordsProcessed,
        maxMillisBehindLatest: lags.length === 0 ? undefined : Math.max(...lags),
      },
      shardSource: kinesis === undefined ? 'producer' : 'endpoint',
      shards,
      limits: SHARD_WRITE_LIMITS,
      reconcile: reconciliation,
      windows: this.#windows(top.slice(0, WINDOW_URLS)),
      alerts: {
        threshold: analytics.alertThreshold,
        raised: analytics.stats().alertsRaised,
        recent: analytics.alerts(),
      },
      analytics: analytics.stats(),
    };
  }

  #windows(top: readonly UrlCount[]): DashboardSnapshot['windows'] {
    const { analytics, counting } = this.#parts;
    const counts = analytics.windowCounts;
    const starts = counts.newestStarts(WINDOW_COLUMNS);
    return {
      windowMs: analytics.windowMs,
      fromMs: finiteOrNull(counting.counter.windowsFromMs),
      starts,
      rows: top.map(({ url }) => ({
        url,
        counts: starts.map((start) => ({
          visits: counts.visitorsIn(start, url) ?? null,
          final: counts.isFinal(start, url),
        })),
      })),
    };
  }

  stop(): Promise<VisitorDemoSummary> {
    this.#stopping ??= this.#stop().then(
      (summary) => {
        this.#resolveFinished(summary);
        return summary;
      },
      (error: unknown) => {
        this.#rejectFinished(error);
        throw error;
      },
    );
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #stop(): Promise<VisitorDemoSummary> {
    const { simulator, gateway, counting, analytics, ledger, logger } = this.#parts;
    for (const timer of this.#timers) clearInterval(timer);
    try {
      logger.info('stopping: simulator');
      await simulator?.stop();
      logger.info('stopping: gateway (finishing requests, flushing the producer)');
      await gateway.close();
      logger.info('stopping: waiting for the consumer to count what was stored');
      const drained = await this.#drain();
      logger.info('stopping: consumer (saving the counter state, then checkpointing)');
      await counting.stop();
      ledger.save();
      logger.info('stopping: queries (firing the windows still open)');
      await analytics.stop();
      const failure = counting.failure;
      const { visits } = gateway.metrics();
      return {
        ...this.reconcile(),
        counter: counting.counter.stats,
        simulator: simulator?.metrics(),
        gateway: { accepted: visits.accepted, stored: visits.stored, failed: visits.failed },
        drained,
        consumerError:
          failure === undefined ? undefined : String((failure as Error)?.message ?? failure),
        analytics: { ...analytics.stats(), alertThreshold: analytics.alertThreshold },
      };
    } finally {
      await this.#parts.cleanUp();
    }
  }

  /**
   * Waits until the consumer counted everything sent: with the simulator, until no URL of the
   * ledger is missing visits; without it, until every shard is caught up after the gateway
   * closed.
   */
  async #drain(): Promise<boolean> {
    const { simulator, counting, drainTimeoutMs, pollIntervalMs } = this.#parts;
    const started = Date.now();
    const deadline = started + drainTimeoutMs;
    const done = () => {
      if (simulator !== undefined) return this.reconcile().missing === 0;
      if (Date.now() - started < 2 * pollIntervalMs + 500) return false;
      const shards = counting.metrics().shards;
      return shards.every((shard) => shard.millisBehindLatest === 0);
    };
    while (!done()) {
      if (Date.now() > deadline || counting.failure !== undefined) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function valueAt(series: readonly { t: number; v: number }[], second: number): number {
  for (let i = series.length - 1; i >= 0; i--) {
    const point = series[i] as { t: number; v: number };
    if (point.t === second) return point.v;
    if (point.t < second) return 0;
  }
  return 0;
}
