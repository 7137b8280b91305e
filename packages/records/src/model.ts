/**
 * A record as a producer hands it to Kinesis: PutRecords' `PartitionKey`, `Data` and
 * `ExplicitHashKey`.
 */
export interface UserRecord {
  /** 1–256 Unicode characters; its MD5 picks the shard unless `explicitHashKey` is set. */
  readonly partitionKey: string;
  /** The payload. Record size = data bytes + partition key bytes (UTF-8). */
  readonly data: Uint8Array;
  /** Decimal hash key in [0, 2^128) that overrides the partition key's hash. */
  readonly explicitHashKey?: string | undefined;
}

/** A record as Kinesis stored it, read back from a shard. */
export interface StoredRecord extends UserRecord {
  /** Decimal sequence number, strictly increasing within a shard (compare as big integers). */
  readonly sequenceNumber: string;
  /**
   * Position of a user record inside a KPL aggregate (0-based). Absent for a record that was
   * not aggregated.
   */
  readonly subSequenceNumber?: number | undefined;
  /** When Kinesis received the (outer) record. */
  readonly approximateArrivalTimestamp: Date;
  /** The shard the record was read from. */
  readonly shardId: string;
}

/** An inclusive range of 128-bit hash keys. */
export interface HashKeyRange {
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** A shard of a stream, as ListShards describes it, with hash keys as `bigint`. */
export interface ShardDescriptor {
  readonly shardId: string;
  readonly hashKeyRange: HashKeyRange;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
  readonly startingSequenceNumber?: string | undefined;
  /** Set once the shard is closed (after a split or merge); an open shard has none. */
  readonly endingSequenceNumber?: string | undefined;
}

/**
 * One entry of a ListShards (or DescribeStream) response as the AWS SDK v3 types it; every
 * field is optional there, so {@link ShardMap.fromListShards} checks what it needs.
 */
export interface ListShardsShard {
  readonly ShardId?: string | undefined;
  readonly ParentShardId?: string | undefined;
  readonly AdjacentParentShardId?: string | undefined;
  readonly HashKeyRange?:
    | {
        readonly StartingHashKey?: string | undefined;
        readonly EndingHashKey?: string | undefined;
      }
    | undefined;
  readonly SequenceNumberRange?:
    | {
        readonly StartingSequenceNumber?: string | undefined;
        readonly EndingSequenceNumber?: string | undefined;
      }
    | undefined;
}
