/**
 * The position of the last record a consumer finished in a shard. A record of a KPL aggregate
 * has a `subSequenceNumber`; without one, the whole Kinesis record `sequenceNumber` is done.
 */
export interface RecordPosition {
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number | undefined;
}

/** The checkpoint of a shard read to its end: its children may start. */
export const SHARD_END = 'SHARD_END';
export type ShardEnd = typeof SHARD_END;

/** What a checkpoint store keeps per shard. */
export type Checkpoint = RecordPosition | ShardEnd;

/**
 * Where the consumer keeps how far it got in each shard. The single-process consumer calls
 * `load` once per shard before reading it and `save` after each checkpoint; a `save` resolves
 * once the checkpoint is durable (a consumer that crashes after it never re-reads those
 * records). Implement it to keep checkpoints elsewhere (a database, DynamoDB, ...).
 *
 * @example
 * ```ts
 * const store: CheckpointStore = new MemoryCheckpointStore();
 * await store.save('shardId-000000000000', { sequenceNumber: '4959...' });
 * ```
 */
export interface CheckpointStore {
  /** The checkpoint of a shard, or `undefined` if it has none. */
  load(shardId: string): Promise<Checkpoint | undefined>;
  /** Stores a shard's checkpoint durably, replacing the previous one. */
  save(shardId: string, checkpoint: Checkpoint): Promise<void>;
  /** Every stored checkpoint, by shard id. */
  loadAll(): Promise<ReadonlyMap<string, Checkpoint>>;
}

/** Whether a stored value is a well-formed checkpoint (for stores that parse what they read). */
export function isCheckpoint(value: unknown): value is Checkpoint {
  if (value === SHARD_END) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { sequenceNumber, subSequenceNumber } = value as Record<string, unknown>;
  return (
    typeof sequenceNumber === 'string' &&
    /^\d+$/.test(sequenceNumber) &&
    (subSequenceNumber === undefined ||
      (Number.isInteger(subSequenceNumber) && (subSequenceNumber as number) >= 0))
  );
}
