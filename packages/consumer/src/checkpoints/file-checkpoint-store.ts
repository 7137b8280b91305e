import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointStoreCorruptError } from '../errors.js';
import { type Checkpoint, type CheckpointStore, isCheckpoint } from './checkpoint-store.js';

const FORMAT = 'kinesis-kit-checkpoints';
const VERSION = 1;

/** Options of {@link FileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /** The checkpoint file; its directory must exist. One file per consumer and stream. */
  readonly path: string;
}

/**
 * Keeps checkpoints in one JSON file, written crash-safely: the new content goes to a temporary
 * file in the same directory, which is fsynced, renamed over the old file, and the directory
 * fsynced, so after a crash the file holds either the old or the new checkpoints, never a mix.
 * The content carries a SHA-256 digest; a file that is torn, truncated or edited is reported
 * with a {@link CheckpointStoreCorruptError} rather than read as empty. A missing file is a
 * first start. Saves that arrive while a write is in flight are written together next.
 * One process per file.
 *
 * @example
 * ```ts
 * const checkpoints = new FileCheckpointStore({ path: './clicks.checkpoints.json' });
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly #path: string;
  #checkpoints: Promise<Map<string, Checkpoint>> | undefined;
  /** The last write started or queued: writes never overlap. */
  #tail: Promise<void> = Promise.resolve();
  /** A write queued and not started yet: later saves join it. */
  #queued: Promise<void> | undefined;
  #temporaryCounter = 0;

  constructor(options: FileCheckpointStoreOptions) {
    this.#path = options.path;
  }

  async load(shardId: string): Promise<Checkpoint | undefined> {
    return (await this.#load()).get(shardId);
  }

  async loadAll(): Promise<ReadonlyMap<string, Checkpoint>> {
    return new Map(await this.#load());
  }

  async save(shardId: string, checkpoint: Checkpoint): Promise<void> {
    const checkpoints = await this.#load();
    checkpoints.set(shardId, checkpoint);
    if (this.#queued) return this.#queued;
    const write = this.#tail
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#write(checkpoints);
      });
    this.#queued = write;
    this.#tail = write;
    return write;
  }

  #load(): Promise<Map<string, Checkpoint>> {
    this.#checkpoints ??= this.#read();
    return this.#checkpoints;
  }

  async #read(): Promise<Map<string, Checkpoint>> {
    await this.#removeStaleTemporaryFiles();
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    return parseCheckpointFile(this.#path, text);
  }

  /** Temporary files a crash left between their creation and their rename: never the truth. */
  async #removeStaleTemporaryFiles(): Promise<void> {
    const prefix = `.${basename(this.#path)}.`;
    let names: string[];
    try {
      names = await readdir(dirname(this.#path));
    } catch {
      return;
    }
    await Promise.all(
      names
        .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
        .map((name) => rm(join(dirname(this.#path), name), { force: true })),
    );
  }

  async #write(checkpoints: Map<string, Checkpoint>): Promise<void> {
    const body = serializeCheckpoints(checkpoints);
    this.#temporaryCounter += 1;
    const temporary = join(
      dirname(this.#path),
      `.${basename(this.#path)}.${process.pid}.${this.#temporaryCounter}.tmp`,
    );
    try {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    // The rename is durable only once the directory entry is.
    const directory = await open(dirname(this.#path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

function digest(checkpoints: unknown): string {
  return createHash('sha256').update(JSON.stringify(checkpoints)).digest('hex');
}

/** The file's content: the checkpoints sorted by shard id, and their digest. */
export function serializeCheckpoints(checkpoints: ReadonlyMap<string, Checkpoint>): string {
  const sorted: Record<string, Checkpoint> = {};
  for (const shardId of [...checkpoints.keys()].sort()) {
    sorted[shardId] = checkpoints.get(shardId) as Checkpoint;
  }
  return `${JSON.stringify({ format: FORMAT, version: VERSION, checkpoints: sorted, sha256: digest(sorted) }, null, 2)}\n`;
}

/** Reads a checkpoint file's content; throws {@link CheckpointStoreCorruptError} if invalid. */
export function parseCheckpointFile(path: string, text: string): Map<string, Checkpoint> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CheckpointStoreCorruptError(
      path,
      `not valid JSON (${text.length} bytes: torn or truncated?)`,
      error,
    );
  }
  const { format, version, checkpoints, sha256 } = (document ?? {}) as Record<string, unknown>;
  if (format !== FORMAT || version !== VERSION) {
    throw new CheckpointStoreCorruptError(path, `not a ${FORMAT} version ${VERSION} document`);
  }
  if (typeof checkpoints !== 'object' || checkpoints === null || Array.isArray(checkpoints)) {
    throw new CheckpointStoreCorruptError(path, 'checkpoints is not an object');
  }
  if (sha256 !== digest(checkpoints)) {
    throw new CheckpointStoreCorruptError(path, 'the SHA-256 digest does not match the content');
  }
  const map = new Map<string, Checkpoint>();
  for (const [shardId, checkpoint] of Object.entries(checkpoints)) {
    if (!isCheckpoint(checkpoint)) {
      throw new CheckpointStoreCorruptError(path, `the checkpoint of ${shardId} is malformed`);
    }
    map.set(shardId, checkpoint);
  }
  return map;
}
