import { DEFAULTS } from '../defaults.js';
import { hashKeyOf } from '../hash-key.js';
import { KPL_DEFAULTS } from '../limits.js';
import type { UserRecord } from '../model.js';
import { requireInteger } from '../options.js';
import { validateUserRecord } from '../validate.js';
import { AggregateBuilder } from './aggregate-builder.js';
import { AGGREGATE_PARTITION_KEY_BYTES, FRAME_BYTES } from './format.js';

/** Options of {@link RecordAggregator}. */
export interface RecordAggregatorOptions {
  /**
   * Byte budget of each emitted Kinesis record, counted as data + partition key + explicit hash
   * key bytes. The aggregator never emits a larger record. At most `maxRecordBytes`.
   * @default 51_200 (the KPL's AggregationMaxSize)
   */
  readonly maxAggregatedBytes?: number;
  /**
   * Largest user record accepted (data + partition key bytes), as for `validateUserRecord`.
   * @default 1_048_576
   */
  readonly maxRecordBytes?: number;
}

/** A Kinesis record the aggregator emits, ready for PutRecord(s). */
export interface EncodedRecord {
  /** `'a'` for an aggregate; the user record's own key when only one record was added. */
  readonly partitionKey: string;
  /** For an aggregate, the first user record's hash key, so the aggregate lands on its shard. */
  readonly explicitHashKey?: string | undefined;
  /** KPL aggregate bytes, or the user record's data when only one record was added. */
  readonly data: Uint8Array;
  /** Whether `data` is a KPL aggregate. A single record is sent plain, as the KPL does. */
  readonly aggregated: boolean;
  /** The user records carried, in order: sub-sequence number i is `userRecords[i]`. */
  readonly userRecords: readonly UserRecord[];
  /** Data + partition key + explicit hash key bytes: what the budget counts. */
  readonly sizeBytes: number;
}

/**
 * Packs user records into KPL aggregates, knowing before each add the exact size of the Kinesis
 * record it would emit, so that a producer fills aggregates to a byte budget without ever
 * exceeding it. It does not check shards: give one aggregator the records of one (predicted)
 * shard, as the KPL does, or consumers such as KCL drop the aggregate.
 *
 * @example
 * ```ts
 * const aggregator = new RecordAggregator({ maxAggregatedBytes: 51_200 });
 * for (const record of records) {
 *   if (!aggregator.tryAdd(record)) {
 *     send(aggregator.flush());
 *     if (!aggregator.tryAdd(record)) send(record); // larger than the budget on its own
 *   }
 * }
 * const last = aggregator.flush();
 * ```
 */
export class RecordAggregator {
  readonly maxAggregatedBytes: number;
  readonly #limits: { readonly maxRecordBytes: number };
  readonly #builder = new AggregateBuilder();
  readonly #records: UserRecord[] = [];
  #firstPlainBytes = 0;
  #outerExplicitHashKey: string | undefined;

  constructor(options: RecordAggregatorOptions = {}) {
    const maxRecordBytes = options.maxRecordBytes ?? DEFAULTS.maxRecordBytes;
    const maxAggregatedBytes = options.maxAggregatedBytes ?? DEFAULTS.maxAggregatedBytes;
    requireInteger('maxRecordBytes', maxRecordBytes, 1);
    requireInteger('maxAggregatedBytes', maxAggregatedBytes, 1, maxRecordBytes, 'maxRecordBytes');
    this.maxAggregatedBytes = maxAggregatedBytes;
    this.#limits = { maxRecordBytes };
  }

  /** User records added since the last flush. */
  get count(): number {
    return this.#records.length;
  }

  /** Size of the record {@link flush} would emit now (0 when empty). */
  get sizeBytes(): number {
    const count = this.#records.length;
    if (count === 0) return 0;
    if (count === 1) return this.#firstPlainBytes;
    return this.#aggregateBytes(this.#builder.protobufBytes);
  }

  /**
   * Size of the record {@link flush} would emit if `record` were added now. Validates the record
   * (throws `RecordValidationError`).
   */
  sizeWith(record: UserRecord): number {
    const { partitionKeyBytes, recordBytes } = validateUserRecord(record, this.#limits);
    if (this.#records.length === 0) return plainBytes(record, recordBytes);
    const growth = this.#builder.growthFor(
      record.partitionKey,
      partitionKeyBytes,
      record.explicitHashKey,
      record.data.byteLength,
    );
    return this.#aggregateBytes(this.#builder.protobufBytes + growth);
  }

  /**
   * Adds the record if the emitted record stays within `maxAggregatedBytes`; returns whether it
   * was added. When it returns false, flush and try again; a record that does not fit an empty
   * aggregator is larger than the budget and must be sent on its own. Throws
   * `RecordValidationError` for an invalid record.
   */
  tryAdd(record: UserRecord): boolean {
    const { partitionKeyBytes, recordBytes } = validateUserRecord(record, this.#limits);
    const records = this.#records;
    if (records.length === 0) {
      const bytes = plainBytes(record, recordBytes);
      if (bytes > this.maxAggregatedBytes) return false;
      this.#builder.append(
        record.partitionKey,
        partitionKeyBytes,
        record.explicitHashKey,
        record.data,
      );
      this.#firstPlainBytes = bytes;
      records.push(record);
      return true;
    }
    const maxProtobufBytes = this.maxAggregatedBytes - this.#aggregateBytes(0);
    const added = this.#builder.append(
      record.partitionKey,
      partitionKeyBytes,
      record.explicitHashKey,
      record.data,
      maxProtobufBytes,
    );
    if (added) records.push(record);
    return added;
  }

  /**
   * Emits the added records as one Kinesis record and empties the aggregator; `undefined` when
   * nothing was added. One record is emitted as it is, not aggregated.
   */
  flush(): EncodedRecord | undefined {
    const records = this.#records.splice(0);
    let output: EncodedRecord | undefined;
    if (records.length === 1) {
      const record = records[0] as UserRecord;
      output = {
        partitionKey: record.partitionKey,
        explicitHashKey: record.explicitHashKey,
        data: record.data,
        aggregated: false,
        userRecords: records,
        sizeBytes: this.#firstPlainBytes,
      };
    } else if (records.length > 1) {
      const data = this.#builder.encode();
      const explicitHashKey = this.#outerHashKey(records);
      output = {
        partitionKey: KPL_DEFAULTS.aggregatePartitionKey,
        explicitHashKey,
        data,
        aggregated: true,
        userRecords: records,
        sizeBytes: data.byteLength + AGGREGATE_PARTITION_KEY_BYTES + explicitHashKey.length,
      };
    }
    this.#builder.clear();
    this.#outerExplicitHashKey = undefined;
    this.#firstPlainBytes = 0;
    return output;
  }

  /** Emitted size of an aggregate whose protobuf message has this length. */
  #aggregateBytes(protobufBytes: number): number {
    return (
      FRAME_BYTES +
      protobufBytes +
      AGGREGATE_PARTITION_KEY_BYTES +
      this.#outerHashKey(this.#records).length
    );
  }

  /** The first record's hash key in decimal, computed once per aggregate. */
  #outerHashKey(records: readonly UserRecord[]): string {
    this.#outerExplicitHashKey ??= hashKeyOf(records[0] as UserRecord).toString();
    return this.#outerExplicitHashKey;
  }
}

function plainBytes(record: UserRecord, recordBytes: number): number {
  return recordBytes + (record.explicitHashKey?.length ?? 0);
}
