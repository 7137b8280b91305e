import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShardRecord } from '../../src/engine/model.js';
import { FileStore, type FsyncPolicy } from '../../src/storage/file-store.js';
import {
  BASE_SEQUENCE,
  makeRecord,
  makeRecords,
  openStore,
  recordsOf,
  segmentFiles,
  shardDir,
  shardId,
  shardState,
  spyOnFileHandle,
  streamState,
  tempDir,
} from './fixtures.js';

describe('FileStore', () => {
  it('starts empty on an empty folder and creates its layout', async () => {
    const dataDir = await tempDir();
    const { state } = await openStore(join(dataDir, 'nested', 'data'));
    expect(state.streams).toEqual([]);
    expect(state.records.size).toBe(0);
    expect(await readdir(join(dataDir, 'nested', 'data'))).toEqual(['streams']);
  });

  it('round-trips streams and records through close and a new store on the folder', async () => {
    const dataDir = await tempDir();
    const orders = streamState('orders', { shardCount: 2 });
    const clicks = streamState('clicks', { shardCount: 1, createdMs: 1_700_000_000_123 });
    clicks.shards = [
      { ...shardState(0), endingSequenceNumber: BASE_SEQUENCE + 9n, closedMs: 5 },
      {
        shardId: shardId(1),
        startingHashKey: 0n,
        endingHashKey: 2n ** 128n - 1n,
        startingSequenceNumber: BASE_SEQUENCE + 10n,
        parentShardId: shardId(0),
        createdMs: 6,
      },
    ];
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(orders);
    await first.store.saveStream(clicks);
    await first.store.append(orders, [
      { shardId: shardId(0), records: makeRecords(3) },
      { shardId: shardId(1), records: makeRecords(2, { first: 3 }) },
    ]);
    await first.store.append(clicks, [{ shardId: shardId(1), records: makeRecords(1) }]);
    await first.store.close();

    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([clicks, orders]);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(3));
    expect(recordsOf(state, 'orders', shardId(1))).toEqual(makeRecords(2, { first: 3 }));
    expect(recordsOf(state, 'clicks', shardId(0))).toEqual([]);
    expect(recordsOf(state, 'clicks', shardId(1))).toEqual(makeRecords(1));
  });

  it('keeps the state of the last saveStream call, as it was when called', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir);
    const saves = [first.store.saveStream(stream)];
    stream.status = 'UPDATING';
    stream.retentionHours = 48;
    saves.push(first.store.saveStream(stream));
    stream.tags = { changed: 'after the call' };
    await Promise.all(saves);
    await first.store.close();

    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([
      { ...stream, status: 'UPDATING', retentionHours: 48, tags: { team: 'analytics' } },
    ]);
  });

  it('settles concurrent appends to several shards in call order, shards in order', async () => {
    const dataDir = await tempDir();
    const stream = streamState('orders', { shardCount: 3 });
    const first = await openStore(dataDir, { fsync: 'always', segmentBytes: 4096 });
    await first.store.saveStream(stream);
    const settled: number[] = [];
    const expected = new Map<string, ShardRecord[]>();
    const calls = Array.from({ length: 120 }, (_, call) => {
      // Call i touches one or two shards, so calls overlap on some files and not on others.
      const shards = call % 4 === 0 ? [call % 3, (call + 1) % 3] : [call % 3];
      const appends = shards.map((shard, position) => {
        const records = makeRecords(5, { first: call * 10 + position * 5, dataBytes: 50 });
        expected.set(shardId(shard), [...(expected.get(shardId(shard)) ?? []), ...records]);
        return { shardId: shardId(shard), records };
      });
      return first.store.append(stream, appends).then(() => settled.push(call));
    });
    await Promise.all(calls);
    expect(settled).toEqual([...settled].sort((a, b) => a - b));
    await first.store.close();

    const { state } = await openStore(dataDir);
    for (const shard of [0, 1, 2]) {
      expect(recordsOf(state, 'orders', shardId(shard))).toEqual(expected.get(shardId(shard)));
    }
  });

  it('settles every kind of call in the order the calls were made', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir, { fsync: 'always' });
    const settled: string[] = [];
    const track = (label: string, promise: Promise<void>) =>
      promise.then(() => settled.push(label));
    await Promise.all([
      track('save', store.saveStream(stream)),
      track('append', store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }])),
      track('trim', store.trim(stream, 0)),
      track('flush', store.flush()),
      track('empty append', store.append(stream, [])),
    ]);
    expect(settled).toEqual(['save', 'append', 'trim', 'flush', 'empty append']);
  });

  it('continues appending to the last segment after a restart', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir);
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(0), records: makeRecords(2) }]);
    await first.store.close();

    const second = await openStore(dataDir);
    await second.store.append(stream, [
      { shardId: shardId(0), records: makeRecords(2, { first: 2 }) },
    ]);
    await second.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(4));
    expect(await segmentFiles(shardDir(dataDir, stream, shardId(0)))).toHaveLength(1);
  });

  it('stores unicode partition keys, empty data and empty partition keys exactly', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const keys = ['ключ', '日本語のキー', '🔑🚀 emoji', 'e\u0301', '', 'a'.repeat(256)];
    const records = keys.map((partitionKey, index) => ({
      sequenceNumber: BASE_SEQUENCE + BigInt(index),
      partitionKey,
      data: index % 2 === 0 ? new Uint8Array(0) : new Uint8Array([0, 255, 10, 13]),
      arrivalMs: 1_700_000_000_000 + index,
    }));
    const first = await openStore(dataDir);
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(0), records }]);
    await first.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(records);
  });

  it('stores 1 MiB and 10 MiB records', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const oneMiB = new Uint8Array(1024 * 1024).map((_, index) => (index * 31) % 251);
    const tenMiB = new Uint8Array(10 * 1024 * 1024).fill(7);
    const records = [
      { sequenceNumber: BASE_SEQUENCE, partitionKey: 'big', data: oneMiB, arrivalMs: 1 },
      { sequenceNumber: BASE_SEQUENCE + 1n, partitionKey: 'bigger', data: tenMiB, arrivalMs: 2 },
    ];
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(1), records }]);
    await first.store.close();

    const { state } = await openStore(dataDir);
    const [big, bigger] = recordsOf(state, 'orders', shardId(1));
    expect(Buffer.from(big?.data ?? []).equals(oneMiB)).toBe(true);
    expect(bigger?.data.byteLength).toBe(tenMiB.byteLength);
    expect(Buffer.from(bigger?.data ?? []).equals(tenMiB)).toBe(true);
  });

  it('writes stream.json atomically and cleans up a temporary file a crash left', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(stream);
    const streamDir = join(shardDir(dataDir, stream, 'x'), '..');
    expect(await readdir(streamDir)).toEqual(['stream.json']);
    await first.store.close();

    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(streamDir, 'stream.json.tmp'), '{"half": ');
    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([stream]);
    expect(await readdir(streamDir)).toEqual(['stream.json']);
  });

  it('rejects calls after close, and close is idempotent', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir);
    await store.saveStream(stream);
    const pending = store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]);
    const closing = store.close();
    expect(store.close()).toBe(closing);
    await pending;
    await closing;
    await expect(
      store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]),
    ).rejects.toMatchObject({ code: 'StoreClosed' });
    await expect(store.saveStream(stream)).rejects.toMatchObject({ code: 'StoreClosed' });
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(1));
  });

  it('closes through Symbol.asyncDispose', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    {
      await using store = new FileStore({ dataDir });
      await store.load();
      await store.saveStream(stream);
      await store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]);
    }
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(1));
  });

  it('rejects options it cannot honour', () => {
    expect(() => new FileStore({ dataDir: '.', segmentBytes: 0 })).toThrow(RangeError);
    expect(() => new FileStore({ dataDir: '.', fsyncIntervalMs: Number.NaN })).toThrow(RangeError);
    expect(
      () => new FileStore({ dataDir: '.', fsync: 'sometimes' as unknown as FsyncPolicy }),
    ).toThrow(RangeError);
  });
});

describe('FileStore fsync policies', () => {
  it.each<FsyncPolicy>(['always', 'interval', 'never'])(
    'round-trips concurrent appends with fsync %s',
    async (fsync) => {
      const dataDir = await tempDir();
      const stream = streamState();
      const first = await openStore(dataDir, { fsync, fsyncIntervalMs: 1 });
      await first.store.saveStream(stream);
      await Promise.all(
        Array.from({ length: 20 }, (_, call) =>
          first.store.append(stream, [
            { shardId: shardId(call % 2), records: makeRecords(10, { first: call * 10 }) },
          ]),
        ),
      );
      await first.store.close();

      const { state } = await openStore(dataDir);
      const all = [
        ...recordsOf(state, 'orders', shardId(0)),
        ...recordsOf(state, 'orders', shardId(1)),
      ];
      expect(all.map((record) => record.sequenceNumber).sort()).toEqual(
        makeRecords(200)
          .map((record) => record.sequenceNumber)
          .sort(),
      );
    },
  );

  it("with 'always', resolves appends only after an fsync, which they share", async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir, { fsync: 'always' });
    await store.saveStream(stream);
    const datasync = await spyOnFileHandle(dataDir, 'datasync');
    const appends = Array.from({ length: 50 }, (_, call) =>
      store
        .append(stream, [{ shardId: shardId(0), records: makeRecords(1, { first: call }) }])
        .then(() => datasync.mock.calls.length),
    );
    const syncsSeenAtResolution = await Promise.all(appends);
    expect(syncsSeenAtResolution.every((count) => count >= 1)).toBe(true);
    // Issued together, the 50 appends are one write and one fsync (group commit).
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it("with 'interval', resolves after the write and fsyncs on a timer or flush()", async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir, { fsync: 'interval', fsyncIntervalMs: 1 });
    await store.saveStream(stream);
    const datasync = await spyOnFileHandle(dataDir, 'datasync');
    const timerFired = new Promise<void>((resolve) => {
      datasync.mockImplementationOnce(async () => resolve());
    });
    await store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]);
    expect(datasync).not.toHaveBeenCalled();
    await timerFired;
    expect(datasync).toHaveBeenCalledTimes(1);

    await store.append(stream, [{ shardId: shardId(0), records: makeRecords(1, { first: 1 }) }]);
    await store.flush();
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it("with 'never', never fsyncs segment data, not even on close", async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir, { fsync: 'never', segmentBytes: 300 });
    await store.saveStream(stream);
    const datasync = await spyOnFileHandle(dataDir, 'datasync');
    const sync = await spyOnFileHandle(dataDir, 'sync');
    for (let call = 0; call < 5; call += 1) {
      await store.append(stream, [
        { shardId: shardId(0), records: makeRecords(2, { first: call * 2 }) },
      ]);
    }
    await store.flush();
    await store.close();
    expect(datasync).not.toHaveBeenCalled();
    expect(sync).not.toHaveBeenCalled();
  });
});

describe('FileStore segments', () => {
  it('rolls to a new segment past segmentBytes and reads every segment back in order', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir, { fsync: 'always', segmentBytes: 1024 });
    await first.store.saveStream(stream);
    for (let call = 0; call < 40; call += 1) {
      await first.store.append(stream, [
        { shardId: shardId(0), records: makeRecords(3, { first: call * 3, dataBytes: 40 }) },
      ]);
    }
    await first.store.close();

    const files = await segmentFiles(shardDir(dataDir, stream, shardId(0)));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect((await stat(file)).size).toBeLessThanOrEqual(1024);
    // Named after their first sequence number, padded so that names sort like numbers.
    expect(files[0]?.endsWith(`${BASE_SEQUENCE.toString().padStart(64, '0')}.log`)).toBe(true);

    const second = await openStore(dataDir, { segmentBytes: 1024 });
    expect(recordsOf(second.state, 'orders', shardId(0))).toEqual(
      makeRecords(120, { dataBytes: 40 }),
    );
    await second.store.append(stream, [
      { shardId: shardId(0), records: makeRecords(30, { first: 120, dataBytes: 40 }) },
    ]);
    await second.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(150, { dataBytes: 40 }));
  });

  it('writes a batch larger than segmentBytes whole, into a segment of its own', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir, { segmentBytes: 100 });
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]);
    await first.store.append(stream, [
      { shardId: shardId(0), records: makeRecords(5, { first: 1 }) },
    ]);
    await first.store.close();

    expect(await segmentFiles(shardDir(dataDir, stream, shardId(0)))).toHaveLength(2);
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(6));
  });
});

describe('FileStore.deleteStream', () => {
  it('removes a stream; one re-created under its name never sees its records', async () => {
    const dataDir = await tempDir();
    const old = streamState('orders', { createdMs: 1 });
    const recreated = streamState('orders', { createdMs: 2 });
    const other = streamState('clicks');
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(old);
    await first.store.saveStream(other);
    await first.store.append(old, [{ shardId: shardId(0), records: makeRecords(5) }]);
    await first.store.append(other, [{ shardId: shardId(0), records: makeRecords(2) }]);
    await first.store.deleteStream(old);
    await first.store.saveStream(recreated);
    await first.store.append(recreated, [
      { shardId: shardId(1), records: makeRecords(1, { first: 9 }) },
    ]);
    await first.store.close();

    expect((await readdir(join(dataDir, 'streams'))).sort()).toEqual([
      'clicks-1700000000000',
      'orders-2',
    ]);
    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([other, recreated]);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual([]);
    expect(recordsOf(state, 'orders', shardId(1))).toEqual(makeRecords(1, { first: 9 }));
    expect(recordsOf(state, 'clicks', shardId(0))).toEqual(makeRecords(2));
  });

  it('starts empty a stream re-created in the millisecond of its deletion', async () => {
    const dataDir = await tempDir();
    const old = streamState('orders', { createdMs: 5 });
    const recreated = streamState('orders', { createdMs: 5 });
    recreated.retentionHours = 48;
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(old);
    await first.store.append(old, [{ shardId: shardId(0), records: makeRecords(50) }]);
    const calls = [
      first.store.append(old, [{ shardId: shardId(0), records: makeRecords(5, { first: 50 }) }]),
      first.store.deleteStream(old),
      first.store.saveStream(recreated),
      first.store.append(recreated, [
        { shardId: shardId(0), records: makeRecords(1, { first: 90 }) },
      ]),
    ];
    await Promise.all(calls);
    await first.store.close();

    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([recreated]);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(makeRecords(1, { first: 90 }));
  });

  it('writes appends queued before a delete, and deletes a never saved stream', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir);
    await store.saveStream(stream);
    const append = store.append(stream, [{ shardId: shardId(0), records: makeRecords(100) }]);
    await store.deleteStream(stream);
    await append;
    await store.deleteStream(streamState('never-saved'));
    expect(await readdir(join(dataDir, 'streams'))).toEqual([]);
  });

  it('purges the remains of a delete interrupted by a crash on the next load', async () => {
    const dataDir = await tempDir();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dataDir, 'trash', 'orders-1-abc', 'shardId-000000000000'), {
      recursive: true,
    });
    await writeFile(join(dataDir, 'trash', 'orders-1-abc', 'stream.json'), '{}');
    const { state } = await openStore(dataDir);
    expect(state.streams).toEqual([]);
    expect(await readdir(dataDir)).toEqual(['streams']);
  });
});

describe('FileStore.trim', () => {
  /** 10 segments of 10 records each on shard 0; record i arrived at 1000 + i. */
  async function tenSegments(dataDir: string) {
    const stream = streamState();
    const opened = await openStore(dataDir, { segmentBytes: 1500 });
    await opened.store.saveStream(stream);
    for (let segment = 0; segment < 10; segment += 1) {
      await opened.store.append(stream, [
        { shardId: shardId(0), records: makeRecords(10, { first: segment * 10, arrivalMs: 1000 }) },
      ]);
    }
    expect(await segmentFiles(shardDir(dataDir, stream, shardId(0)))).toHaveLength(10);
    return { stream, ...opened };
  }

  it('deletes only the sealed segments whose newest record is older than beforeMs', async () => {
    const dataDir = await tempDir();
    const { stream, store } = await tenSegments(dataDir);
    // Records 0..34 are older than 1035: segments 0-2 go; segment 3 holds 30..39 and stays.
    await store.trim(stream, 1035);
    await store.close();

    expect(await segmentFiles(shardDir(dataDir, stream, shardId(0)))).toHaveLength(7);
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(
      makeRecords(70, { first: 30, arrivalMs: 1000 }),
    );
  });

  it('never deletes the segment an open shard appends to', async () => {
    const dataDir = await tempDir();
    const { stream, store } = await tenSegments(dataDir);
    await store.trim(stream, Number.POSITIVE_INFINITY);
    await store.append(stream, [
      { shardId: shardId(0), records: makeRecords(1, { first: 100, arrivalMs: 1000 }) },
    ]);
    await store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual(
      makeRecords(11, { first: 90, arrivalMs: 1000 }),
    );
  });

  it('deletes the whole log of a closed shard once all its records are old', async () => {
    const dataDir = await tempDir();
    const { stream, store } = await tenSegments(dataDir);
    stream.shards = [
      { ...shardState(0), endingSequenceNumber: BASE_SEQUENCE + 99n, closedMs: 2000 },
      shardState(1),
    ];
    await store.saveStream(stream);
    await store.trim(stream, 1099);
    expect(await segmentFiles(shardDir(dataDir, stream, shardId(0)))).toHaveLength(1);
    await store.trim(stream, 1100);
    await store.close();

    await expect(readdir(shardDir(dataDir, stream, shardId(0)))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual([]);
  });

  it('ignores streams it has no files for', async () => {
    const dataDir = await tempDir();
    const { store } = await openStore(dataDir);
    await store.trim(streamState('unknown'), Number.POSITIVE_INFINITY);
    expect(await readdir(join(dataDir, 'streams'))).toEqual([]);
  });
});

describe('FileStore write failures', () => {
  it('rejects the append whose write fails, undoes its bytes, and keeps going', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir, { fsync: 'always' });
    await first.store.saveStream(stream);
    await first.store.append(stream, [{ shardId: shardId(0), records: makeRecords(2) }]);
    const writev = await spyOnFileHandle(dataDir, 'writev');
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device'), {
      code: 'ENOSPC',
    });
    writev.mockRejectedValueOnce(diskFull);
    await expect(
      first.store.append(stream, [{ shardId: shardId(0), records: makeRecords(1, { first: 2 }) }]),
    ).rejects.toBe(diskFull);
    await first.store.append(stream, [
      { shardId: shardId(0), records: makeRecords(1, { first: 3 }) },
    ]);
    await first.store.close();

    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual([
      ...makeRecords(2),
      ...makeRecords(1, { first: 3 }),
    ]);
  });

  it('refuses further appends to a shard whose fsync failed, and only to that shard', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const { store } = await openStore(dataDir, { fsync: 'always' });
    await store.saveStream(stream);
    await store.append(stream, [{ shardId: shardId(1), records: makeRecords(1) }]);
    const datasync = await spyOnFileHandle(dataDir, 'datasync');
    const ioError = Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    datasync.mockRejectedValueOnce(ioError);
    await expect(
      store.append(stream, [{ shardId: shardId(0), records: makeRecords(1) }]),
    ).rejects.toBe(ioError);
    await expect(
      store.append(stream, [{ shardId: shardId(0), records: makeRecords(1, { first: 1 }) }]),
    ).rejects.toBe(ioError);
    await store.append(stream, [{ shardId: shardId(1), records: makeRecords(1, { first: 1 }) }]);
  });

  it('rejects a record the log format cannot hold without writing any of the call', async () => {
    const dataDir = await tempDir();
    const stream = streamState();
    const first = await openStore(dataDir);
    await first.store.saveStream(stream);
    const negative = { ...makeRecord(0), sequenceNumber: -1n };
    await expect(
      first.store.append(stream, [
        { shardId: shardId(0), records: makeRecords(1) },
        { shardId: shardId(1), records: [negative] },
      ]),
    ).rejects.toThrow(RangeError);
    await first.store.close();
    const { state } = await openStore(dataDir);
    expect(recordsOf(state, 'orders', shardId(0))).toEqual([]);
  });
});

describe('FileStore property', () => {
  const recordArbitrary = fc.record({
    shard: fc.integer({ min: 0, max: 2 }),
    gap: fc.bigInt({ min: 1n, max: 2n ** 130n }),
    partitionKey: fc.string({ unit: 'grapheme', maxLength: 20 }),
    data: fc.uint8Array({ maxLength: 300 }),
    arrivalMs: fc.integer({ min: 0, max: 2 ** 45 }),
  });

  it('round-trips random batches exactly, with any fsync policy and segment size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(recordArbitrary, { maxLength: 30 }), { maxLength: 12 }),
        fc.constantFrom<FsyncPolicy>('always', 'interval', 'never'),
        fc.integer({ min: 64, max: 4096 }),
        fc.boolean(),
        async (batches, fsync, segmentBytes, concurrent) => {
          const dataDir = await tempDir();
          const stream = streamState('orders', { shardCount: 3 });
          const expected = new Map<string, ShardRecord[]>();
          let sequenceNumber = 0n;
          const appends = batches.map((batch) => {
            const byShard = new Map<string, ShardRecord[]>();
            for (const { shard, gap, ...fields } of batch) {
              sequenceNumber += gap;
              const record = { ...fields, sequenceNumber };
              byShard.set(shardId(shard), [...(byShard.get(shardId(shard)) ?? []), record]);
              expected.set(shardId(shard), [...(expected.get(shardId(shard)) ?? []), record]);
            }
            return [...byShard].map(([id, records]) => ({ shardId: id, records }));
          });

          const store = new FileStore({ dataDir, fsync, segmentBytes, fsyncIntervalMs: 1 });
          await store.load();
          await store.saveStream(stream);
          if (concurrent) {
            await Promise.all(appends.map((append) => store.append(stream, append)));
          } else {
            for (const append of appends) await store.append(stream, append);
          }
          await store.close();

          const reopened = new FileStore({ dataDir });
          const state = await reopened.load();
          await reopened.close();
          for (const shard of [0, 1, 2]) {
            expect(recordsOf(state, 'orders', shardId(shard))).toEqual(
              expected.get(shardId(shard)) ?? [],
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('FileStore on-disk layout', () => {
  it('keys stream folders by name and creation time and escapes unsafe names', async () => {
    const dataDir = await tempDir();
    const { store } = await openStore(dataDir);
    await store.saveStream(streamState('a/b', { createdMs: 7 }));
    await store.saveStream(streamState('..', { createdMs: 8 }));
    expect((await readdir(join(dataDir, 'streams'))).sort()).toEqual(['%2e.-8', 'a%2fb-7']);
    const text = await readFile(join(dataDir, 'streams', 'a%2fb-7', 'stream.json'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ formatVersion: 1, stream: { name: 'a/b' } });
  });
});
