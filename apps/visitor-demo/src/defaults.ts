import { DEFAULTS as PRODUCER_DEFAULTS } from '@kinesis-kit/producer';

/** Defaults of the demo's options and CLI flags, in one place. */
export const DEFAULTS = {
  /** The stream the visits go through. */
  streamName: 'visitor-counts',
  /** Shards of the stream when the demo creates it. */
  shardCount: 2,
  /** Address the dashboard and the gateway bind. */
  host: '127.0.0.1',
  /** Dashboard port (CLI); the library defaults to 0, a free port. */
  port: 3000,
  /** Ingest gateway port (CLI); 0 picks a free one. */
  gatewayPort: 3001,
  /** Simulated visits per second. */
  ratePerSec: 2000,
  /** URLs in the simulated catalogue (Zipf popularity: a few pages get most visits). */
  urlCount: 200,
  /** Zipf exponent of URL popularity; ~1 is what web traffic looks like. */
  zipfExponent: 1.07,
  /** Visits per POST the simulator sends (the gateway takes up to 500). */
  simulatorBatchSize: 100,
  /** POSTs the simulator keeps in flight (each waits until its visits are stored). */
  simulatorMaxInFlight: 16,
  /** Length of a counting window, by the visit's timestamp. */
  windowMs: 10_000,
  /** Windows kept (by arrival time): older ones are dropped from memory and state. */
  windowRetentionMs: 10 * 60_000,
  /**
   * Windows a restart keeps exact (the one in progress and those before it): the counter state
   * holds their visits, and feeds them to the window query again at start.
   */
  windowsKeptAtRestart: 3,
  /** How far the window query's watermark trails the newest visit time (out-of-order visits). */
  watermarkDelayMs: 2000,
  /** How often the window query sends partial counts of the windows in progress. */
  earlyResultsIntervalMs: 1000,
  /**
   * The hot-URL alarm: a URL with more than this many visits in one window. At the default
   * rate (2,000 visits/s over 200 URLs, Zipf 1.07) the landing page gets about 3,950 visits per
   * 10 s window (the simulator reaches about 1,980/s), so it trips now and then: about one
   * window in five.
   */
  alertThreshold: 4000,
  /** Alerts the dashboard lists (newest first); older ones are only counted. */
  maxAlertsShown: 20,
  /** Visits waiting for the queries at most; the consumer waits (back-pressure) past it. */
  maxQueuedVisits: 50_000,
  /** Per-second series kept for the dashboard chart. */
  chartSeconds: 180,
  /** URLs drawn on the chart. */
  chartUrls: 5,
  /**
   * How long (by the stream's arrival time) a visitId is remembered once its checkpoint is
   * stored: twice the producer's `recordTtlMs`, the longest a retried write can trail the first.
   */
  dedupeHorizonMs: 2 * PRODUCER_DEFAULTS.recordTtlMs,
  /** Most visitIds remembered; past it the oldest checkpointed ones are forgotten early. */
  maxRememberedVisitIds: 2_000_000,
  /** URLs the counter tracks; visits of further new URLs are counted as overflow only. */
  maxTrackedUrls: 100_000,
  /** How often the counter's state is saved and the batches checkpointed. */
  commitIntervalMs: 1000,
  /** The consumer's wait after a read that found a shard caught up. */
  pollIntervalMs: 250,
  /** How often the dashboard gets a new snapshot. */
  dashboardIntervalMs: 1000,
  /** Dashboard clients (server-sent event streams) served at once. */
  maxDashboardClients: 64,
  /** How long `stop()` waits for the consumer to count what the gateway stored. */
  drainTimeoutMs: 30_000,
  /** How often the ledger of sent visits is written whole (and its journal emptied). */
  ledgerSaveIntervalMs: 2000,
} as const;

/** Kinesis' per-shard write limits, against which the dashboard shows utilisation. */
export const SHARD_WRITE_LIMITS = {
  bytesPerSec: 1024 * 1024,
  recordsPerSec: 1000,
} as const;
