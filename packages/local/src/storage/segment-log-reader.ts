import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShardRecord } from '../engine/model.js';
import { StorageCorruptionError } from '../errors.js';
import { parseSegmentFileName } from './file-store-layout.js';
import { decodeEntry } from './log-entry-codec.js';
import type { SegmentInfo } from './segment-log.js';

/** A shard log as found on disk, after repairing a torn tail. */
export interface SegmentLogContents {
  /** In log order, which is sequence-number order for logs the store wrote. */
  readonly records: ShardRecord[];
  /** Oldest first, for the `SegmentLog` that appends after them. */
  readonly segments: SegmentInfo[];
}

/** Settings of {@link readSegmentLog}. */
export interface ReadSegmentLogOptions {
  /** Whether the repair of a torn tail is fsync'ed before appends follow it. */
  readonly sync: boolean;
  readonly warn: (message: string) => void;
}

/**
 * Reads every segment of a shard folder, checking each entry's CRC. Only the last segment can
 * end in a torn entry (a crash during a write nobody was told had succeeded), so that tail is
 * cut off and an empty last segment removed; bad bytes in any earlier segment throw a
 * {@link StorageCorruptionError}.
 */
export async function readSegmentLog(
  dir: string,
  options: ReadSegmentLogOptions,
): Promise<SegmentLogContents> {
  const names = await readdir(dir);
  const files = names
    .map((name) => ({ name, first: parseSegmentFileName(name) }))
    .filter((file): file is { name: string; first: bigint } => file.first !== undefined)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));

  const records: ShardRecord[] = [];
  const segments: SegmentInfo[] = [];
  for (const [index, file] of files.entries()) {
    const path = join(dir, file.name);
    const isLast = index === files.length - 1;
    const bytes = await readFile(path);
    let offset = 0;
    let newestArrivalMs = Number.NEGATIVE_INFINITY;
    while (offset < bytes.length) {
      const entry = decodeEntry(bytes, offset);
      if (!entry.ok) {
        if (!isLast) throw new StorageCorruptionError(path, offset, entry.reason);
        options.warn(
          `Cutting the torn tail of ${path} at byte offset ${offset} ` +
            `(${bytes.length - offset} bytes, ${entry.reason}): an append interrupted by a crash`,
        );
        await truncateFile(path, offset, options.sync);
        break;
      }
      records.push(entry.record);
      newestArrivalMs = Math.max(newestArrivalMs, entry.record.arrivalMs);
      offset = entry.nextOffset;
    }
    if (isLast && offset === 0) {
      // Named after a record that never made it: the next append starts a correctly named one.
      await rm(path, { force: true });
    } else {
      segments.push({ path, size: offset, newestArrivalMs });
    }
  }
  return { records, segments };
}

async function truncateFile(path: string, size: number, sync: boolean): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(size);
    if (sync) await handle.datasync();
  } finally {
    await handle.close();
  }
}
