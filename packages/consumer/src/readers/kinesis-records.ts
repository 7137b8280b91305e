import type {
  ChildShard as KinesisChildShard,
  KinesisClient,
  _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { Logger, StoredRecord } from '@kinesis-kit/records';
import type { StreamAddress } from '../stream-address.js';
import type { ChildShard } from './shard-reader.js';

/** What every reader needs, whichever API it reads with. */
export interface ReaderBaseOptions {
  readonly client: KinesisClient;
  readonly stream: StreamAddress;
  /**
   * The most Kinesis records a batch holds: the `Limit` of each GetRecords call; in fan-out,
   * larger events are split.
   */
  readonly maxRecordsPerCall: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly logger: Logger;
  /** Told of each answer that says "slow down" (ProvisionedThroughputExceeded, LimitExceeded). */
  readonly onThrottled?: (shardId: string, operation: string) => void;
}

/**
 * The SDK's records (from GetRecords or a SubscribeToShardEvent) as the consumer carries them,
 * with their bytes (data + partition key, what the shard's read limits count).
 */
export function storedRecords(
  records: readonly KinesisRecord[] | undefined,
  shardId: string,
  receivedAt: Date,
): { records: StoredRecord[]; bytes: number } {
  const stored: StoredRecord[] = [];
  let bytes = 0;
  for (const record of records ?? []) {
    const data = record.Data ?? new Uint8Array(0);
    const partitionKey = record.PartitionKey ?? '';
    bytes += data.byteLength + Buffer.byteLength(partitionKey);
    stored.push({
      partitionKey,
      data,
      sequenceNumber: record.SequenceNumber as string,
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp ?? receivedAt,
      shardId,
    });
  }
  return { records: stored, bytes };
}

/** The SDK's ChildShards (at a closed shard's end) as the consumer carries them. */
export function childShardsOf(children: readonly KinesisChildShard[] | undefined): ChildShard[] {
  return (children ?? []).map((child) => ({
    shardId: child.ShardId as string,
    parentShardIds: child.ParentShards ?? [],
    hashKeyRange: {
      startingHashKey: BigInt(child.HashKeyRange?.StartingHashKey ?? '0'),
      endingHashKey: BigInt(child.HashKeyRange?.EndingHashKey ?? '0'),
    },
  }));
}
