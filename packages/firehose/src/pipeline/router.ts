import type { Clock } from '../clock.js';
import type { Destination, DestinationRecord, FailedRecord } from '../destinations/destination.js';
import { failedRecord } from '../destinations/failed-record.js';
import { BatchBuffer } from './batch-buffer.js';

/**
 * The code of records the stream itself cannot partition (the destination's own partitioning
 * codes, such as a missing key, come from the destination).
 *
 * @example
 * ```ts
 * if (failure.errorCode === PartitioningErrorCode.ActivePartitionsLimitExceeded) console.warn('too many partitions');
 * ```
 */
export const PartitioningErrorCode = {
  /** The stream already buffers `maxActivePartitions` partitions. */
  ActivePartitionsLimitExceeded: 'DynamicPartitioning.ActivePartitionsLimitExceeded',
} as const;

/** What a {@link Router} needs. */
export interface RouterSettings {
  readonly destination: Destination;
  readonly sizeBytes: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  /** A partition's buffer is full or due: deliver these records. */
  readonly onBatch: (records: DestinationRecord[]) => void;
}

/**
 * Buffers records for the destination: one buffer, or one per partition under dynamic
 * partitioning, at most `maxActivePartitions` of them. A record that cannot be placed is
 * returned as a `partitioning-failed` record instead.
 *
 * @example
 * ```ts
 * const router = new Router({ destination, sizeBytes, intervalMs, clock, onBatch: deliver });
 * const failure = router.route(record);
 * ```
 */
export class Router {
  readonly #settings: RouterSettings;
  readonly #partitions = new Map<string, BatchBuffer<DestinationRecord>>();

  constructor(settings: RouterSettings) {
    this.#settings = settings;
  }

  /** Buffers `record`, or returns why it cannot be delivered. */
  route(record: DestinationRecord): FailedRecord | undefined {
    const partitioning = this.#settings.destination.partitioning;
    let key = '';
    if (partitioning) {
      const placement = partitioning.partitionOf(record);
      if ('errorCode' in placement) return this.#failure(record, placement);
      key = placement.key;
      const max = partitioning.maxActivePartitions;
      if (!this.#partitions.has(key) && this.#partitions.size >= max) {
        return this.#failure(record, {
          errorCode: PartitioningErrorCode.ActivePartitionsLimitExceeded,
          errorMessage: `${this.#partitions.size} partitions are active, the limit is ${max}`,
        });
      }
    }
    let buffer = this.#partitions.get(key);
    if (!buffer) {
      buffer = new BatchBuffer<DestinationRecord>({
        sizeBytes: this.#settings.sizeBytes,
        intervalMs: this.#settings.intervalMs,
        clock: this.#settings.clock,
        onFlush: (records) => {
          this.#partitions.delete(key);
          this.#settings.onBatch(records);
        },
      });
      this.#partitions.set(key, buffer);
    }
    buffer.add(record, record.data.byteLength);
    return undefined;
  }

  /** Delivers every partition now. */
  flushAll(): void {
    for (const buffer of [...this.#partitions.values()]) buffer.flush();
  }

  #failure(
    record: DestinationRecord,
    error: { errorCode: string; errorMessage: string },
  ): FailedRecord {
    const endedMs = this.#settings.clock.now();
    return failedRecord(record, 'partitioning-failed', { attempts: [{ ...error, endedMs }] });
  }
}
