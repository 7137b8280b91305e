import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ListShardsShard,
  partitionKeyToHashKey,
  type ShardDescriptor,
  ShardMap,
  ShardMapError,
} from '../src/index.js';

const MAX = (1n << 128n) - 1n;

/** A ListShards page for `count` shards splitting the space evenly, as CreateStream does. */
function evenShards(count: number): ListShardsShard[] {
  const width = (MAX + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, index) => ({
    ShardId: `shardId-${String(index).padStart(12, '0')}`,
    HashKeyRange: {
      StartingHashKey: (width * BigInt(index)).toString(),
      EndingHashKey:
        index === count - 1 ? MAX.toString() : (width * BigInt(index + 1) - 1n).toString(),
    },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

function codeOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ShardMapError);
    return (error as ShardMapError).code;
  }
  throw new Error('expected a ShardMapError');
}

/** Shards covering [0, MAX] cut at the given points. */
function shardsCutAt(cuts: readonly bigint[]): ShardDescriptor[] {
  const bounds = [...new Set(cuts)].sort((a, b) => (a < b ? -1 : 1)).filter((c) => c > 0n);
  const starts = [0n, ...bounds];
  return starts.map((start, index) => ({
    shardId: `shard-${index}`,
    hashKeyRange: {
      startingHashKey: start,
      endingHashKey: index + 1 < starts.length ? (starts[index + 1] as bigint) - 1n : MAX,
    },
  }));
}

describe('ShardMap', () => {
  it('maps partition keys to the shard whose range holds their hash key', () => {
    const map = ShardMap.fromListShards(evenShards(4));
    const key = 'user-42';
    const hashKey = partitionKeyToHashKey(key);
    const shard = map.shardForPartitionKey(key);
    expect(hashKey).toBeGreaterThanOrEqual(shard.hashKeyRange.startingHashKey);
    expect(hashKey).toBeLessThanOrEqual(shard.hashKeyRange.endingHashKey);
  });

  it('finds the same shard as a linear scan, for any cut of the hash key space', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: MAX }), { maxLength: 40 }),
        fc.array(fc.bigInt({ min: 0n, max: MAX }), { minLength: 1, maxLength: 20 }),
        (cuts, hashKeys) => {
          const shards = shardsCutAt(cuts);
          const map = new ShardMap([...shards].reverse());
          for (const hashKey of [...hashKeys, 0n, MAX, ...cuts]) {
            const expected = shards.find(
              (s) =>
                s.hashKeyRange.startingHashKey <= hashKey &&
                hashKey <= s.hashKeyRange.endingHashKey,
            );
            expect(map.shardForHashKey(hashKey).shardId).toBe(expected?.shardId);
          }
        },
      ),
    );
  });

  it('routes by explicit hash key when a record has one', () => {
    const map = ShardMap.fromListShards(evenShards(2));
    const data = new Uint8Array();
    expect(map.shardForRecord({ partitionKey: 'x', data, explicitHashKey: '0' }).shardId).toBe(
      'shardId-000000000000',
    );
    expect(
      map.shardForRecord({ partitionKey: 'x', data, explicitHashKey: MAX.toString() }).shardId,
    ).toBe('shardId-000000000001');
  });

  it('knows closed shards and routes only to open ones after a split', () => {
    const [parent] = evenShards(1) as [ListShardsShard];
    const middle = (MAX + 1n) / 2n;
    const map = ShardMap.fromListShards([
      {
        ...parent,
        SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '99' },
      },
      {
        ShardId: 'shardId-000000000001',
        ParentShardId: parent.ShardId,
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (middle - 1n).toString() },
        SequenceNumberRange: { StartingSequenceNumber: '100' },
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShardId: parent.ShardId,
        HashKeyRange: { StartingHashKey: middle.toString(), EndingHashKey: MAX.toString() },
        SequenceNumberRange: { StartingSequenceNumber: '101' },
      },
    ]);
    expect(map.size).toBe(3);
    expect(map.isOpen('shardId-000000000000')).toBe(false);
    expect(map.isOpen('shardId-000000000001')).toBe(true);
    expect(map.isOpen('nope')).toBe(false);
    expect(map.closedShards.map((s) => s.shardId)).toEqual(['shardId-000000000000']);
    expect(map.openShards.map((s) => s.shardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(map.get('shardId-000000000002')?.parentShardId).toBe('shardId-000000000000');
    expect(map.shardForHashKey(0n).shardId).toBe('shardId-000000000001');
    expect(map.shardForHashKey(MAX).shardId).toBe('shardId-000000000002');
  });

  it('rejects a gap between open shards, naming the hash keys and shards', () => {
    const [a, b] = evenShards(2) as [ListShardsShard, ListShardsShard];
    const start = BigInt(b.HashKeyRange?.StartingHashKey ?? '0');
    const gapped = {
      ...b,
      HashKeyRange: { StartingHashKey: (start + 10n).toString(), EndingHashKey: MAX.toString() },
    };
    expect(() => ShardMap.fromListShards([a, gapped])).toThrow(
      `no open shard covers hash keys [${start}, ${start + 9n}] between shardId-000000000000 and shardId-000000000001`,
    );
  });

  it('rejects gaps at either end of the hash key space', () => {
    const [a, b] = evenShards(2) as [ListShardsShard, ListShardsShard];
    expect(codeOf(() => ShardMap.fromListShards([b]))).toBe('HashKeyGap');
    expect(codeOf(() => ShardMap.fromListShards([a]))).toBe('HashKeyGap');
  });

  it('rejects overlapping open shards', () => {
    const [a, b] = evenShards(2) as [ListShardsShard, ListShardsShard];
    const overlapping = {
      ...b,
      HashKeyRange: { StartingHashKey: '5', EndingHashKey: MAX.toString() },
    };
    expect(codeOf(() => ShardMap.fromListShards([a, overlapping]))).toBe('HashKeyOverlap');
    const inside = { ...b, HashKeyRange: { StartingHashKey: '5', EndingHashKey: '6' } };
    expect(codeOf(() => ShardMap.fromListShards([...evenShards(1), inside]))).toBe(
      'HashKeyOverlap',
    );
  });

  it('rejects duplicate ids, malformed ranges, missing ids and streams without open shards', () => {
    const [a] = evenShards(1) as [ListShardsShard];
    expect(codeOf(() => ShardMap.fromListShards([a, a]))).toBe('DuplicateShardId');
    expect(
      codeOf(() =>
        ShardMap.fromListShards([
          { ...a, HashKeyRange: { StartingHashKey: '0', EndingHashKey: 'x' } },
        ]),
      ),
    ).toBe('InvalidHashKeyRange');
    expect(codeOf(() => ShardMap.fromListShards([{ ...a, HashKeyRange: undefined }]))).toBe(
      'InvalidHashKeyRange',
    );
    expect(
      codeOf(
        () =>
          new ShardMap([
            { shardId: 's', hashKeyRange: { startingHashKey: 10n, endingHashKey: 5n } },
          ]),
      ),
    ).toBe('InvalidHashKeyRange');
    expect(codeOf(() => ShardMap.fromListShards([{ ...a, ShardId: undefined }]))).toBe(
      'MissingShardId',
    );
    expect(codeOf(() => ShardMap.fromListShards([]))).toBe('NoOpenShards');
  });

  it('rejects hash keys outside the hash key space', () => {
    const map = ShardMap.fromListShards(evenShards(1));
    expect(() => map.shardForHashKey(MAX + 1n)).toThrow(RangeError);
    expect(() => map.shardForHashKey(-1n)).toThrow(RangeError);
  });
});
