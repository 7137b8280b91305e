import { crc32 } from 'node:zlib';
import type { ShardRecord } from '../engine/model.js';

/**
 * Binary layout of one shard-log entry (all integers big-endian):
 *
 * ```
 * header   u32 payload length | u32 CRC-32 of the payload
 * payload  u8 sequence length S | S bytes sequence number (unsigned, minimal) |
 *          f64 arrivalMs | u16 partition key length K | K bytes UTF-8 key | data (the rest)
 * ```
 *
 * Sequence numbers are bigints wider than 64 bits (56 decimal digits in AWS), hence the length
 * prefix. An all-zero header never decodes (the payload has a minimum size), so a file tail that
 * a crash left zero-filled is recognised as torn.
 */
export const ENTRY_HEADER_BYTES = 8;

const MIN_PAYLOAD_BYTES = 1 + 8 + 2;
const MAX_SEQUENCE_BYTES = 0xff;
const MAX_PARTITION_KEY_BYTES = 0xffff;
const MAX_PAYLOAD_BYTES = 0xffff_ffff;

/** Entries encoded back to back, with what the shard log needs to know about them. */
export interface EncodedEntries {
  readonly bytes: Buffer;
  readonly firstSequenceNumber: bigint;
  /** Largest `arrivalMs` among the records (retention works on it). */
  readonly newestArrivalMs: number;
}

/**
 * Encodes records as consecutive log entries in one buffer, so that a batch costs one
 * allocation and one write. Throws a `RangeError` for a record the format cannot hold.
 */
export function encodeEntries(records: readonly ShardRecord[]): EncodedEntries {
  const sequenceHex: string[] = [];
  const keyBytes: number[] = [];
  let total = 0;
  let newestArrivalMs = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const hex = sequenceToHex(record.sequenceNumber);
    const keyLength = Buffer.byteLength(record.partitionKey, 'utf8');
    if (keyLength > MAX_PARTITION_KEY_BYTES) {
      throw new RangeError(
        `Partition key of ${keyLength} bytes exceeds ${MAX_PARTITION_KEY_BYTES}`,
      );
    }
    const payload = MIN_PAYLOAD_BYTES + hex.length / 2 + keyLength + record.data.byteLength;
    if (payload > MAX_PAYLOAD_BYTES) {
      throw new RangeError(`Record of ${payload} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
    }
    sequenceHex.push(hex);
    keyBytes.push(keyLength);
    total += ENTRY_HEADER_BYTES + payload;
    if (record.arrivalMs > newestArrivalMs) newestArrivalMs = record.arrivalMs;
  }

  const bytes = Buffer.allocUnsafe(total);
  let offset = 0;
  records.forEach((record, index) => {
    const hex = sequenceHex[index] ?? '';
    const keyLength = keyBytes[index] ?? 0;
    const payloadStart = offset + ENTRY_HEADER_BYTES;
    let cursor = bytes.writeUInt8(hex.length / 2, payloadStart);
    cursor += bytes.write(hex, cursor, 'hex');
    cursor = bytes.writeDoubleBE(record.arrivalMs, cursor);
    cursor = bytes.writeUInt16BE(keyLength, cursor);
    cursor += bytes.write(record.partitionKey, cursor, 'utf8');
    bytes.set(record.data, cursor);
    cursor += record.data.byteLength;
    bytes.writeUInt32BE(cursor - payloadStart, offset);
    bytes.writeUInt32BE(crc32(bytes.subarray(payloadStart, cursor)), offset + 4);
    offset = cursor;
  });

  return {
    bytes,
    firstSequenceNumber: records[0]?.sequenceNumber ?? 0n,
    newestArrivalMs,
  };
}

/** One entry read back, or why the bytes at the offset are not an entry. */
export type DecodedEntry =
  | { readonly ok: true; readonly record: ShardRecord; readonly nextOffset: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes the entry starting at `offset`. The record's `data` is a view into `bytes` (no copy):
 * loading a segment then costs one read of the file.
 */
export function decodeEntry(bytes: Buffer, offset: number): DecodedEntry {
  if (bytes.length - offset < ENTRY_HEADER_BYTES) {
    return { ok: false, reason: 'header cut short' };
  }
  const payloadLength = bytes.readUInt32BE(offset);
  const checksum = bytes.readUInt32BE(offset + 4);
  const payloadStart = offset + ENTRY_HEADER_BYTES;
  const payloadEnd = payloadStart + payloadLength;
  if (payloadLength < MIN_PAYLOAD_BYTES) {
    return { ok: false, reason: `payload length ${payloadLength} is below the minimum` };
  }
  if (payloadEnd > bytes.length) {
    return { ok: false, reason: `payload of ${payloadLength} bytes cut short` };
  }
  if (crc32(bytes.subarray(payloadStart, payloadEnd)) !== checksum) {
    return { ok: false, reason: 'CRC-32 mismatch' };
  }

  const sequenceLength = bytes.readUInt8(payloadStart);
  const sequenceEnd = payloadStart + 1 + sequenceLength;
  const keyLengthAt = sequenceEnd + 8;
  if (keyLengthAt + 2 > payloadEnd) {
    return { ok: false, reason: 'sequence number overruns the payload' };
  }
  const keyStart = keyLengthAt + 2;
  const keyEnd = keyStart + bytes.readUInt16BE(keyLengthAt);
  if (keyEnd > payloadEnd) {
    return { ok: false, reason: 'partition key overruns the payload' };
  }

  const sequenceNumber =
    sequenceLength === 0 ? 0n : BigInt(`0x${bytes.toString('hex', payloadStart + 1, sequenceEnd)}`);
  const record: ShardRecord = {
    sequenceNumber,
    arrivalMs: bytes.readDoubleBE(sequenceEnd),
    partitionKey: bytes.toString('utf8', keyStart, keyEnd),
    data: new Uint8Array(bytes.buffer, bytes.byteOffset + keyEnd, payloadEnd - keyEnd),
  };
  return { ok: true, record, nextOffset: payloadEnd };
}

function sequenceToHex(sequenceNumber: bigint): string {
  if (sequenceNumber < 0n) {
    throw new RangeError(`Sequence number ${sequenceNumber} is negative`);
  }
  const hex = sequenceNumber.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  if (even.length / 2 > MAX_SEQUENCE_BYTES) {
    throw new RangeError(`Sequence number ${sequenceNumber} exceeds ${MAX_SEQUENCE_BYTES} bytes`);
  }
  return even;
}
