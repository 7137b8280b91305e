import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidArgumentError, KINESIS_LIMITS, type Logger } from '@kinesis-kit/records';
import type { ConsumerBatch } from './batch.js';
import type { CheckpointStore } from './checkpoints/checkpoint-store.js';
import { DEFAULTS } from './defaults.js';
import type { InitialPosition } from './shard-assignment.js';
import type { StreamAddress } from './stream-address.js';

/** A batch the handler could not process, handed to `onFailedBatch`. */
export interface FailedBatch {
  readonly batch: ConsumerBatch;
  /** The handler's last error. */
  readonly error: unknown;
  /** Tries of the handler, the first included. */
  readonly attempts: number;
}

/** Options of {@link KinesisConsumer}. Every one but the stream and the store has a default. */
export type KinesisConsumerOptions = ({ streamName: string } | { streamARN: string }) & {
  /**
   * The client to read with. Without one, the consumer builds a KinesisClient from the standard
   * configuration (credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS`) with SDK retries
   * off, because the consumer retries itself, and (polling) connections kept open from one
   * GetRecords to the next; and destroys it when it stops.
   */
  readonly client?: KinesisClient;
  /** Where checkpoints are kept: `MemoryCheckpointStore`, `FileCheckpointStore`, or your own. */
  readonly checkpoints: CheckpointStore;
  /**
   * Where a shard with no checkpoint (and no parent that was read) starts: the oldest record,
   * the next new one, or the first at or after a time. @default 'TRIM_HORIZON'
   */
  readonly initialPosition?: InitialPosition;
  /**
   * How records are read: `'polling'` (GetRecords, sharing the shard's 2 MiB/s and 5 calls/s
   * with every other polling reader) or `'fan-out'` (enhanced fan-out: SubscribeToShard pushes
   * records as they arrive, with 2 MiB/s per shard for this consumer alone; needs
   * `consumerName`; AWS bills it per consumer-shard hour and per GB). @default 'polling'
   */
  readonly mode?: 'polling' | 'fan-out';
  /**
   * Fan-out only: the stream consumer to read as (RegisterStreamConsumer's name, 1–128 of
   * `[a-zA-Z0-9_.-]`). It is registered if the stream has none of that name, and reused
   * otherwise, so a restart reads as the same consumer. One process per consumer name in this
   * release: two would each read every shard and keep taking the subscriptions from each other.
   */
  readonly consumerName?: string;
  /**
   * Fan-out only: deregister the stream consumer when the consumer stops (its subscriptions end;
   * a later start registers it again, and pays AWS's registration time). @default false
   */
  readonly deregisterOnStop?: boolean;
  /**
   * Kinesis records per GetRecords call (an aggregate counts as one), 1–10,000; in fan-out mode,
   * the most a batch holds (larger events are split). @default 10000
   */
  readonly maxRecordsPerCall?: number;
  /** Wait after a read that found the shard caught up, 200–300,000 ms. @default 1000 */
  readonly pollIntervalMs?: number;
  /** Take KPL aggregates apart into user records. @default true */
  readonly deaggregate?: boolean;
  /**
   * `'auto'`: checkpoint after each batch the handler finished. `'manual'`: only when the
   * handler calls `batch.checkpoint()`. @default 'auto'
   */
  readonly checkpointing?: 'auto' | 'manual';
  /**
   * Manual mode: when a shard reaches its end (a split or merge closed it) with records handed
   * to the handler but not checkpointed, how long to wait for their checkpoint, 0–3,600,000 ms.
   * A handler that checkpoints after it returned (once the windows a batch fed have fired, say)
   * is waited for: as soon as its checkpoint is stored, the shard ends and its children start,
   * and nothing is delivered twice. Past the wait (or with 0), the shard is read again from its
   * checkpoint, so the records after it come again and its children wait until they are
   * checkpointed. The shard stays in `readingShards()` while it waits. @default 60000
   */
  readonly shardEndCheckpointWaitMs?: number;
  /** Tries of a failing batch handler after the first, 0–100. @default 3 */
  readonly maxHandlerRetries?: number;
  /**
   * Called with a batch the handler failed on every try; once it resolves, the consumer
   * checkpoints past the batch and goes on. Without it, the shard stops and `run()` rejects
   * with a `HandlerFailedError` (nothing is ever skipped silently).
   */
  readonly onFailedBatch?: (failed: FailedBatch) => void | Promise<void>;
  /** First retry delay (handler, Kinesis calls); later ones double, with jitter. @default 100 */
  readonly initialBackoffMs?: number;
  /** Longest retry delay. @default 5000 */
  readonly maxBackoffMs?: number;
  /** How often ListShards is read to find new shards, 1,000 ms–24 h. @default 30000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Where listener errors and warnings go. @default silent */
  readonly logger?: Logger;
};

export interface ResolvedOptions {
  readonly stream: StreamAddress;
  readonly mode: 'polling' | 'fan-out';
  /** Set in fan-out mode. */
  readonly consumerName: string | undefined;
  readonly deregisterOnStop: boolean;
  readonly initialPosition: InitialPosition;
  readonly maxRecordsPerCall: number;
  readonly pollIntervalMs: number;
  readonly deaggregate: boolean;
  readonly checkpointing: 'auto' | 'manual';
  readonly shardEndCheckpointWaitMs: number;
  readonly maxHandlerRetries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly shardDiscoveryIntervalMs: number;
}

type NumericOption = keyof {
  [K in keyof ResolvedOptions as ResolvedOptions[K] extends number ? K : never]: true;
};

const RANGES: readonly (readonly [NumericOption, number, number])[] = [
  ['maxRecordsPerCall', 1, KINESIS_LIMITS.getRecordsMaxRecords],
  ['pollIntervalMs', DEFAULTS.minReadIntervalMs, 300_000],
  ['shardEndCheckpointWaitMs', 0, 3_600_000],
  ['maxHandlerRetries', 0, 100],
  ['initialBackoffMs', 1, 60_000],
  ['maxBackoffMs', 1, 600_000],
  ['shardDiscoveryIntervalMs', 1000, 24 * 3_600_000],
];

/** Merges the defaults in and validates: a bad setting fails at construction, naming the option. */
export function resolveOptions(options: KinesisConsumerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('KinesisConsumer options must be an object');
  }
  const name = 'streamARN' in options ? options.streamARN : options.streamName;
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError('streamName or streamARN must be a non-empty string');
  }
  const stream: StreamAddress =
    'streamARN' in options ? { StreamARN: options.streamARN } : { StreamName: options.streamName };
  const store = options.checkpoints as Partial<CheckpointStore> | undefined;
  if (
    typeof store?.load !== 'function' ||
    typeof store.save !== 'function' ||
    typeof store.loadAll !== 'function'
  ) {
    throw new InvalidArgumentError(
      'checkpoints must be a CheckpointStore (load, save, loadAll): e.g. new MemoryCheckpointStore() or new FileCheckpointStore({ path })',
    );
  }
  const mode: string = options.mode ?? DEFAULTS.mode;
  if (mode !== 'polling' && mode !== 'fan-out') {
    throw new InvalidArgumentError(
      `mode must be 'polling' or 'fan-out', got ${JSON.stringify(mode)}`,
    );
  }
  const consumerName = options.consumerName;
  if (mode === 'fan-out') {
    if (typeof consumerName !== 'string' || !/^[a-zA-Z0-9_.-]{1,128}$/.test(consumerName)) {
      throw new InvalidArgumentError(
        `mode 'fan-out' needs consumerName: 1–128 characters of [a-zA-Z0-9_.-], got ${JSON.stringify(consumerName)}`,
      );
    }
  } else if (consumerName !== undefined || options.deregisterOnStop !== undefined) {
    throw new InvalidArgumentError(
      "consumerName and deregisterOnStop apply to mode 'fan-out' only",
    );
  }
  const deregisterOnStop = options.deregisterOnStop ?? DEFAULTS.deregisterOnStop;
  if (typeof deregisterOnStop !== 'boolean') {
    throw new InvalidArgumentError(
      `deregisterOnStop must be a boolean, got ${String(deregisterOnStop)}`,
    );
  }
  const initialPosition = options.initialPosition ?? DEFAULTS.initialPosition;
  if (
    initialPosition !== 'TRIM_HORIZON' &&
    initialPosition !== 'LATEST' &&
    !(
      typeof initialPosition === 'object' &&
      initialPosition !== null &&
      initialPosition.timestamp instanceof Date &&
      Number.isFinite(initialPosition.timestamp.getTime())
    )
  ) {
    throw new InvalidArgumentError(
      "initialPosition must be 'TRIM_HORIZON', 'LATEST' or { timestamp: Date } with a valid date",
    );
  }
  const checkpointing = options.checkpointing ?? DEFAULTS.checkpointing;
  if (checkpointing !== 'auto' && checkpointing !== 'manual') {
    throw new InvalidArgumentError(
      `checkpointing must be 'auto' or 'manual', got ${JSON.stringify(checkpointing)}`,
    );
  }
  if (options.onFailedBatch !== undefined && typeof options.onFailedBatch !== 'function') {
    throw new InvalidArgumentError('onFailedBatch must be a function');
  }
  const resolved: ResolvedOptions = {
    stream,
    mode,
    consumerName,
    deregisterOnStop,
    initialPosition,
    maxRecordsPerCall: options.maxRecordsPerCall ?? DEFAULTS.maxRecordsPerCall,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    deaggregate: options.deaggregate ?? DEFAULTS.deaggregate,
    checkpointing,
    shardEndCheckpointWaitMs: options.shardEndCheckpointWaitMs ?? DEFAULTS.shardEndCheckpointWaitMs,
    maxHandlerRetries: options.maxHandlerRetries ?? DEFAULTS.maxHandlerRetries,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULTS.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULTS.maxBackoffMs,
    shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? DEFAULTS.shardDiscoveryIntervalMs,
  };
  for (const [key, min, max] of RANGES) {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${key} must be from ${min} to ${max}, got ${String(value)}`);
    }
  }
  for (const key of ['maxRecordsPerCall', 'maxHandlerRetries'] as const) {
    if (!Number.isInteger(resolved[key])) {
      throw new InvalidArgumentError(`${key} must be an integer, got ${resolved[key]}`);
    }
  }
  if (typeof resolved.deaggregate !== 'boolean') {
    throw new InvalidArgumentError(
      `deaggregate must be a boolean, got ${String(resolved.deaggregate)}`,
    );
  }
  return resolved;
}
