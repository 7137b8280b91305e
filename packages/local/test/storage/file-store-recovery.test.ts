import { appendFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StreamState } from '../../src/engine/model.js';
import { StorageCorruptionError } from '../../src/errors.js';
import {
  makeRecord,
  makeRecords,
  openStore,
  recordsOf,
  segmentFiles,
  shardDir,
  shardId,
  streamState,
  tempDir,
  warnings,
} from './fixtures.js';

const RECORDS = 10;

/** Ten records appended one call each (so ten entries of equal size) to shard 0. */
async function tenEntries(
  dataDir: string,
  segmentEntries = RECORDS,
): Promise<{ stream: StreamState; entryBytes: number; segments: string[] }> {
  const stream = streamState();
  const probe = await openStore(join(dataDir, 'probe'));
  await probe.store.saveStream(stream);
  await probe.store.append(stream, [{ shardId: shardId(0), records: [makeRecord(0)] }]);
  await probe.store.close();
  const [probeFile] = await segmentFiles(shardDir(join(dataDir, 'probe'), stream, shardId(0)));
  const entryBytes = (await stat(probeFile ?? '')).size;

  const { store } = await openStore(dataDir, {
    fsync: 'always',
    segmentBytes: segmentEntries * entryBytes,
  });
  await store.saveStream(stream);
  for (let index = 0; index < RECORDS; index += 1) {
    await store.append(stream, [{ shardId: shardId(0), records: [makeRecord(index)] }]);
  }
  await store.close();
  const segments = await segmentFiles(shardDir(dataDir, stream, shardId(0)));
  return { stream, entryBytes, segments };
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

describe('FileStore recovery of a torn tail', () => {
  it.each<[string, (entryBytes: number) => number]>([
    ['1 byte', () => 1],
    ['7 bytes (inside the header)', () => 7],
    ['8 bytes (the length of a header)', () => 8],
    ['9 bytes', () => 9],
    ['an entry less one byte', (entry) => entry - 1],
    ['exactly one entry', (entry) => entry],
    ['one entry and a byte', (entry) => entry + 1],
    ['three and a half entries', (entry) => Math.floor(entry * 3.5)],
    ['every entry', (entry) => entry * RECORDS],
  ])('keeps every complete entry when %s is cut off the last segment', async (_, cut) => {
    const dataDir = await tempDir();
    const { stream, entryBytes, segments } = await tenEntries(dataDir);
    const [segment] = segments;
    if (segment === undefined) throw new Error('no segment');
    const chop = cut(entryBytes);
    await truncate(segment, RECORDS * entryBytes - chop);
    const survivors = RECORDS - Math.ceil(chop / entryBytes);
    const logger = warnings();

    const second = await openStore(dataDir, { fsync: 'always', logger });
    expect(recordsOf(second.state, 'orders', shardId(0))).toEqual(makeRecords(survivors));
    const torn = chop % entryBytes !== 0;
    expect(logger.messages.some((message) => message.includes('torn tail'))).toBe(torn);
    if (survivors > 0) expect(await sizeOf(segment)).toBe(survivors * entryBytes);
    await second.store.append(stream, [{ shardId: shardId(0), records: [makeRecord(survivors)] }]);
    await second.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(survivors + 1));
  });

  it.each([
    ['a few random bytes', Buffer.from('d1e9 garbage')],
    ['a zero-filled block', Buffer.alloc(4096)],
    ['a header announcing more bytes than follow', Buffer.from([0, 0, 1, 0, 1, 2, 3, 4, 5, 6])],
  ])('drops %s appended after the last entry', async (_, garbage) => {
    const dataDir = await tempDir();
    const { stream, entryBytes, segments } = await tenEntries(dataDir);
    const segment = segments.at(-1) ?? '';
    await appendFile(segment, garbage);
    const logger = warnings();

    const second = await openStore(dataDir, { logger });
    expect(recordsOf(second.state, 'orders', shardId(0))).toEqual(makeRecords(RECORDS));
    expect(await sizeOf(segment)).toBe(RECORDS * entryBytes);
    expect(logger.messages).toEqual([
      expect.stringContaining(`${segment} at byte offset ${RECORDS * entryBytes}`),
    ]);
    await second.store.append(stream, [{ shardId: shardId(0), records: [makeRecord(RECORDS)] }]);
    await second.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(RECORDS + 1));
  });

  it('drops a complete-looking last entry whose CRC does not match', async () => {
    const dataDir = await tempDir();
    const { entryBytes, segments } = await tenEntries(dataDir);
    const segment = segments.at(-1) ?? '';
    const bytes = await readFile(segment);
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
    await writeFile(segment, bytes);

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(RECORDS - 1));
    expect(await sizeOf(segment)).toBe((RECORDS - 1) * entryBytes);
  });

  it('cuts the last segment at its first bad entry, as after a crash mid-write', async () => {
    const dataDir = await tempDir();
    const { entryBytes, segments } = await tenEntries(dataDir);
    const segment = segments.at(-1) ?? '';
    const bytes = await readFile(segment);
    const damaged = 4 * entryBytes + 20;
    bytes[damaged] = (bytes[damaged] ?? 0) ^ 0x01;
    await writeFile(segment, bytes);

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(4));
  });

  it('repairs only the last segment of a shard that has several', async () => {
    const dataDir = await tempDir();
    const { entryBytes, segments } = await tenEntries(dataDir, 3);
    expect(segments).toHaveLength(4);
    const last = segments.at(-1) ?? '';
    await appendFile(last, Buffer.from([1, 2, 3]));

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(RECORDS));
    expect(await sizeOf(last)).toBe(entryBytes);
  });
});

describe('FileStore corruption of a sealed segment', () => {
  it('throws StorageCorruptionError naming the file and the offset of the bad entry', async () => {
    const dataDir = await tempDir();
    const { entryBytes, segments } = await tenEntries(dataDir, 3);
    const sealed = segments[1] ?? '';
    const bytes = await readFile(sealed);
    const damaged = entryBytes + 60;
    bytes[damaged] = (bytes[damaged] ?? 0) ^ 0x10;
    await writeFile(sealed, bytes);

    const error = await openStore(dataDir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageCorruptionError);
    expect(error).toMatchObject({
      name: 'StorageCorruptionError',
      code: 'StorageCorruption',
      retriable: false,
      file: sealed,
      offset: entryBytes,
    });
    expect(String(error)).toContain(sealed);
    // Nothing was "repaired": the evidence stays on disk.
    expect((await readFile(sealed)).equals(bytes)).toBe(true);
  });

  it('throws for a sealed segment that ends in the middle of an entry', async () => {
    const dataDir = await tempDir();
    const { entryBytes, segments } = await tenEntries(dataDir, 3);
    const sealed = segments[0] ?? '';
    await truncate(sealed, 3 * entryBytes - 5);

    await expect(openStore(dataDir)).rejects.toMatchObject({
      name: 'StorageCorruptionError',
      file: sealed,
      offset: 2 * entryBytes,
    });
  });
});

describe('FileStore.load with damaged metadata', () => {
  it('skips stream folders without a valid stream.json, with a warning for each', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir);
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(0), records: makeRecords(2) }]);
    await first.store.close();
    const streams = join(dataDir, 'streams');
    await mkdir(join(streams, 'ghost-1', shardId(0)), { recursive: true });
    await mkdir(join(streams, 'broken-2'));
    await writeFile(join(streams, 'broken-2', 'stream.json'), '{"formatVersion": 1, "stream": ');
    await mkdir(join(streams, 'wrong-3'));
    await writeFile(
      join(streams, 'wrong-3', 'stream.json'),
      JSON.stringify({ formatVersion: 1, stream: { name: 'wrong', createdMs: 'yesterday' } }),
    );
    await mkdir(join(streams, 'future-4'));
    await writeFile(join(streams, 'future-4', 'stream.json'), '{"formatVersion": 2}');
    await writeFile(join(streams, 'stray-file'), 'not a folder');
    const logger = warnings();

    const { state } = await openStore(dataDir, { logger });
    expect(state.streams).toEqual([stream]);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(2));
    expect(logger.messages).toHaveLength(4);
    for (const folder of ['ghost-1', 'broken-2', 'wrong-3', 'future-4']) {
      expect(logger.messages).toContainEqual(expect.stringContaining(join(streams, folder)));
    }
    expect(logger.messages).toContainEqual(expect.stringContaining('arn is not a string'));
  });

  it('is silent by default', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'streams', 'ghost-1'), { recursive: true });
    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([]);
  });

  it('keeps the newest of two folders holding a stream of the same name', async () => {
    const dataDir = await tempDir();
    const older = streamState('orders', { createdMs: 1 });
    const newer = streamState('orders', { createdMs: 2 });
    const first = await openStore(dataDir);
    await first.store.saveStream(newer);
    await first.store.saveStream(older);
    await first.store.append(older, [{ shardId: shardId(0), records: makeRecords(1) }]);
    await first.store.append(newer, [
      { shardId: shardId(0), records: makeRecords(1, { first: 5 }) },
    ]);
    await first.store.close();
    const logger = warnings();

    const { state } = await openStore(dataDir, { logger });
    expect(state.streams).toEqual([newer]);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(1, { first: 5 }));
    expect(logger.messages).toEqual([expect.stringContaining('orders-1')]);
  });

  it('ignores the log of a shard the metadata does not list, and trims it once old', async () => {
    const dataDir = await tempDir();
    const stream = streamState('orders', { shardCount: 3 });
    const first = await openStore(dataDir);
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(2), records: makeRecords(3) }]);
    stream.shards = stream.shards.slice(0, 2);
    await first.store.saveStream(stream);
    await first.store.close();
    const logger = warnings();

    const second = await openStore(dataDir, { logger });
    expect([...(second.state.records.get('orders')?.keys() ?? [])]).toEqual([
      shardId(0),
      shardId(1),
    ]);
    expect(logger.messages).toEqual([expect.stringContaining('has no such shard')]);
    await second.store.trim(stream, Number.POSITIVE_INFINITY);
    await expect(stat(shardDir(dataDir, stream, shardId(2)))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
