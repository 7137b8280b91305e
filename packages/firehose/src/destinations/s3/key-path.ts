import { join, resolve } from 'node:path';
import { PrefixExpressionError } from '../../errors.js';

/**
 * The hidden directory under the root where objects are written before they are renamed into
 * place, so a listing of any prefix never shows a temporary file. Keys inside it are refused.
 */
export const STAGING_DIR = '.firehose-tmp';

/** Longest file or directory name (ext4, APFS, NTFS): 255 bytes. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Why `key` cannot be stored as a file under the root as it is, or `undefined`. S3 keys are
 * literal strings: `a/../b`, `a//b`, `./a` and `/a` are keys of their own, which a file system
 * would silently normalise into another key's place (or outside the root). Such keys are
 * refused instead of reinterpreted.
 *
 * @example
 * ```ts
 * keyProblem('logs/x/../y'); // 'has a ".." path segment'
 * ```
 */
export function keyProblem(key: string): string | undefined {
  if (key.includes('\0')) return 'contains a NUL character';
  if (key.startsWith('/')) return 'starts with "/"';
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') return 'has an empty path segment ("//")';
    if (segment === '.' || segment === '..') return `has a "${segment}" path segment`;
    // S3 allows it, but no common file system holds a file or directory name that long.
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return `has a path segment of ${Buffer.byteLength(segment)} bytes, more than the ${MAX_SEGMENT_BYTES} a directory entry holds`;
    }
  }
  if (segments[0] === STAGING_DIR) return `is inside the reserved ${STAGING_DIR}/`;
  return undefined;
}

/**
 * The file of `key` under `root`, segment by segment with nothing normalised; throws
 * {@link PrefixExpressionError} for a key that {@link keyProblem} refuses.
 *
 * @example
 * ```ts
 * keyPath('/bucket', 'logs/2024/object'); // '/bucket/logs/2024/object'
 * ```
 */
export function keyPath(root: string, key: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new PrefixExpressionError(
      `object key ${JSON.stringify(key)} ${problem}: S3 keys are literal, and a directory cannot hold this one as it is`,
    );
  }
  return join(resolve(root), ...key.split('/'));
}
