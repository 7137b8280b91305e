import { describe, expect, it } from 'vitest';
import { decodeStreamState, encodeStreamState } from '../../src/storage/stream-state-codec.js';
import { BASE_SEQUENCE, shardState, streamState } from './fixtures.js';

describe('stream state codec', () => {
  it('round-trips a stream with bigints beyond 2^53 and optional shard fields', () => {
    const stream = streamState('orders', { shardCount: 3 });
    stream.status = 'UPDATING';
    stream.mode = 'ON_DEMAND';
    stream.nextSequence = 2n ** 70n;
    stream.shards = [
      { ...shardState(0), endingSequenceNumber: BASE_SEQUENCE + 5n, closedMs: 12 },
      { ...shardState(1), parentShardId: 'shardId-000000000000' },
      {
        ...shardState(2),
        parentShardId: 'shardId-000000000000',
        adjacentParentShardId: 'shardId-000000000001',
      },
    ];
    stream.consumers = [
      {
        name: 'dashboard',
        arn: `${stream.arn}/consumer/dashboard:1700000000`,
        createdMs: 1_700_000_000_000,
        status: 'ACTIVE',
      },
    ];
    const decoded = decodeStreamState(encodeStreamState(stream));
    expect(decoded).toEqual(stream);
    expect(Object.keys(decoded.shards[1] ?? {})).not.toContain('endingSequenceNumber');
  });

  it('names the field that makes a file invalid', () => {
    const valid = JSON.parse(encodeStreamState(streamState())) as {
      stream: Record<string, unknown>;
    };
    const variant = (stream: Record<string, unknown>) =>
      JSON.stringify({ formatVersion: 1, stream: { ...valid.stream, ...stream } });
    expect(() => decodeStreamState(variant({ status: 'GONE' }))).toThrow(/status/);
    expect(() => decodeStreamState(variant({ nextSequence: 12 }))).toThrow(/nextSequence/);
    expect(() => decodeStreamState(variant({ shards: [{}] }))).toThrow(/shardId/);
    expect(() => decodeStreamState(variant({ tags: { a: 1 } }))).toThrow(/tags\.a/);
    expect(() => decodeStreamState(variant({ consumers: [{ name: 'c' }] }))).toThrow(/arn/);
    // A file written before consumers existed reads as a stream without consumers.
    expect(decodeStreamState(variant({ consumers: undefined })).consumers).toEqual([]);
    expect(() => decodeStreamState('{"formatVersion": 9}')).toThrow(/formatVersion/);
    expect(() => decodeStreamState('[]')).toThrow(/not an object/);
    expect(() => decodeStreamState('{')).toThrow(SyntaxError);
  });
});
