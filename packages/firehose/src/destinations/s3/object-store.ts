import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { DeliveryContext, FailureHistory } from '../destination.js';
import { withRetries } from '../retry.js';
import { type ObjectBody, removeStaleStagingFiles, writeFileAtomic } from './atomic-write.js';
import { keyPath, STAGING_DIR } from './key-path.js';
import { compileTimestampPattern } from './timestamp-pattern.js';

const objectTime = compileTimestampPattern('yyyy-MM-dd-HH-mm-ss');

/** A directory standing in for a bucket: literal key paths, named objects, retried writes. */
export interface ObjectStore {
  /**
   * Writes an object named as Firehose names S3 objects under `keyPrefix`, retrying failed
   * writes; resolves with its key, or with how it failed. `lastResort` (the error output)
   * makes one attempt even after close was aborted.
   */
  write(
    keyPrefix: string,
    timeMs: number,
    body: ObjectBody,
    context: DeliveryContext,
    lastResort?: boolean,
  ): Promise<{ key: string } | { failure: FailureHistory }>;
}

/**
 * An {@link ObjectStore} over `root`: GZIP'd objects are named `.gz`; a failed write is
 * retried with backoff for `retryDurationMs` (code `writeFailed`, or `aborted` when the
 * stream's close is aborted). Staging files a crash left behind are removed before the first
 * write.
 *
 * @example
 * ```ts
 * const store = objectStore('/bucket', 'GZIP', 60_000, { writeFailed: 'S3.WriteFailed', aborted: 'S3.Aborted' });
 * ```
 */
export function objectStore(
  root: string,
  compression: 'UNCOMPRESSED' | 'GZIP',
  retryDurationMs: number,
  codes: { readonly writeFailed: string; readonly aborted: string },
): ObjectStore {
  const stagingDir = join(resolve(root), STAGING_DIR);
  let cleaned: Promise<void> | undefined;
  const gzip = compression === 'GZIP';
  const retry = { retryDurationMs, abortedCode: codes.aborted };

  return {
    async write(keyPrefix, timeMs, body, context, lastResort = false) {
      cleaned ??= removeStaleStagingFiles(stagingDir);
      await cleaned;
      const extension = gzip ? '.gz' : '';
      const name = `${context.deliveryStreamName}-${context.version}-${objectTime(timeMs)}-${randomUUID()}${extension}`;
      const key = `${keyPrefix}${name}`;
      const path = keyPath(root, key);
      const failure = await withRetries(
        context,
        { ...retry, tryOnceWhenAborted: lastResort },
        async () => {
          try {
            await writeFileAtomic(path, body, stagingDir, gzip);
            return undefined;
          } catch (error) {
            return { code: codes.writeFailed, message: (error as Error).message, final: false };
          }
        },
      );
      return failure === undefined ? { key } : { failure };
    },
  };
}
