import { type FileHandle, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished, vi } from 'vitest';
import type { ShardRecord, ShardState, StreamState } from '../../src/engine/model.js';
import { FileStore, type FileStoreOptions } from '../../src/storage/file-store.js';
import { shardDirName, streamDirName } from '../../src/storage/file-store-layout.js';
import type { StoredState } from '../../src/storage/store.js';

/** A sequence number of the size AWS hands out (56 digits, far beyond 2^64). */
export const BASE_SEQUENCE =
  49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

/** A fresh folder under the OS temp dir, removed when the test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kinesis-kit-file-store-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function shardId(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

export function shardState(index: number, createdMs = 1_700_000_000_000): ShardState {
  return {
    shardId: shardId(index),
    startingHashKey: BigInt(index) * 2n ** 127n,
    endingHashKey: BigInt(index + 1) * 2n ** 127n - 1n,
    startingSequenceNumber: BASE_SEQUENCE,
    createdMs,
  };
}

export function streamState(
  name = 'orders',
  options: { readonly createdMs?: number; readonly shardCount?: number } = {},
): StreamState {
  const createdMs = options.createdMs ?? 1_700_000_000_000;
  const shards = Array.from({ length: options.shardCount ?? 2 }, (_, index) =>
    shardState(index, createdMs),
  );
  return {
    name,
    arn: `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`,
    createdMs,
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    retentionHours: 24,
    maxRecordSizeKiB: 1024,
    shards,
    tags: { team: 'analytics' },
    nextShardIndex: shards.length,
    nextSequence: 1n,
    consumers: [],
  };
}

interface RecordOptions {
  readonly dataBytes?: number;
  readonly arrivalMs?: number;
}

/** Record number `index`: sequence number and arrival time grow with it. */
export function makeRecord(index: number, options: RecordOptions = {}): ShardRecord {
  return {
    sequenceNumber: BASE_SEQUENCE + BigInt(index),
    partitionKey: `key-${index}`,
    data: new Uint8Array(options.dataBytes ?? 100).fill(index % 256),
    arrivalMs: (options.arrivalMs ?? 1_700_000_000_000) + index,
  };
}

/** Records `first` .. `first + count - 1`, as {@link makeRecord} makes them. */
export function makeRecords(
  count: number,
  options: RecordOptions & { readonly first?: number } = {},
): ShardRecord[] {
  const first = options.first ?? 0;
  return Array.from({ length: count }, (_, offset) => makeRecord(first + offset, options));
}

/** A store on `dataDir`, loaded, and closed when the test finishes. */
export async function openStore(
  dataDir: string,
  options: Omit<FileStoreOptions, 'dataDir'> = {},
): Promise<{ store: FileStore; state: StoredState }> {
  const store = new FileStore({ fsync: 'never', ...options, dataDir });
  onTestFinished(() => store.close());
  const state = await store.load();
  return { store, state };
}

/** Records loaded for one shard, as plain values that `toEqual` compares field by field. */
export function recordsOf(state: StoredState, stream: string, shard: string): ShardRecord[] {
  return [...(state.records.get(stream)?.get(shard) ?? [])];
}

export function shardDir(dataDir: string, stream: StreamState, shard: string): string {
  return join(
    dataDir,
    'streams',
    streamDirName(stream.name, stream.createdMs),
    shardDirName(shard),
  );
}

/** Paths of a shard's segment files, oldest first. */
export async function segmentFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  return names.map((name) => join(dir, name));
}

/** A logger whose warnings the test can inspect. */
export function warnings(): { warn: (message: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { warn: (message) => messages.push(message), messages };
}

/**
 * Spies on a `FileHandle` method (the class is not exported, so through an instance's
 * prototype); restored when the test finishes.
 */
export async function spyOnFileHandle<M extends 'datasync' | 'writev' | 'sync'>(
  dir: string,
  method: M,
) {
  const handle = await open(join(dir, 'probe'), 'w');
  const prototype = Object.getPrototypeOf(handle) as FileHandle;
  await handle.close();
  await rm(join(dir, 'probe'));
  const spy = vi.spyOn(prototype, method);
  onTestFinished(() => spy.mockRestore());
  return spy;
}
