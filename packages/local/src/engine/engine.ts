import { KINESIS_LIMITS } from '@kinesis-kit/records';
import { AwsServiceError } from '../errors.js';
import { SubscriptionRegistry } from '../fanout/subscription-registry.js';
import type { Store, StoredState } from '../storage/store.js';
import type { Clock } from './clock.js';
import type { LimitsProfile } from './limits-profile.js';
import type { ShardRecord, ShardState, StreamState } from './model.js';
import { uniformHashRanges } from './resharding.js';
import { counterOf, sequenceNumber, shardIdFor, shardIndexFromId } from './sequence-numbers.js';
import { ShardLog } from './shard-log.js';
import { ShardMetrics } from './shard-metrics.js';
import { ShardSignal } from './shard-signal.js';
import { ShardThrottle } from './shard-throttle.js';

/** What the engine needs to know about its surroundings. */
export interface EngineOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: LimitsProfile;
  readonly accountId: string;
  readonly region: string;
  /** How long a new stream stays CREATING (and a deleted one DELETING). */
  readonly createStreamDelayMs: number;
  readonly deleteStreamDelayMs: number;
  /** How long a stream stays UPDATING after a reshard or a mode change. */
  readonly updateStreamDelayMs: number;
  /** Open shards the account may have (DescribeLimits' ShardLimit). */
  readonly shardLimit: number;
  /** On-demand streams the account may have. */
  readonly onDemandStreamLimit: number;
  /** Largest PutRecords request, data + partition keys. */
  readonly putRecordsMaxBytes: number;
  /** How long a registered consumer stays CREATING (and a deregistered one DELETING). */
  readonly streamConsumerDelayMs: number;
  /** How long a SubscribeToShard call pushes events before it ends. */
  readonly subscriptionLifetimeMs: number;
  /** With no records to push, a subscription sends an empty event this often. */
  readonly subscriptionHeartbeatMs: number;
  /** How long a shard iterator stays valid after GetShardIterator or GetRecords issued it. */
  readonly shardIteratorTtlMs: number;
}

/** A shard at run time: its description, its records and its throughput state. */
export interface LiveShard {
  readonly state: ShardState;
  readonly index: number;
  readonly log: ShardLog;
  readonly throttle: ShardThrottle;
  /** CloudWatch-style figures of the last 5 minutes (kept in memory only). */
  readonly metrics: ShardMetrics;
  /**
   * Writes routed here whose records are not in the log yet. A closed shard is read to its end
   * only once they have landed, or a reader would move on to the children and miss them.
   */
  pendingWrites: number;
  /** Fires when records land, the shard closes, or its stream or a consumer goes away. */
  readonly changed: ShardSignal;
}

/** A stream at run time. */
export interface LiveStream {
  readonly state: StreamState;
  readonly shards: Map<string, LiveShard>;
  /** When UpdateShardCount was called (AWS allows 10 calls per rolling 24 hours). */
  readonly shardCountUpdatesMs: number[];
}

/**
 * The endpoint's state: streams, shards, records, throughput, and the store that keeps them.
 * Operations (see `operations/`) read and change it; it knows nothing of HTTP or JSON.
 */
export class Engine {
  readonly options: EngineOptions;
  readonly #streams = new Map<string, LiveStream>();
  /** Enhanced fan-out subscriptions in force. */
  readonly subscriptions = new SubscriptionRegistry();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** When each stream name was last created, so a re-creation gets a later createdMs. */
  readonly #lastCreatedMs = new Map<string, number>();
  /** Control-plane changes are persisted one at a time, in order. */
  #metadataQueue: Promise<void> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.options = options;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Restores streams and records from the store. */
  restore(stored: StoredState): void {
    for (const state of stored.streams) {
      const records = stored.records.get(state.name);
      const live = this.#live(state, records);
      // Sequence numbers must keep increasing after a restart, whatever the saved counter says.
      for (const shard of live.shards.values()) {
        const last = shard.log.last;
        if (last && counterOf(last.sequenceNumber) >= state.nextSequence) {
          state.nextSequence = counterOf(last.sequenceNumber) + 1n;
        }
      }
      this.#streams.set(state.name, live);
      if (state.status === 'CREATING')
        this.#settle(live, 'ACTIVE', this.options.createStreamDelayMs);
      if (state.status === 'UPDATING')
        this.#settle(live, 'ACTIVE', this.options.updateStreamDelayMs);
      if (state.status === 'DELETING') {
        this.#settle(live, 'DELETED', this.options.deleteStreamDelayMs);
      }
    }
  }

  /** Every stream, sorted by name. */
  streams(): LiveStream[] {
    return [...this.#streams.values()].sort((a, b) =>
      a.state.name < b.state.name ? -1 : a.state.name > b.state.name ? 1 : 0,
    );
  }

  arnFor(name: string): string {
    return `arn:aws:kinesis:${this.options.region}:${this.options.accountId}:stream/${name}`;
  }

  /**
   * The stream named by `StreamName` or `StreamARN` (both may be given if they agree).
   * Throws ResourceNotFoundException for an unknown stream.
   */
  resolveStream(input: { StreamName?: unknown; StreamARN?: unknown }): LiveStream {
    const name = this.streamNameOf(input);
    const stream = this.#streams.get(name);
    if (!stream) throw this.streamNotFound(name);
    return stream;
  }

  /** The stream name a request addresses, from its StreamName or its StreamARN. */
  streamNameOf(input: { StreamName?: unknown; StreamARN?: unknown }): string {
    const byName = typeof input.StreamName === 'string' ? input.StreamName : undefined;
    const arn = typeof input.StreamARN === 'string' ? input.StreamARN : undefined;
    if (byName === undefined && arn === undefined) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        'Either StreamName or StreamARN should be provided.',
      );
    }
    if (arn === undefined) return byName as string;
    const match = /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/(.+)$/.exec(arn);
    if (!match || match[1] !== this.options.region || match[2] !== this.options.accountId) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Stream ${match?.[3] ?? arn} under account ${match?.[2] ?? this.options.accountId} not found.`,
      );
    }
    const fromArn = match[3] as string;
    if (byName !== undefined && byName !== fromArn) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        `StreamARN ${arn} and StreamName ${byName} refer to different streams.`,
      );
    }
    return fromArn;
  }

  /** Like {@link resolveStream}, for operations that need an ACTIVE (or UPDATING) stream. */
  resolveWritableStream(input: { StreamName?: unknown; StreamARN?: unknown }): LiveStream {
    const stream = this.resolveStream(input);
    const { status, name } = stream.state;
    if (status !== 'ACTIVE' && status !== 'UPDATING') throw this.streamNotFound(name);
    return stream;
  }

  /** For reads (GetShardIterator, GetRecords): a stream being created or deleted has none. */
  requireReadable(stream: LiveStream): void {
    const { status, name } = stream.state;
    if (status === 'CREATING' || status === 'DELETING') {
      throw new AwsServiceError(
        'ResourceInUseException',
        `Stream ${name} under account ${this.options.accountId} not ACTIVE, instead in state ${status}`,
      );
    }
  }

  /** For control-plane changes: the stream must be ACTIVE. */
  resolveActiveStream(input: { StreamName?: unknown; StreamARN?: unknown }): LiveStream {
    const stream = this.resolveStream(input);
    const { status, name } = stream.state;
    if (status !== 'ACTIVE') {
      throw new AwsServiceError(
        'ResourceInUseException',
        `Stream ${name} under account ${this.options.accountId} not ACTIVE, instead in state ${status}`,
      );
    }
    return stream;
  }

  streamNotFound(name: string): AwsServiceError {
    return new AwsServiceError(
      'ResourceNotFoundException',
      `Stream ${name} under account ${this.options.accountId} not found.`,
    );
  }

  /**
   * The shard a GetShardIterator or GetRecords call addresses. AWS reads a shard id as any
   * `<prefix>-<number>` (or a bare number); a missing stream or shard is reported as a missing
   * shard, with AWS's messages.
   */
  resolveShard(
    input: { StreamName?: unknown; StreamARN?: unknown },
    shardId: string,
  ): {
    stream: LiveStream;
    shard: LiveShard;
  } {
    const name = this.streamNameOf(input);
    const { accountId } = this.options;
    const digits = /^(?:.*-)?(\d{1,20})$/.exec(shardId)?.[1];
    if (digits === undefined) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Could not find shard ${shardId} in stream ${name} under account ${accountId}.`,
      );
    }
    const canonical = shardIdFor(Number(digits));
    const stream = this.#streams.get(name);
    const shard = stream?.shards.get(canonical);
    if (!stream || !shard) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Shard ${canonical} in stream ${name} under account ${accountId} does not exist`,
      );
    }
    return { stream, shard };
  }

  /** Open shards across the account (for the shard limit). */
  openShardCount(): number {
    let count = 0;
    for (const stream of this.#streams.values()) {
      for (const shard of stream.state.shards)
        if (shard.endingSequenceNumber === undefined) count++;
    }
    return count;
  }

  onDemandStreamCount(): number {
    let count = 0;
    for (const stream of this.#streams.values()) if (stream.state.mode === 'ON_DEMAND') count++;
    return count;
  }

  /** Creates a stream with `shardCount` shards splitting the hash key space evenly. */
  async createStream(
    name: string,
    shardCount: number,
    mode: StreamState['mode'],
    tags: Record<string, string>,
  ): Promise<void> {
    // createdMs tells a stream from an earlier one of the same name (iterators, storage): it
    // must differ even when both were created in the same millisecond.
    const now = Math.max(this.clock.now(), (this.#lastCreatedMs.get(name) ?? -1) + 1);
    this.#lastCreatedMs.set(name, now);
    const shards: ShardState[] = uniformHashRanges(shardCount).map((range, index) => ({
      shardId: shardIdFor(index),
      ...range,
      startingSequenceNumber: sequenceNumber(0n, index),
      createdMs: now,
    }));
    const state: StreamState = {
      name,
      arn: this.arnFor(name),
      createdMs: now,
      status: this.options.createStreamDelayMs > 0 ? 'CREATING' : 'ACTIVE',
      mode,
      retentionHours: KINESIS_LIMITS.defaultRetentionHours,
      maxRecordSizeKiB: KINESIS_LIMITS.maxRecordBytes / 1024,
      shards,
      tags,
      nextShardIndex: shardCount,
      nextSequence: 1n,
      consumers: [],
    };
    const live = this.#live(state, undefined);
    this.#streams.set(name, live);
    await this.saveStream(state);
    if (state.status === 'CREATING') this.#settle(live, 'ACTIVE', this.options.createStreamDelayMs);
  }

  /** Adds a shard (a reshard's child) to a stream; the caller persists the stream. */
  openShard(stream: LiveStream, state: ShardState): LiveShard {
    const shard: LiveShard = {
      state,
      index: shardIndexFromId(state.shardId) ?? 0,
      log: new ShardLog(),
      throttle: new ShardThrottle(this.options.limits, this.clock.now()),
      metrics: new ShardMetrics(),
      pendingWrites: 0,
      changed: new ShardSignal(),
    };
    stream.state.shards.push(state);
    stream.shards.set(state.shardId, shard);
    return shard;
  }

  /**
   * After a reshard or a mode change: the stream is UPDATING for `updateStreamDelayMs` (other
   * changes are refused meanwhile), then ACTIVE again. Resolves once the change is persisted.
   */
  async finishUpdate(stream: LiveStream): Promise<void> {
    const delayMs = this.options.updateStreamDelayMs;
    if (delayMs > 0) stream.state.status = 'UPDATING';
    await this.saveStream(stream.state);
    if (delayMs > 0) this.#settle(stream, 'ACTIVE', delayMs);
  }

  /** AWS's LimitExceededException for a request that would open `additional` shards too many. */
  shardLimitExceeded(additional: number): AwsServiceError {
    const { accountId, region, shardLimit } = this.options;
    return new AwsServiceError(
      'LimitExceededException',
      `This request would exceed the shard limit for the account ${accountId} in ${region}. Current shard count for the account: ${this.openShardCount()}. Limit: ${shardLimit}. Number of additional shards that would have resulted from this request: ${additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
    );
  }

  /** Marks a stream DELETING and removes it (with its records) after the delete delay. */
  async deleteStream(stream: LiveStream): Promise<void> {
    if (this.options.deleteStreamDelayMs > 0) {
      stream.state.status = 'DELETING';
      await this.saveStream(stream.state);
      this.#settle(stream, 'DELETED', this.options.deleteStreamDelayMs);
      return;
    }
    await this.#remove(stream);
  }

  /** Persists a stream's metadata after a control-plane change, in order with other changes. */
  saveStream(state: StreamState): Promise<void> {
    const snapshot = structuredClone(state);
    const saved = this.#metadataQueue.then(() => this.options.store.saveStream(snapshot));
    this.#metadataQueue = saved.catch(() => undefined);
    return saved;
  }

  /**
   * Stores records that have sequence numbers already: durably first (as the store promises),
   * then in the shard logs, where readers see them. Resolves once acknowledged.
   */
  async storeRecords(stream: LiveStream, batches: Map<LiveShard, ShardRecord[]>): Promise<void> {
    const appends = [...batches].map(([shard, records]) => ({
      shardId: shard.state.shardId,
      records,
    }));
    for (const shard of batches.keys()) shard.pendingWrites++;
    try {
      // A shard a reshard just opened must be in the saved metadata before records are
      // acknowledged in it, or a crash would leave records of a shard no stream lists.
      await this.#metadataQueue;
      await this.options.store.append(stream.state, appends);
      for (const [shard, records] of batches) shard.log.append(records);
    } finally {
      for (const shard of batches.keys()) {
        shard.pendingWrites--;
        shard.changed.notify();
      }
    }
  }

  /** Drops records past every stream's retention period, in memory and in the store. */
  async trimExpired(): Promise<void> {
    const now = this.clock.now();
    for (const stream of this.#streams.values()) {
      const beforeMs = now - stream.state.retentionHours * 3_600_000;
      for (const shard of stream.shards.values()) shard.log.trim(beforeMs);
      await this.options.store.trim(stream.state, beforeMs);
    }
  }

  /** Runs `action` after `delayMs` unless the engine closes first. */
  schedule(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Stops pending state changes and ends fan-out subscriptions. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.subscriptions.stopAll();
  }

  #live(
    state: StreamState,
    records: ReadonlyMap<string, readonly ShardRecord[]> | undefined,
  ): LiveStream {
    const shards = new Map<string, LiveShard>();
    const now = this.clock.now();
    for (const shard of state.shards) {
      shards.set(shard.shardId, {
        state: shard,
        index: shardIndexFromId(shard.shardId) ?? 0,
        log: new ShardLog(records?.get(shard.shardId)),
        throttle: new ShardThrottle(this.options.limits, now),
        metrics: new ShardMetrics(),
        pendingWrites: 0,
        changed: new ShardSignal(),
      });
    }
    return { state, shards, shardCountUpdatesMs: [] };
  }

  /** Moves a stream to its next state after the configured delay. */
  #settle(stream: LiveStream, next: 'ACTIVE' | 'DELETED', delay: number): void {
    this.schedule(delay, () => {
      if (this.#streams.get(stream.state.name) !== stream) return;
      if (next === 'DELETED') {
        // A failed delete must not take the process down (this runs in a timer); the stream
        // is gone from the API either way, and its files are retried on the next start.
        this.#remove(stream).catch(() => undefined);
      } else {
        stream.state.status = 'ACTIVE';
        void this.saveStream(stream.state).catch(() => undefined);
      }
    });
  }

  async #remove(stream: LiveStream): Promise<void> {
    if (this.#streams.get(stream.state.name) === stream) this.#streams.delete(stream.state.name);
    for (const consumer of stream.state.consumers) {
      this.subscriptions.stopConsumer(
        consumer.arn,
        new AwsServiceError(
          'ResourceNotFoundException',
          `Stream ${stream.state.name} under account ${this.options.accountId} not found.`,
        ),
      );
    }
    for (const shard of stream.shards.values()) shard.changed.notify();
    const removed = this.#metadataQueue.then(() => this.options.store.deleteStream(stream.state));
    this.#metadataQueue = removed.catch(() => undefined);
    await removed;
  }
}
