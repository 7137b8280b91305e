import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

/**
 * Gzips off the main thread (zlib's thread pool), so compressing a 128 MiB object does not
 * stall the timers that drive buffering.
 *
 * @example
 * ```ts
 * const body = await gzip(Buffer.from('{"a":1}'));
 * ```
 */
export const gzip: (data: Uint8Array | string) => Promise<Buffer> = promisify(gzipCallback);
