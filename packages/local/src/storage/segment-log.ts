import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './durable-fs.js';
import { segmentPath } from './file-store-layout.js';
import type { EncodedEntries } from './log-entry-codec.js';
import { SerialLane } from './serial-lane.js';

/** When appended data is fsync'ed; see `FileStoreOptions.fsync`. */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** One segment file of a shard log. */
export interface SegmentInfo {
  readonly path: string;
  /** Bytes of complete entries (the file is never longer once loaded). */
  size: number;
  /** Largest `arrivalMs` in the segment; `-Infinity` while empty. */
  newestArrivalMs: number;
}

/** Settings of {@link SegmentLog}. */
export interface SegmentLogOptions {
  /** The shard's folder; created with the first segment. */
  readonly dir: string;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  readonly segmentBytes: number;
  /** Segments found on disk, oldest first; the last one is appended to. */
  readonly segments: readonly SegmentInfo[];
  /** Work on the same folder (a delete) that must finish before this log touches it. */
  readonly after?: Promise<unknown>;
  /** Reports a failure no caller is waiting for (a timer's fsync). */
  readonly onBackgroundError: (error: unknown) => void;
}

interface PendingAppend {
  readonly entries: EncodedEntries;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The append-only log of one shard: a list of segment files of which only the last is written.
 * Appends queued while a write is in flight are written together by the next write and share
 * one fsync (group commit); every operation on the file handle goes through one lane, so writes
 * land, and callers are released, in the order of the `append` calls.
 *
 * After a failed fsync the file's content is unknown (the kernel may have dropped the dirty
 * pages), so the log refuses every later append with that error: acknowledging a later record
 * could hide the loss of an earlier one. A failed write is undone by truncating the file; only if
 * that fails too does the log give up the same way.
 */
export class SegmentLog {
  readonly #options: SegmentLogOptions;
  readonly #segments: SegmentInfo[];
  readonly #lane: SerialLane;
  /** Open on the last segment once it has been written to since load. */
  #handle: FileHandle | undefined;
  #pending: PendingAppend[] = [];
  #drainQueued = false;
  /** Data written to `#handle` and not yet fsync'ed. */
  #unsynced = false;
  /** Directories whose new entries are not yet fsync'ed. */
  readonly #unsyncedDirs = new Set<string>();
  #syncTimer: NodeJS.Timeout | undefined;
  #failure: { readonly error: unknown } | undefined;
  #closed = false;

  constructor(options: SegmentLogOptions) {
    this.#options = options;
    this.#lane = new SerialLane(options.after);
    this.#segments = options.segments.map((segment) => ({ ...segment }));
  }

  /** Resolves once the entries are written (and fsync'ed under the `'always'` policy). */
  append(entries: EncodedEntries): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new Error(`Segment log ${this.#options.dir} is closed`));
    }
    if (this.#failure) return Promise.reject(this.#failure.error);
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ entries, resolve, reject });
      if (!this.#drainQueued) {
        this.#drainQueued = true;
        void this.#lane.run(() => this.#drain());
      }
    });
  }

  /**
   * Deletes the oldest segments whose records all arrived before `beforeMs`. The segment being
   * appended to is kept unless `includeActive` (the shard is closed and gets no more records).
   */
  trim(beforeMs: number, includeActive: boolean): Promise<void> {
    return this.#lane.run(async () => {
      const candidates = this.#segments.slice(0, includeActive ? undefined : -1);
      const firstKept = candidates.findIndex((segment) => segment.newestArrivalMs >= beforeMs);
      const count = firstKept === -1 ? candidates.length : firstKept;
      if (count === 0) return;
      if (count === this.#segments.length) {
        await this.#closeHandle();
        this.#unsynced = false;
      }
      for (const segment of candidates.slice(0, count)) {
        await rm(segment.path, { force: true });
        this.#segments.shift();
      }
      // Not fsync'ed: if a crash undoes a deletion, the store keeps more than asked, as allowed.
      if (this.#segments.length === 0) {
        await rm(this.#options.dir, { recursive: true, force: true });
      }
    });
  }

  /** Resolves once the appends queued before are written and, unless fsync is 'never', fsync'ed. */
  flush(): Promise<void> {
    return this.#lane.run(async () => {
      if (this.#options.fsync !== 'never') await this.#syncNow();
    });
  }

  /**
   * Writes what is queued, fsyncs (unless fsync is 'never' or `discard`, for a log about to be
   * deleted) and closes the file. Later appends are refused.
   */
  close(options: { readonly discard: boolean }): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    return this.#lane.run(async () => {
      try {
        const sync = !options.discard && this.#options.fsync !== 'never' && !this.#failure;
        if (sync) await this.#syncNow();
      } finally {
        await this.#closeHandle();
      }
    });
  }

  async #drain(): Promise<void> {
    this.#drainQueued = false;
    const batch = this.#pending;
    this.#pending = [];
    const first = batch[0];
    if (first === undefined) return;
    try {
      await this.#write(batch, first.entries.firstSequenceNumber);
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    for (const append of batch) append.resolve();
  }

  async #write(batch: readonly PendingAppend[], firstSequenceNumber: bigint): Promise<void> {
    if (this.#failure) throw this.#failure.error;
    const buffers = batch.map((append) => append.entries.bytes);
    const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const { handle, segment } = await this.#activeSegment(firstSequenceNumber, bytes);
    try {
      await writeFully(handle, buffers, bytes);
    } catch (error) {
      try {
        await handle.truncate(segment.size);
      } catch {
        this.#failure ??= { error };
      }
      throw error;
    }
    segment.size += bytes;
    for (const append of batch) {
      segment.newestArrivalMs = Math.max(segment.newestArrivalMs, append.entries.newestArrivalMs);
    }
    this.#unsynced = true;
    if (this.#options.fsync === 'always') await this.#syncNow();
    else if (this.#options.fsync === 'interval') this.#scheduleSync();
  }

  /** The segment to write `bytes` to, rolling to a new file when the current one is full. */
  async #activeSegment(
    firstSequenceNumber: bigint,
    bytes: number,
  ): Promise<{ handle: FileHandle; segment: SegmentInfo }> {
    let segment = this.#segments.at(-1);
    if (segment && segment.size > 0 && segment.size + bytes > this.#options.segmentBytes) {
      // The sealed segment must be durable before records land in its successor, or a power
      // loss could tear a segment that load() treats as complete.
      if (this.#options.fsync !== 'never') await this.#syncNow();
      await this.#closeHandle();
      segment = undefined;
    }
    if (segment === undefined) {
      const created = await mkdir(this.#options.dir, { recursive: true });
      if (created !== undefined) this.#unsyncedDirs.add(dirname(this.#options.dir));
      const path = segmentPath(this.#options.dir, firstSequenceNumber);
      // 'ax': two segments never share a name, so an existing file is a bug, not something to
      // append to.
      this.#handle = await open(path, 'ax');
      this.#unsyncedDirs.add(this.#options.dir);
      segment = { path, size: 0, newestArrivalMs: Number.NEGATIVE_INFINITY };
      this.#segments.push(segment);
    }
    this.#handle ??= await open(segment.path, 'a');
    return { handle: this.#handle, segment };
  }

  async #syncNow(): Promise<void> {
    if (this.#failure) throw this.#failure.error;
    const handle = this.#handle;
    if (this.#unsynced && handle) await this.#guard(() => handle.datasync());
    this.#unsynced = false;
    for (const dir of [...this.#unsyncedDirs]) {
      await this.#guard(() => syncDirectory(dir));
      this.#unsyncedDirs.delete(dir);
    }
  }

  #scheduleSync(): void {
    if (this.#syncTimer !== undefined || this.#closed) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      this.flush().catch(this.#options.onBackgroundError);
    }, this.#options.fsyncIntervalMs);
    // Data already written survives the process exiting; only the fsync would be skipped.
    this.#syncTimer.unref();
  }

  /** Runs a step whose failure leaves the file in an unknown state: the log stops accepting. */
  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#failure ??= { error };
      throw error;
    }
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

async function writeFully(
  handle: FileHandle,
  buffers: readonly Buffer[],
  bytes: number,
): Promise<void> {
  let written = (await handle.writev(buffers as Buffer[])).bytesWritten;
  if (written === bytes) return;
  // libuv already retries short writes; this keeps the promise if that ever changes.
  const rest = Buffer.concat(buffers as Buffer[]);
  while (written < bytes) {
    const { bytesWritten } = await handle.write(rest, written, bytes - written);
    if (bytesWritten === 0) throw new Error('write() made no progress');
    written += bytesWritten;
  }
}
