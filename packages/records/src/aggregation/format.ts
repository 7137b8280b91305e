import { createHash } from 'node:crypto';
import { KPL_DEFAULTS } from '../limits.js';

/** The four bytes every aggregated record starts with. */
export const MAGIC: Uint8Array = Uint8Array.from(KPL_DEFAULTS.aggregationMagic);
/** Length of the trailing MD5 digest. */
export const DIGEST_BYTES = KPL_DEFAULTS.aggregationDigestBytes;
/** Bytes an aggregate adds around its protobuf message: magic number and digest. */
export const FRAME_BYTES = MAGIC.length + DIGEST_BYTES;
/** UTF-8 bytes of the outer partition key of an aggregate. */
export const AGGREGATE_PARTITION_KEY_BYTES = Buffer.byteLength(KPL_DEFAULTS.aggregatePartitionKey);

/** Field numbers of `AggregatedRecord` and `Record` (see the KPL's aggregation-format.md). */
export const Field = {
  PartitionKeyTable: 1,
  ExplicitHashKeyTable: 2,
  Records: 3,
  RecordPartitionKeyIndex: 1,
  RecordExplicitHashKeyIndex: 2,
  RecordData: 3,
} as const;

/** Tag bytes of the fields this codec writes: (field number << 3) | wire type. */
export const Tag = {
  PartitionKeyTable: 0x0a,
  ExplicitHashKeyTable: 0x12,
  Records: 0x1a,
  RecordPartitionKeyIndex: 0x08,
  RecordExplicitHashKeyIndex: 0x10,
  RecordData: 0x1a,
} as const;

/** MD5 digest of `bytes[start, end)`. */
export function md5(bytes: Uint8Array, start: number, end: number): Buffer {
  return createHash('md5').update(bytes.subarray(start, end)).digest();
}

/** Whether `data` starts with the KPL magic number. */
export function startsWithMagic(data: Uint8Array): boolean {
  return (
    data.byteLength >= MAGIC.length &&
    data[0] === MAGIC[0] &&
    data[1] === MAGIC[1] &&
    data[2] === MAGIC[2] &&
    data[3] === MAGIC[3]
  );
}
