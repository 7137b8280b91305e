/** Defaults of `startLocalKinesis` options, in one place. */
export const DEFAULTS = {
  /** Port 0 picks a free one; the CLI defaults to 4567. */
  port: 0,
  cliPort: 4567,
  host: '127.0.0.1',
  limits: 'aws',
  accountId: '123456789012',
  region: 'us-east-1',
  createStreamDelayMs: 0,
  deleteStreamDelayMs: 0,
  /** How long a stream stays UPDATING after a reshard or a mode change. */
  updateStreamDelayMs: 0,
  /** AWS's default shard quota in the large regions. */
  shardLimit: 500,
  onDemandStreamLimit: 50,
  /** PutRecords request size: the current API reference's 10 MiB. */
  putRecordsMaxBytes: 10 * 1024 * 1024,
  /** Shard iterators expire 5 minutes after issue, as on AWS. */
  shardIteratorTtlMs: 300_000,
  /** How long a registered consumer stays CREATING (and a deregistered one DELETING). */
  streamConsumerDelayMs: 0,
  /** SubscribeToShard pushes events for 5 minutes, as on AWS. */
  subscriptionLifetimeMs: 300_000,
  /** With nothing to push, a subscription sends an empty event every 5 s (keeps it alive). */
  subscriptionHeartbeatMs: 5_000,
  /** Largest HTTP request body: a PutRecords of 10 MiB is about 13.4 MiB of JSON. */
  maxRequestBytes: 16 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  /** How often records past the retention period are dropped. */
  trimIntervalMs: 60_000,
  /** Durable by default: a write is acknowledged once fsync'ed. */
  fsync: 'always',
  /** With `fsync: 'interval'`: how often written data is synced. */
  fsyncIntervalMs: 100,
  /** A shard log rolls to a new segment file past this size. */
  segmentBytes: 64 * 1024 * 1024,
} as const;
