import { AggregationError, AggregationErrorCode } from '../errors.js';
import type { UserRecord } from '../model.js';
import { type RecordLimits, validateUserRecord } from '../validate.js';
import { AggregateBuilder } from './aggregate-builder.js';

/**
 * Encodes user records as one KPL aggregate (magic number, protobuf `AggregatedRecord`, MD5
 * digest), de-duplicating partition keys and explicit hash keys. Any number of records, even one,
 * is encoded; no size limit applies (use {@link RecordAggregator} to stay within a budget).
 * Validates every record first (throws `RecordValidationError`).
 *
 * @example
 * ```ts
 * const data = aggregate([
 *   { partitionKey: 'user-1', data: Buffer.from('{"page":"/"}') },
 *   { partitionKey: 'user-1', data: Buffer.from('{"page":"/cart"}') },
 * ]);
 * ```
 */
export function aggregate(records: Iterable<UserRecord>, limits: RecordLimits = {}): Uint8Array {
  const builder = new AggregateBuilder();
  for (const record of records) {
    const { partitionKeyBytes } = validateUserRecord(record, limits);
    builder.append(record.partitionKey, partitionKeyBytes, record.explicitHashKey, record.data);
  }
  if (builder.count === 0) {
    throw new AggregationError(
      AggregationErrorCode.EmptyAggregate,
      'cannot aggregate zero records',
    );
  }
  return builder.encode();
}
