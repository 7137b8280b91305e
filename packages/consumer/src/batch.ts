import type { StoredRecord } from '@kinesis-kit/records';
import type { RecordPosition } from './checkpoints/checkpoint-store.js';
import { type BatchPosition, InvalidCheckpointError } from './errors.js';

/**
 * A user record as the handler gets it: a KPL aggregate's records come one by one, with their
 * `subSequenceNumber`; a plain record has none.
 */
export type ConsumerRecord = StoredRecord;

/** Records of one shard, in shard order, handed to the handler together. */
export interface ConsumerBatch {
  readonly shardId: string;
  /** At least one record. */
  readonly records: readonly ConsumerRecord[];
  readonly position: BatchPosition;
  /** How far this read was behind the shard's newest record, when the service said. */
  readonly millisBehindLatest: number | undefined;
  /** Data plus partition key bytes of the records. */
  readonly bytes: number;
  /**
   * Stores the shard's checkpoint at `record` (default: the batch's last record): a restart
   * resumes right after it. Resolves once it is durable. Rejects with
   * `InvalidCheckpointError` for a record of another batch or one below an earlier
   * checkpoint. With `checkpointing: 'auto'` the consumer also checkpoints after the handler.
   */
  checkpoint(record?: ConsumerRecord): Promise<void>;
}

/**
 * What `KinesisConsumer.batches()` returns: the batches, and the shards being read now (see
 * `KinesisConsumer.readingShards()`), so that a reader of the iterator alone can tell which
 * shards have not given a batch yet.
 */
export interface ConsumerBatches extends AsyncIterableIterator<ConsumerBatch> {
  readingShards(): readonly string[];
}

/** Where a record sits: its checkpoint position and its ordinal in the shard's deliveries. */
export interface RecordPlace {
  readonly position: RecordPosition;
  readonly ordinal: number;
}

/** A batch as the shard worker builds it. */
export class Batch implements ConsumerBatch {
  readonly shardId: string;
  readonly records: readonly ConsumerRecord[];
  readonly position: BatchPosition;
  readonly millisBehindLatest: number | undefined;
  readonly bytes: number;
  readonly #places: ReadonlyMap<ConsumerRecord, RecordPlace>;
  readonly #checkpoint: (place: RecordPlace) => Promise<void>;

  constructor(details: {
    shardId: string;
    records: readonly ConsumerRecord[];
    places: ReadonlyMap<ConsumerRecord, RecordPlace>;
    millisBehindLatest: number | undefined;
    bytes: number;
    checkpoint: (place: RecordPlace) => Promise<void>;
  }) {
    this.shardId = details.shardId;
    this.records = details.records;
    this.#places = details.places;
    this.millisBehindLatest = details.millisBehindLatest;
    this.bytes = details.bytes;
    this.#checkpoint = details.checkpoint;
    const first = details.records[0] as ConsumerRecord;
    const last = details.records.at(-1) as ConsumerRecord;
    this.position = {
      shardId: details.shardId,
      firstSequenceNumber: first.sequenceNumber,
      ...(first.subSequenceNumber === undefined
        ? {}
        : { firstSubSequenceNumber: first.subSequenceNumber }),
      lastSequenceNumber: last.sequenceNumber,
      ...(last.subSequenceNumber === undefined
        ? {}
        : { lastSubSequenceNumber: last.subSequenceNumber }),
    };
  }

  /** The place of the batch's last record. */
  get lastPlace(): RecordPlace {
    return this.#places.get(this.records.at(-1) as ConsumerRecord) as RecordPlace;
  }

  checkpoint(record: ConsumerRecord = this.records.at(-1) as ConsumerRecord): Promise<void> {
    const place = this.#places.get(record);
    if (place === undefined) {
      return Promise.reject(
        new InvalidCheckpointError(
          `cannot checkpoint at ${record?.sequenceNumber}: the record is not one of this batch of shard ${this.shardId}`,
        ),
      );
    }
    return this.#checkpoint(place);
  }
}
