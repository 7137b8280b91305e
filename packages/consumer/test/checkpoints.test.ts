import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  CheckpointStoreCorruptError,
  FileCheckpointStore,
  MemoryCheckpointStore,
  SHARD_END,
} from '../src/index.js';
import { comparePositions } from '../src/positions.js';

const checkpointArbitrary: fc.Arbitrary<Checkpoint> = fc.oneof(
  fc.constant(SHARD_END),
  fc.record({ sequenceNumber: fc.bigInt({ min: 0n, max: 10n ** 56n }).map(String) }),
  fc.record({
    sequenceNumber: fc.bigInt({ min: 0n, max: 10n ** 56n }).map(String),
    subSequenceNumber: fc.nat(),
  }),
);

describe('MemoryCheckpointStore', () => {
  it('returns what was saved, per shard, and the latest save wins', async () => {
    const store = new MemoryCheckpointStore();
    expect(await store.load('a')).toBeUndefined();
    await store.save('a', { sequenceNumber: '1' });
    await store.save('a', { sequenceNumber: '2', subSequenceNumber: 0 });
    await store.save('b', SHARD_END);
    expect(await store.load('a')).toEqual({ sequenceNumber: '2', subSequenceNumber: 0 });
    expect(await store.loadAll()).toEqual(
      new Map<string, Checkpoint>([
        ['a', { sequenceNumber: '2', subSequenceNumber: 0 }],
        ['b', SHARD_END],
      ]),
    );
  });
});

describe('FileCheckpointStore', () => {
  let directory: string;
  let path: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    path = join(directory, 'stream.checkpoints.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('starts empty without a file, and a new instance reads back what was saved', async () => {
    const store = new FileCheckpointStore({ path });
    expect(await store.loadAll()).toEqual(new Map());
    await store.save('shardId-000000000000', { sequenceNumber: '49590', subSequenceNumber: 3 });
    await store.save('shardId-000000000001', SHARD_END);
    const reopened = new FileCheckpointStore({ path });
    expect(await reopened.load('shardId-000000000000')).toEqual({
      sequenceNumber: '49590',
      subSequenceNumber: 3,
    });
    expect(await reopened.load('shardId-000000000001')).toBe(SHARD_END);
  });

  it('keeps every shard of concurrent saves and leaves no temporary file behind', async () => {
    const store = new FileCheckpointStore({ path });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.save(`shard-${i % 10}`, { sequenceNumber: String(i) }),
      ),
    );
    const reopened = await new FileCheckpointStore({ path }).loadAll();
    expect(reopened.size).toBe(10);
    for (let shard = 0; shard < 10; shard++) {
      expect(reopened.get(`shard-${shard}`)).toEqual({ sequenceNumber: String(40 + shard) });
    }
    expect(readdirSync(directory)).toEqual(['stream.checkpoints.json']);
  });

  it('ignores and removes a temporary file a crash left before its rename', async () => {
    await new FileCheckpointStore({ path }).save('shardId-000000000000', { sequenceNumber: '5' });
    const stale = join(directory, '.stream.checkpoints.json.999.1.tmp');
    writeFileSync(stale, '{"format":"kinesis-kit-checkpoints","checkpo');
    const store = new FileCheckpointStore({ path });
    expect(await store.load('shardId-000000000000')).toEqual({ sequenceNumber: '5' });
    expect(readdirSync(directory)).toEqual(['stream.checkpoints.json']);
  });

  it('round-trips any checkpoints', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), checkpointArbitrary, {
          maxKeys: 8,
        }),
        async (checkpoints) => {
          const file = join(directory, 'property.json');
          rmSync(file, { force: true });
          const store = new FileCheckpointStore({ path: file });
          for (const [shardId, checkpoint] of Object.entries(checkpoints)) {
            await store.save(shardId, checkpoint);
          }
          const read = await new FileCheckpointStore({ path: file }).loadAll();
          expect(Object.fromEntries(read)).toEqual(checkpoints);
        },
      ),
      { numRuns: 30 },
    );
  });

  const corruptions: [string, (valid: string) => string][] = [
    ['an empty file (torn before any byte)', () => ''],
    ['a truncated file', (valid) => valid.slice(0, Math.floor(valid.length / 2))],
    ['an edited checkpoint', (valid) => valid.replace('"49590"', '"49591"')],
    ['another document', () => '{"hello":"world"}'],
    ['a malformed checkpoint with a matching digest', () => malformedButSigned()],
  ];

  it.each(corruptions)(
    'reports %s as corrupt instead of reading it as empty',
    async (_, corrupt) => {
      await new FileCheckpointStore({ path }).save('shardId-000000000000', {
        sequenceNumber: '49590',
      });
      writeFileSync(path, corrupt(readFileSync(path, 'utf8')));
      const store = new FileCheckpointStore({ path });
      const error = await store.load('shardId-000000000000').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointStoreCorruptError);
      expect(error).toMatchObject({ code: 'CheckpointStoreCorrupt', path, retriable: false });
      // Saving must not paper over it either.
      await expect(store.save('x', SHARD_END)).rejects.toBeInstanceOf(CheckpointStoreCorruptError);
    },
  );
});

/** A document whose digest matches but whose checkpoint is not a decimal sequence number. */
function malformedButSigned(): string {
  const checkpoints = { 'shardId-000000000000': { sequenceNumber: 'abc' } };
  const sha256 = createHash('sha256').update(JSON.stringify(checkpoints)).digest('hex');
  return JSON.stringify({ format: 'kinesis-kit-checkpoints', version: 1, checkpoints, sha256 });
}

describe('comparePositions', () => {
  const position = fc.record(
    {
      sequenceNumber: fc.bigInt({ min: 0n, max: 10n ** 56n }).map(String),
      subSequenceNumber: fc.nat({ max: 100 }),
    },
    { requiredKeys: ['sequenceNumber'] },
  );

  it('orders by sequence number as a big integer, then sub-sequence, whole records last', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const order = comparePositions(a, b);
        expect(comparePositions(b, a)).toBe(-order);
        const left = BigInt(a.sequenceNumber);
        const right = BigInt(b.sequenceNumber);
        if (left !== right) expect(order).toBe(left < right ? -1 : 1);
        else {
          const x = a.subSequenceNumber ?? Number.POSITIVE_INFINITY;
          const y = b.subSequenceNumber ?? Number.POSITIVE_INFINITY;
          expect(order).toBe(Math.sign(x - y) || 0);
        }
      }),
    );
    expect(comparePositions({ sequenceNumber: '9' }, { sequenceNumber: '10' })).toBe(-1);
    expect(
      comparePositions({ sequenceNumber: '10', subSequenceNumber: 99 }, { sequenceNumber: '10' }),
    ).toBe(-1);
  });
});
