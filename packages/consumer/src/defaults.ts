import { KINESIS_LIMITS } from '@kinesis-kit/records';

/** Defaults of the consumer's options, in one place. */
export const DEFAULTS = {
  /** Where a shard with no checkpoint and no unread parent starts. */
  initialPosition: 'TRIM_HORIZON',
  /** How records are read. */
  mode: 'polling',
  /** Fan-out: keep the stream consumer registered when the consumer stops. */
  deregisterOnStop: false,
  /** Fan-out: while the stream consumer is CREATING, how often to look again (AWS takes seconds). */
  consumerStatusPollMs: 500,
  /**
   * Kinesis records per GetRecords call (an aggregate counts as one). KCL's default is the
   * API's maximum; smaller batches mean less to redo after a crash.
   */
  maxRecordsPerCall: KINESIS_LIMITS.getRecordsMaxRecords,
  /**
   * Wait after a read that found the shard caught up (nothing more to read). While behind, a
   * shard is read as fast as its limits allow. KCL waits 1,500 ms; AWS advises ≥ 200 ms.
   */
  pollIntervalMs: 1000,
  /** Take KPL aggregates apart into their user records. */
  deaggregate: true,
  /** Checkpoint after every batch whose handler succeeded; `'manual'` leaves it to the handler. */
  checkpointing: 'auto',
  /**
   * Manual mode: how long a shard that reached its end waits for the checkpoint of its last
   * delivered record before it is read again from its checkpoint. A minute covers handlers that
   * checkpoint once their windows fire; 0 reads the shard again at once.
   */
  shardEndCheckpointWaitMs: 60_000,
  /** Tries of a failing batch handler after the first, before the failure policy applies. */
  maxHandlerRetries: 3,
  /** First retry delay (handler and Kinesis calls); later ones double, with jitter. */
  initialBackoffMs: 100,
  /** Longest retry delay. */
  maxBackoffMs: 5000,
  /** How often ListShards is read to discover new shards (children also come with shard end). */
  shardDiscoveryIntervalMs: 30_000,
  /** Shortest interval between GetRecords calls on a shard: 5 calls/s, shared with others. */
  minReadIntervalMs: 1000 / KINESIS_LIMITS.shardReadCallsPerSec,
  /** Bytes per second a shard's reads may take (GetRecords' per-shard limit). */
  readBytesPerSec: KINESIS_LIMITS.shardReadBytesPerSec,
} as const;
