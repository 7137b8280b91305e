import { join } from 'node:path';

/**
 * Where the file store keeps what, under its data directory:
 *
 * ```
 * streams/<name>-<createdMs>/stream.json                 StreamState, replaced atomically
 * streams/<name>-<createdMs>/<shardId>/<first-seq>.log   shard log segments, append-only
 * trash/                                                 deleted streams, purged on load
 * ```
 */
export const STREAMS_DIR = 'streams';
export const TRASH_DIR = 'trash';
export const STREAM_FILE = 'stream.json';

const SEGMENT_SUFFIX = '.log';
/** AWS sequence numbers have 56 digits; padding makes `ls` list segments in log order. */
const SEGMENT_NAME_DIGITS = 64;

/**
 * The folder of one incarnation of a stream. `createdMs` is part of it so that a stream
 * deleted and created again under the same name never sees the old one's files.
 */
export function streamDirName(name: string, createdMs: number): string {
  return `${safeFileName(name)}-${createdMs}`;
}

export function shardDirName(shardId: string): string {
  return safeFileName(shardId);
}

export function segmentPath(shardDir: string, firstSequenceNumber: bigint): string {
  const digits = firstSequenceNumber.toString().padStart(SEGMENT_NAME_DIGITS, '0');
  return join(shardDir, `${digits}${SEGMENT_SUFFIX}`);
}

/** The first sequence number a segment file name stands for, or undefined for other files. */
export function parseSegmentFileName(fileName: string): bigint | undefined {
  if (!fileName.endsWith(SEGMENT_SUFFIX)) return undefined;
  const digits = fileName.slice(0, -SEGMENT_SUFFIX.length);
  return /^\d+$/.test(digits) ? BigInt(digits) : undefined;
}

/**
 * Stream names and shard ids are `[a-zA-Z0-9_.-]+` in Kinesis, but the store does not rely on
 * the engine's validation: anything else is %-escaped, as is a leading dot (`.`, `..`, hidden
 * files).
 */
function safeFileName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_.-]/gu, (char) =>
      [...Buffer.from(char, 'utf8')]
        .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
        .join(''),
    )
    .replace(/^\./u, '%2e');
}
