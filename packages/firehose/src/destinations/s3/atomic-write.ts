import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** The chunks of an object, in order; iterated once per write attempt. */
export type ObjectBody = () => Iterable<Uint8Array | string>;

/**
 * Writes `file` so no reader ever sees it half-written or sees a temporary file beside it:
 * the chunks are streamed (through gzip when `gzip` is set, never concatenated, so a 128 MiB
 * object costs no second copy) to a file in `stagingDir` (a hidden directory on the same file
 * system), fsync'd so a crash cannot leave an empty object behind the rename, renamed onto the
 * target (atomic within one file system), and the target's directory is fsync'd so the rename
 * itself survives a crash.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/bucket/2024/01/02/03/object', () => [data], '/bucket/.firehose-tmp', false);
 * ```
 */
export async function writeFileAtomic(
  file: string,
  body: ObjectBody,
  stagingDir: string,
  gzip: boolean,
): Promise<void> {
  await mkdir(stagingDir, { recursive: true });
  const temporary = join(stagingDir, `${randomUUID()}.tmp`);
  try {
    const source = Readable.from(body());
    const target = createWriteStream(temporary, { flags: 'wx', flush: true });
    if (gzip) await pipeline(source, createGzip(), target);
    else await pipeline(source, target);
    await mkdir(dirname(file), { recursive: true });
    await rename(temporary, file);
    await syncDirectory(dirname(file));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * How old a staging file must be before it counts as left behind by a crash. One write takes
 * seconds; an hour leaves any live writer (another stream or process on the same root) alone.
 */
export const STALE_STAGING_MS = 60 * 60_000;

/**
 * Removes staging files older than {@link STALE_STAGING_MS}, left by a process that crashed
 * mid-write. Best effort: a file it cannot remove is left for next time. File times are wall
 * clock times, so they are compared with `Date.now()`, not the stream's (injectable) clock.
 *
 * @example
 * ```ts
 * await removeStaleStagingFiles('/bucket/.firehose-tmp');
 * ```
 */
export async function removeStaleStagingFiles(stagingDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(stagingDir);
  } catch {
    return;
  }
  const cutoffMs = Date.now() - STALE_STAGING_MS;
  for (const name of names) {
    const path = join(stagingDir, name);
    try {
      if ((await stat(path)).mtimeMs < cutoffMs) await rm(path, { force: true });
    } catch {
      // Gone already, or not ours to remove: either way not worth failing a delivery for.
    }
  }
}
