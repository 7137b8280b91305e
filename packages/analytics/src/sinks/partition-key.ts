import { createHash } from 'node:crypto';
import type { QueryOutput } from '../engine/query-output.js';

/** Kinesis takes partition keys of 1 to 256 Unicode characters. */
const MAX_PARTITION_KEY_CHARS = 256;

/**
 * The default partition key of an output: its `key`, so that every revision of one (window,
 * group) lands on the same shard. A key Kinesis would refuse (empty, or over 256 characters)
 * is replaced by its SHA-256 in hex: still one shard per key; the envelope keeps the real key.
 */
export function outputPartitionKey(output: QueryOutput): string {
  const key = output.key;
  // UTF-16 length ≥ code points: only a long string needs counting.
  if (
    key.length > 0 &&
    (key.length <= MAX_PARTITION_KEY_CHARS || codePoints(key) <= MAX_PARTITION_KEY_CHARS)
  ) {
    return key;
  }
  return createHash('sha256').update(key).digest('hex');
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
