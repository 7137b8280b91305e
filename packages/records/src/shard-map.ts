import { ShardMapError, ShardMapErrorCode } from './errors.js';
import { hashKeyOf, parseHashKey, partitionKeyToHashKey } from './hash-key.js';
import { KINESIS_LIMITS } from './limits.js';
import type { ListShardsShard, ShardDescriptor, UserRecord } from './model.js';

/**
 * The shards of a stream and which open shard owns each hash key. Built from ListShards output;
 * lookups take O(log n). Construction rejects lists that cannot describe a stream: open shards
 * must cover the whole hash key space [0, 2^128 - 1] without gaps or overlaps.
 *
 * @example
 * ```ts
 * const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'clicks' }));
 * const shards = ShardMap.fromListShards(Shards);
 * shards.shardForPartitionKey('user-42').shardId; // 'shardId-000000000001'
 * ```
 */
export class ShardMap {
  readonly #byId = new Map<string, ShardDescriptor>();
  /** Open shards sorted by starting hash key. */
  readonly #open: readonly ShardDescriptor[];
  readonly #openStarts: readonly bigint[];

  constructor(shards: Iterable<ShardDescriptor>) {
    const open: ShardDescriptor[] = [];
    for (const shard of shards) {
      if (this.#byId.has(shard.shardId)) {
        throw new ShardMapError(
          ShardMapErrorCode.DuplicateShardId,
          `shard ${shard.shardId} appears more than once`,
        );
      }
      checkRange(shard);
      this.#byId.set(shard.shardId, shard);
      if (shard.endingSequenceNumber === undefined) open.push(shard);
    }
    open.sort((a, b) =>
      compareBigInt(a.hashKeyRange.startingHashKey, b.hashKeyRange.startingHashKey),
    );
    checkCoverage(open);
    this.#open = open;
    this.#openStarts = open.map((shard) => shard.hashKeyRange.startingHashKey);
  }

  /**
   * Builds a map from the `Shards` of ListShards (or DescribeStream) as the AWS SDK v3 returns
   * them. Pass every page: open shards must cover the hash key space.
   */
  static fromListShards(shards: Iterable<ListShardsShard>): ShardMap {
    const descriptors: ShardDescriptor[] = [];
    for (const shard of shards) descriptors.push(descriptorFromListShards(shard));
    return new ShardMap(descriptors);
  }

  /** Number of shards, open and closed. */
  get size(): number {
    return this.#byId.size;
  }

  /** Every shard, open and closed, in the order given. */
  get shards(): readonly ShardDescriptor[] {
    return [...this.#byId.values()];
  }

  /** Open shards, sorted by starting hash key. */
  get openShards(): readonly ShardDescriptor[] {
    return this.#open;
  }

  /** Closed shards (those with an ending sequence number), in the order given. */
  get closedShards(): readonly ShardDescriptor[] {
    return this.shards.filter((shard) => shard.endingSequenceNumber !== undefined);
  }

  /** The shard with this id, or `undefined`. */
  get(shardId: string): ShardDescriptor | undefined {
    return this.#byId.get(shardId);
  }

  /** Whether the shard exists and accepts writes. Closed and unknown shards do not. */
  isOpen(shardId: string): boolean {
    const shard = this.#byId.get(shardId);
    return shard !== undefined && shard.endingSequenceNumber === undefined;
  }

  /** The open shard whose hash key range contains `hashKey` (in [0, 2^128 - 1]). */
  shardForHashKey(hashKey: bigint): ShardDescriptor {
    if (hashKey < 0n || hashKey > KINESIS_LIMITS.maxHashKey) {
      throw new RangeError(`hash key ${hashKey} is outside [0, 2^128 - 1]`);
    }
    const starts = this.#openStarts;
    // Last shard whose start is <= hashKey; coverage is checked, so it contains the key.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((starts[middle] as bigint) <= hashKey) low = middle;
      else high = middle - 1;
    }
    return this.#open[low] as ShardDescriptor;
  }

  /** The open shard a record with this partition key (and no explicit hash key) goes to. */
  shardForPartitionKey(partitionKey: string): ShardDescriptor {
    return this.shardForHashKey(partitionKeyToHashKey(partitionKey));
  }

  /** The open shard a record goes to: by its explicit hash key when set, else its partition key. */
  shardForRecord(record: UserRecord): ShardDescriptor {
    return this.shardForHashKey(hashKeyOf(record));
  }
}

function descriptorFromListShards(shard: ListShardsShard): ShardDescriptor {
  const shardId = shard.ShardId;
  if (shardId === undefined) {
    throw new ShardMapError(ShardMapErrorCode.MissingShardId, 'a shard has no ShardId');
  }
  const start = shard.HashKeyRange?.StartingHashKey;
  const end = shard.HashKeyRange?.EndingHashKey;
  const startingHashKey = start === undefined ? undefined : parseHashKey(start);
  const endingHashKey = end === undefined ? undefined : parseHashKey(end);
  if (startingHashKey === undefined || endingHashKey === undefined) {
    throw new ShardMapError(
      ShardMapErrorCode.InvalidHashKeyRange,
      `shard ${shardId} has hash key range [${start}, ${end}]; both bounds must be decimal integers in [0, 2^128 - 1]`,
    );
  }
  return {
    shardId,
    hashKeyRange: { startingHashKey, endingHashKey },
    parentShardId: shard.ParentShardId,
    adjacentParentShardId: shard.AdjacentParentShardId,
    startingSequenceNumber: shard.SequenceNumberRange?.StartingSequenceNumber,
    endingSequenceNumber: shard.SequenceNumberRange?.EndingSequenceNumber,
  };
}

function checkRange({ shardId, hashKeyRange }: ShardDescriptor): void {
  const { startingHashKey: start, endingHashKey: end } = hashKeyRange;
  if (start < 0n || end > KINESIS_LIMITS.maxHashKey || start > end) {
    throw new ShardMapError(
      ShardMapErrorCode.InvalidHashKeyRange,
      `shard ${shardId} has hash key range [${start}, ${end}]; it must lie in [0, 2^128 - 1] with start <= end`,
    );
  }
}

function checkCoverage(open: readonly ShardDescriptor[]): void {
  if (open.length === 0) {
    throw new ShardMapError(ShardMapErrorCode.NoOpenShards, 'the stream has no open shard');
  }
  let expected = 0n;
  let previous: ShardDescriptor | undefined;
  for (const shard of open) {
    const { startingHashKey, endingHashKey } = shard.hashKeyRange;
    if (startingHashKey > expected) {
      throw new ShardMapError(
        ShardMapErrorCode.HashKeyGap,
        `no open shard covers hash keys [${expected}, ${startingHashKey - 1n}]` +
          (previous
            ? ` between ${previous.shardId} and ${shard.shardId}`
            : ` before ${shard.shardId}`),
      );
    }
    if (startingHashKey < expected && previous) {
      throw new ShardMapError(
        ShardMapErrorCode.HashKeyOverlap,
        `open shards ${previous.shardId} and ${shard.shardId} both cover hash keys from ${startingHashKey}`,
      );
    }
    expected = endingHashKey + 1n;
    previous = shard;
  }
  if (expected <= KINESIS_LIMITS.maxHashKey) {
    throw new ShardMapError(
      ShardMapErrorCode.HashKeyGap,
      `no open shard covers hash keys [${expected}, ${KINESIS_LIMITS.maxHashKey}] after ${previous?.shardId}`,
    );
  }
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
