import { crc32 } from 'node:zlib';

/**
 * A shard iterator names a position in a shard: the first sequence number a read may return.
 * It is opaque to clients (base64, like AWS's) and carries a checksum so that a damaged or
 * invented iterator is rejected as invalid rather than misread.
 */
export interface ShardIteratorPosition {
  readonly streamName: string;
  /** Tells the stream from an earlier one of the same name. */
  readonly streamCreatedMs: number;
  readonly shardId: string;
  /** Reads return records with sequence numbers >= this. */
  readonly from: bigint;
  readonly issuedMs: number;
}

const VERSION = '1';

export function encodeShardIterator(position: ShardIteratorPosition): string {
  const body = [
    VERSION,
    position.issuedMs,
    position.streamCreatedMs,
    position.shardId,
    position.from,
    position.streamName,
  ].join('/');
  return Buffer.from(`${crc32(body).toString(36)}/${body}`).toString('base64');
}

/** The position an iterator names, or `undefined` when it is not a valid iterator. */
export function decodeShardIterator(iterator: string): ShardIteratorPosition | undefined {
  const text = Buffer.from(iterator, 'base64').toString('utf8');
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const body = text.slice(slash + 1);
  if (crc32(body).toString(36) !== text.slice(0, slash)) return undefined;
  const [version, issued, created, shardId, from, ...name] = body.split('/');
  if (version !== VERSION || !shardId || !from || !/^\d+$/.test(from)) return undefined;
  const issuedMs = Number(issued);
  const streamCreatedMs = Number(created);
  if (!Number.isFinite(issuedMs) || !Number.isFinite(streamCreatedMs)) return undefined;
  return { streamName: name.join('/'), streamCreatedMs, shardId, from: BigInt(from), issuedMs };
}
