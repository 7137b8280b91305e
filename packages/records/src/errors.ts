/** Options every kinesis-kit error accepts. */
export interface KinesisKitErrorOptions {
  /**
   * Whether repeating the same operation may succeed. Unknown errors are not retriable.
   * @default false
   */
  readonly retriable?: boolean;
  /** The error that caused this one, kept as `cause`. */
  readonly cause?: unknown;
}

/**
 * The base class of every error kinesis-kit raises. Each package extends it
 * (`ProducerError`, `ConsumerError`, ...); `code` tells cases apart without parsing messages
 * and `retriable` tells a retrier whether trying again can help.
 */
export class KinesisKitError extends Error {
  override readonly name: string = 'KinesisKitError';
  /** A stable, machine-readable error code. */
  readonly code: string;
  /** Whether repeating the same operation may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: KinesisKitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Why a user record was rejected by {@link validateUserRecord}. */
export const RecordValidationCode = {
  /** `partitionKey` is not a string. */
  InvalidPartitionKey: 'InvalidPartitionKey',
  /** `partitionKey` is the empty string. */
  EmptyPartitionKey: 'EmptyPartitionKey',
  /** `partitionKey` has more Unicode characters than allowed. */
  PartitionKeyTooLong: 'PartitionKeyTooLong',
  /** `data` is not a `Uint8Array`. */
  InvalidData: 'InvalidData',
  /** Data bytes plus partition key bytes exceed the record size limit. */
  RecordTooLarge: 'RecordTooLarge',
  /** `explicitHashKey` is not a decimal integer in [0, 2^128). */
  InvalidExplicitHashKey: 'InvalidExplicitHashKey',
} as const;
export type RecordValidationCode = (typeof RecordValidationCode)[keyof typeof RecordValidationCode];

/**
 * A user record breaks a Kinesis limit. Never retriable: the same record fails again.
 * `limit` and `actual` carry the numbers named in the message (where the rule has numbers).
 */
export class RecordValidationError extends KinesisKitError {
  override readonly name = 'RecordValidationError';
  declare readonly code: RecordValidationCode;
  /** The limit the record broke, in the unit of `actual`. */
  readonly limit: number | undefined;
  /** The record's value for that limit. */
  readonly actual: number | undefined;

  constructor(
    code: RecordValidationCode,
    message: string,
    details: { readonly limit?: number; readonly actual?: number } = {},
  ) {
    super(code, message, { retriable: false });
    this.limit = details.limit;
    this.actual = details.actual;
  }
}

/** Why a shard list could not become a {@link ShardMap}. */
export const ShardMapErrorCode = {
  /** A shard entry has no shard id. */
  MissingShardId: 'MissingShardId',
  /** A hash key range is malformed: not decimal, out of [0, 2^128), or start > end. */
  InvalidHashKeyRange: 'InvalidHashKeyRange',
  /** Two shards share an id. */
  DuplicateShardId: 'DuplicateShardId',
  /** The stream has no open shard. */
  NoOpenShards: 'NoOpenShards',
  /** Part of the hash key space is covered by no open shard. */
  HashKeyGap: 'HashKeyGap',
  /** Two open shards claim the same hash key. */
  HashKeyOverlap: 'HashKeyOverlap',
} as const;
export type ShardMapErrorCode = (typeof ShardMapErrorCode)[keyof typeof ShardMapErrorCode];

/** A shard list that does not describe a consistent stream. */
export class ShardMapError extends KinesisKitError {
  override readonly name = 'ShardMapError';
  declare readonly code: ShardMapErrorCode;

  constructor(code: ShardMapErrorCode, message: string) {
    super(code, message, { retriable: false });
  }
}

/** Why records could not be aggregated. */
export const AggregationErrorCode = {
  /** There is nothing to aggregate. */
  EmptyAggregate: 'EmptyAggregate',
  /** The record cannot fit in an aggregate of the configured size even on its own. */
  RecordExceedsAggregateSize: 'RecordExceedsAggregateSize',
} as const;
export type AggregationErrorCode = (typeof AggregationErrorCode)[keyof typeof AggregationErrorCode];

/** Records could not be aggregated as asked. */
export class AggregationError extends KinesisKitError {
  override readonly name = 'AggregationError';
  declare readonly code: AggregationErrorCode;

  constructor(code: AggregationErrorCode, message: string) {
    super(code, message, { retriable: false });
  }
}

/** What is wrong with an aggregated record. */
export const CorruptAggregateCode = {
  /** Shorter than magic number plus digest. */
  TooShort: 'TooShort',
  /** The MD5 digest does not match the protobuf bytes. */
  DigestMismatch: 'DigestMismatch',
  /** The protobuf message is truncated or malformed. */
  MalformedProtobuf: 'MalformedProtobuf',
  /** A record points outside the partition key or explicit hash key table. */
  InvalidTableIndex: 'InvalidTableIndex',
  /** An explicit hash key in the table is not a decimal integer in [0, 2^128). */
  InvalidExplicitHashKey: 'InvalidExplicitHashKey',
  /** A user record's hash key lies outside the shard the aggregate was read from. */
  HashKeyOutsideShard: 'HashKeyOutsideShard',
} as const;
export type CorruptAggregateCode = (typeof CorruptAggregateCode)[keyof typeof CorruptAggregateCode];

/** A record carries the KPL magic number but is not a valid aggregate. */
export class CorruptAggregateError extends KinesisKitError {
  override readonly name = 'CorruptAggregateError';
  declare readonly code: CorruptAggregateCode;

  constructor(code: CorruptAggregateCode, message: string) {
    super(code, message, { retriable: false });
  }
}

/** An option or argument is out of its documented range. */
export class InvalidArgumentError extends KinesisKitError {
  override readonly name = 'InvalidArgumentError';

  constructor(message: string) {
    super('InvalidArgument', message, { retriable: false });
  }
}
