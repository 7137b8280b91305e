import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import type { ShardRecord, StreamState } from '../engine/model.js';
import { LocalKinesisError } from '../errors.js';
import { syncDirectory, writeFileAtomic } from './durable-fs.js';
import {
  STREAM_FILE,
  STREAMS_DIR,
  shardDirName,
  streamDirName,
  TRASH_DIR,
} from './file-store-layout.js';
import { type EncodedEntries, encodeEntries } from './log-entry-codec.js';
import { type FsyncPolicy, type SegmentInfo, SegmentLog } from './segment-log.js';
import { readSegmentLog } from './segment-log-reader.js';
import { SerialLane } from './serial-lane.js';
import type { ShardAppend, Store, StoredState } from './store.js';
import { decodeStreamState, encodeStreamState } from './stream-state-codec.js';

export type { FsyncPolicy } from './segment-log.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Folder the store owns; created if missing. One store per folder at a time. */
  readonly dataDir: string;
  /**
   * When appended records are fsync'ed.
   * - `'always'`: `append` resolves only after its data is fsync'ed: an acknowledged record
   *   survives a power loss. Concurrent appends share fsyncs (group commit).
   * - `'interval'`: `append` resolves once written (safe from a crash of the process, not of
   *   the machine); a timer fsyncs every `fsyncIntervalMs`.
   * - `'never'`: the operating system decides when data reaches the disk, `close()` included.
   * @default 'always'
   */
  readonly fsync?: FsyncPolicy;
  /**
   * Most time between a write and its fsync under `fsync: 'interval'`.
   * @default 100
   */
  readonly fsyncIntervalMs?: number;
  /**
   * Size after which a shard log starts a new segment file. Retention deletes whole segments,
   * so smaller segments free space sooner; larger ones mean fewer files.
   * @default 67_108_864 (64 MiB)
   */
  readonly segmentBytes?: number;
  /** Told about skipped folders and repaired torn tails. Silent by default. */
  readonly logger?: { warn(message: string): void };
}

/** The files of one stream incarnation. */
interface StreamFiles {
  readonly dir: string;
  /** Settles once an earlier incarnation with the same folder is deleted. */
  readonly ready: Promise<void>;
  /** By shard folder name, which also covers folders of shards the metadata no longer lists. */
  readonly logs: Map<string, SegmentLog>;
  /** Orders `stream.json` replacements so the last `saveStream` call wins. */
  readonly metadata: SerialLane;
}

/**
 * A durable {@link Store}: each stream's metadata in a `stream.json` replaced atomically, each
 * shard's records in an append-only log of CRC-checked binary entries split into segment files.
 * A crash loses at most appends that were not yet acknowledged (under `fsync: 'always'`); on the
 * next `load()` their torn remains are cut off.
 *
 * Every call's promise settles in the order the calls were made. Memory: appends wait in a
 * queue only while the write before them is in flight, so the queue is bounded by the callers'
 * own concurrency.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dataDir: './data', fsync: 'always' });
 * const { streams, records } = await store.load();
 * await store.saveStream(stream);
 * await store.append(stream, [{ shardId: 'shardId-000000000000', records: [record] }]);
 * await store.close();
 * ```
 */
export class FileStore implements Store {
  readonly #dataDir: string;
  readonly #streamsDir: string;
  readonly #trashDir: string;
  readonly #fsync: FsyncPolicy;
  readonly #fsyncIntervalMs: number;
  readonly #segmentBytes: number;
  readonly #warn: (message: string) => void;
  /** By {@link streamDirName}: name and creation time. */
  readonly #streams = new Map<string, StreamFiles>();
  /** Deletions in progress, by folder: a stream re-created in the same millisecond waits. */
  readonly #deleting = new Map<string, Promise<void>>();
  #loaded = false;
  /** Settles after every call made so far has settled. */
  #settled: Promise<void> = Promise.resolve();
  #closed: Promise<void> | undefined;

  constructor(options: FileStoreOptions) {
    const fsync = options.fsync ?? DEFAULTS.fsync;
    const fsyncIntervalMs = options.fsyncIntervalMs ?? DEFAULTS.fsyncIntervalMs;
    const segmentBytes = options.segmentBytes ?? DEFAULTS.segmentBytes;
    if (!['always', 'interval', 'never'].includes(fsync)) {
      throw new RangeError(`fsync must be 'always', 'interval' or 'never', not ${String(fsync)}`);
    }
    if (!Number.isFinite(fsyncIntervalMs) || fsyncIntervalMs < 0) {
      throw new RangeError(`fsyncIntervalMs must be a finite number >= 0, not ${fsyncIntervalMs}`);
    }
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) {
      throw new RangeError(`segmentBytes must be a positive integer, not ${segmentBytes}`);
    }
    this.#dataDir = options.dataDir;
    this.#streamsDir = join(options.dataDir, STREAMS_DIR);
    this.#trashDir = join(options.dataDir, TRASH_DIR);
    this.#fsync = fsync;
    this.#fsyncIntervalMs = fsyncIntervalMs;
    this.#segmentBytes = segmentBytes;
    const logger = options.logger;
    this.#warn = logger ? (message) => logger.warn(message) : () => {};
  }

  /**
   * Reads every stream and record, repairing torn log tails. A folder without a readable
   * `stream.json` is skipped with a warning. Throws {@link StorageCorruptionError} for damage
   * that a crash cannot explain.
   */
  load(): Promise<StoredState> {
    return this.#inOrder(() => this.#load());
  }

  /** Replaces the stream's `stream.json` atomically with the state as it is at the call. */
  saveStream(stream: StreamState): Promise<void> {
    return this.#inOrder(() => {
      const text = encodeStreamState(stream);
      const files = this.#filesOf(stream);
      return files.metadata.run(async () => {
        const created = await mkdir(files.dir, { recursive: true });
        if (created !== undefined && this.#fsync !== 'never') await syncDirectory(this.#streamsDir);
        await writeFileAtomic(join(files.dir, STREAM_FILE), text, this.#fsync !== 'never');
      });
    });
  }

  /**
   * Removes the stream's folder, once appends already queued for it are written. The folder is
   * first renamed into `trash/`, so a crash midway never leaves half a stream behind.
   */
  deleteStream(stream: StreamState): Promise<void> {
    return this.#inOrder(() => {
      const key = streamDirName(stream.name, stream.createdMs);
      const deletion = this.#delete(key, this.#streams.get(key));
      this.#streams.delete(key);
      const settled = deletion.then(ignore, ignore);
      this.#deleting.set(key, settled);
      void settled.then(() => {
        if (this.#deleting.get(key) === settled) this.#deleting.delete(key);
      });
      return deletion;
    });
  }

  /**
   * Appends each shard's records to its log. Appends made while a write is in flight are
   * written together next (group commit). Resolves once written, and fsync'ed under
   * `fsync: 'always'`; rejects if a write fails, as do later appends to a shard whose file
   * may have lost data.
   */
  append(stream: StreamState, appends: readonly ShardAppend[]): Promise<void> {
    return this.#inOrder(() => {
      const files = this.#filesOf(stream);
      // Encode everything before queueing anything, so a record the format rejects fails the
      // whole call instead of leaving it half written.
      const batches: Array<[SegmentLog, EncodedEntries]> = [];
      for (const { shardId, records } of appends) {
        if (records.length > 0) batches.push([this.#logOf(files, shardId), encodeEntries(records)]);
      }
      return Promise.all(batches.map(([log, entries]) => log.append(entries))).then(() => {});
    });
  }

  /**
   * Deletes whole segments whose records all arrived before `beforeMs`, never the segment an
   * open shard appends to: the store keeps up to one segment per shard longer than asked. A
   * closed shard's (or a forgotten shard's) log may go entirely.
   */
  trim(stream: StreamState, beforeMs: number): Promise<void> {
    return this.#inOrder(async () => {
      const files = this.#streams.get(streamDirName(stream.name, stream.createdMs));
      if (files === undefined) return;
      const open = new Set(
        stream.shards
          .filter((shard) => shard.endingSequenceNumber === undefined)
          .map((shard) => shardDirName(shard.shardId)),
      );
      await Promise.all(
        [...files.logs].map(([folder, log]) => log.trim(beforeMs, !open.has(folder))),
      );
    });
  }

  /**
   * Resolves once every append made before it is written and, unless fsync is `'never'`,
   * fsync'ed: a checkpoint for `fsync: 'interval'`.
   */
  flush(): Promise<void> {
    return this.#inOrder(async () => {
      await Promise.all(this.#allLogs().map((log) => log.flush()));
    });
  }

  /** Writes queued appends, fsyncs (unless fsync is `'never'`), closes every file. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#inOrder(async () => {
      const metadata = [...this.#streams.values()].map((files) => files.metadata.idle());
      await Promise.all(metadata);
      const results = await Promise.allSettled(
        this.#allLogs().map((log) => log.close({ discard: false })),
      );
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    }, true);
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #delete(key: string, files: StreamFiles | undefined): Promise<void> {
    await this.#deleting.get(key);
    if (files) {
      await files.metadata.idle();
      await Promise.all([...files.logs.values()].map((log) => log.close({ discard: true })));
    }
    const dir = files?.dir ?? join(this.#streamsDir, key);
    const trash = join(this.#trashDir, `${basename(dir)}-${randomUUID()}`);
    await mkdir(this.#trashDir, { recursive: true });
    try {
      await rename(dir, trash);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (this.#fsync !== 'never') await syncDirectory(this.#streamsDir);
    await rm(trash, { recursive: true, force: true });
  }

  async #load(): Promise<StoredState> {
    if (this.#loaded) throw new LocalKinesisError('StoreLoaded', 'FileStore.load() runs once');
    this.#loaded = true;
    const created = await mkdir(this.#streamsDir, { recursive: true });
    if (created !== undefined && this.#fsync !== 'never') await syncDirectory(this.#dataDir);
    await rm(this.#trashDir, { recursive: true, force: true });

    const found = new Map<string, { stream: StreamState; dir: string }>();
    const entries = await readdir(this.#streamsDir, { withFileTypes: true });
    for (const entry of entries.filter((candidate) => candidate.isDirectory())) {
      const dir = join(this.#streamsDir, entry.name);
      const stream = await this.#readStreamFile(dir);
      if (stream === undefined) continue;
      const other = found.get(stream.name);
      if (other !== undefined) {
        const [kept, skipped] =
          other.stream.createdMs >= stream.createdMs
            ? [other, { stream, dir }]
            : [{ stream, dir }, other];
        this.#warn(`Skipping ${skipped.dir}: ${kept.dir} holds a newer stream ${stream.name}`);
        found.set(stream.name, kept);
      } else {
        found.set(stream.name, { stream, dir });
      }
    }

    const streams: StreamState[] = [];
    const records = new Map<string, Map<string, ShardRecord[]>>();
    for (const { stream, dir } of [...found.values()].sort(byName)) {
      const ready = Promise.resolve();
      const files: StreamFiles = { dir, ready, logs: new Map(), metadata: new SerialLane() };
      this.#streams.set(streamDirName(stream.name, stream.createdMs), files);
      streams.push(stream);
      records.set(stream.name, await this.#loadShards(stream, files));
    }
    return { streams, records };
  }

  async #readStreamFile(dir: string): Promise<StreamState | undefined> {
    await rm(join(dir, `${STREAM_FILE}.tmp`), { force: true });
    try {
      return decodeStreamState(await readFile(join(dir, STREAM_FILE), 'utf8'));
    } catch (error) {
      this.#warn(`Skipping ${dir}: no valid ${STREAM_FILE} (${describe(error)})`);
      return undefined;
    }
  }

  async #loadShards(stream: StreamState, files: StreamFiles): Promise<Map<string, ShardRecord[]>> {
    const known = new Map(stream.shards.map((shard) => [shardDirName(shard.shardId), shard]));
    const shardRecords = new Map<string, ShardRecord[]>(
      stream.shards.map((shard) => [shard.shardId, []]),
    );
    const entries = await readdir(files.dir, { withFileTypes: true });
    for (const entry of entries.filter((candidate) => candidate.isDirectory())) {
      const dir = join(files.dir, entry.name);
      const contents = await readSegmentLog(dir, {
        sync: this.#fsync !== 'never',
        warn: this.#warn,
      });
      // A log the metadata does not list is not handed out; trim() deletes it once it is old.
      files.logs.set(entry.name, this.#newLog(dir, contents.segments));
      const shard = known.get(entry.name);
      if (shard === undefined) {
        this.#warn(`Ignoring ${dir}: stream ${stream.name} has no such shard`);
      } else {
        shardRecords.set(shard.shardId, inSequenceOrder(contents.records));
      }
    }
    return shardRecords;
  }

  #filesOf(stream: StreamState): StreamFiles {
    const key = streamDirName(stream.name, stream.createdMs);
    let files = this.#streams.get(key);
    if (files === undefined) {
      const ready = this.#deleting.get(key) ?? Promise.resolve();
      const dir = join(this.#streamsDir, key);
      files = { dir, ready, logs: new Map(), metadata: new SerialLane(ready) };
      this.#streams.set(key, files);
    }
    return files;
  }

  #logOf(files: StreamFiles, shardId: string): SegmentLog {
    const folder = shardDirName(shardId);
    let log = files.logs.get(folder);
    if (log === undefined) {
      log = this.#newLog(join(files.dir, folder), [], files.ready);
      files.logs.set(folder, log);
    }
    return log;
  }

  #newLog(
    dir: string,
    segments: readonly SegmentInfo[],
    after: Promise<void> = Promise.resolve(),
  ): SegmentLog {
    return new SegmentLog({
      dir,
      segments,
      after,
      fsync: this.#fsync,
      fsyncIntervalMs: this.#fsyncIntervalMs,
      segmentBytes: this.#segmentBytes,
      onBackgroundError: (error) =>
        this.#warn(`Background fsync of ${dir} failed: ${describe(error)}`),
    });
  }

  #allLogs(): SegmentLog[] {
    return [...this.#streams.values()].flatMap((files) => [...files.logs.values()]);
  }

  /**
   * Starts `operation` now and settles its promise only after every earlier call's, as the
   * `Store` contract asks. `whenClosed` lets close() itself run after the store is closed.
   */
  #inOrder<T>(operation: () => Promise<T> | T, whenClosed = false): Promise<T> {
    let result: Promise<T>;
    try {
      if (this.#closed && !whenClosed) {
        throw new LocalKinesisError('StoreClosed', 'The FileStore is closed');
      }
      result = Promise.resolve(operation());
    } catch (error) {
      result = Promise.reject(error);
    }
    // Marks the rejection handled until the caller gets it, after the earlier calls settle.
    result.catch(ignore);
    const ordered = this.#settled.then(() => result);
    this.#settled = ordered.then(ignore, ignore);
    return ordered;
  }
}

function ignore(): void {}

function inSequenceOrder(records: ShardRecord[]): ShardRecord[] {
  const sorted = records.every(
    (record, index) =>
      index === 0 || (records[index - 1]?.sequenceNumber ?? 0n) < record.sequenceNumber,
  );
  return sorted ? records : records.sort((a, b) => compare(a.sequenceNumber, b.sequenceNumber));
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { stream: StreamState }, b: { stream: StreamState }): number {
  return a.stream.name < b.stream.name ? -1 : a.stream.name > b.stream.name ? 1 : 0;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
