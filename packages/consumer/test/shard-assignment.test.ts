import { describe, expect, it } from 'vitest';
import { type Checkpoint, SHARD_END } from '../src/index.js';
import {
  type InitialPosition,
  ShardAssignment,
  type ShardLineage,
} from '../src/shard-assignment.js';

const shard = (shardId: string, parents: string[] = [], closed = false): ShardLineage => ({
  shardId,
  parentShardIds: parents,
  closed,
  listed: true,
});

/** 0 split into 1 and 2, which merged into 3. */
const lineage = [
  shard('s0', [], true),
  shard('s1', ['s0'], true),
  shard('s2', ['s0'], true),
  shard('s3', ['s1', 's2']),
];

function assignment(
  initial: InitialPosition,
  shards: ShardLineage[],
  checkpoints: [string, Checkpoint][] = [],
) {
  const result = new ShardAssignment(initial, new Map(checkpoints));
  result.addShards(shards);
  return result;
}

const ids = (ready: { shardId: string }[]) => ready.map((r) => r.shardId);

describe('ShardAssignment', () => {
  it('starts children only after every parent ended', () => {
    const a = assignment('TRIM_HORIZON', lineage);
    expect(a.takeReady()).toEqual([
      { shardId: 's0', checkpoint: undefined, start: { type: 'TRIM_HORIZON' } },
    ]);
    expect(a.takeReady()).toEqual([]);
    a.markEnded('s0');
    expect(ids(a.takeReady())).toEqual(['s1', 's2']);
    a.markEnded('s1');
    expect(a.takeReady()).toEqual([]);
    a.markEnded('s2');
    expect(a.takeReady()).toEqual([
      { shardId: 's3', checkpoint: undefined, start: { type: 'TRIM_HORIZON' } },
    ]);
  });

  it('resumes from checkpoints and never restarts a shard stored as ended', () => {
    const a = assignment('LATEST', lineage, [
      ['s0', SHARD_END],
      ['s1', SHARD_END],
      ['s2', { sequenceNumber: '20', subSequenceNumber: 4 }],
    ]);
    expect(a.takeReady()).toEqual([
      {
        shardId: 's2',
        checkpoint: { sequenceNumber: '20', subSequenceNumber: 4 },
        start: { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '20' },
      },
    ]);
    a.markEnded('s2');
    // Its parents were read: the child starts at its beginning, whatever the initial position.
    expect(a.takeReady()[0]?.start).toEqual({ type: 'TRIM_HORIZON' });
  });

  it('resumes after a whole record with AFTER_SEQUENCE_NUMBER', () => {
    const a = assignment('TRIM_HORIZON', [shard('s0')], [['s0', { sequenceNumber: '7' }]]);
    expect(a.takeReady()[0]?.start).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '7' });
  });

  it('with LATEST, skips closed shards nothing read and starts the open ones at LATEST', () => {
    const a = assignment('LATEST', lineage);
    expect(a.takeReady()).toEqual([
      { shardId: 's3', checkpoint: undefined, start: { type: 'LATEST' } },
    ]);
    expect(a.status('s0')).toBe('skipped');
    expect(a.status('s1')).toBe('skipped');
  });

  it('with a timestamp, starts roots at it and the children of a read parent at their start', () => {
    const timestamp = new Date('2026-11-25T00:00:00Z');
    const a = assignment({ timestamp }, lineage);
    expect(a.takeReady()[0]?.start).toEqual({ type: 'AT_TIMESTAMP', timestamp });
    a.markEnded('s0');
    // The timestamp is taken anew at each start: after a long stop it could skip what came
    // after the split, so a child of a parent read to its end starts at its first record.
    expect(a.takeReady().map((r) => r.start)).toEqual([
      { type: 'TRIM_HORIZON' },
      { type: 'TRIM_HORIZON' },
    ]);
  });

  it('continues a child whose parent was read to its end and is gone since', () => {
    // LATEST would start a root at the newest record; this child continues its parent.
    const a = assignment('LATEST', [shard('s7', ['gone'])], [['gone', SHARD_END]]);
    expect(a.takeReady()).toEqual([
      { shardId: 's7', checkpoint: undefined, start: { type: 'TRIM_HORIZON' } },
    ]);
  });

  it('resumes a shard put back to waiting where it is told', () => {
    const a = assignment('TRIM_HORIZON', [shard('s8')]);
    expect(ids(a.takeReady())).toEqual(['s8']);
    const checkpoint = { sequenceNumber: '42' };
    a.markStopped('s8', {
      checkpoint,
      start: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' },
    });
    expect(a.takeReady()).toEqual([
      { shardId: 's8', checkpoint, start: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' } },
    ]);
  });

  it('treats a listed shard whose parent is gone (past retention) as a root', () => {
    const a = assignment('TRIM_HORIZON', [shard('s5', ['trimmed'])]);
    expect(ids(a.takeReady())).toEqual(['s5']);
  });

  it('waits for a listing before starting a child whose other parent it has not seen', () => {
    const a = assignment('TRIM_HORIZON', [shard('s1', [], true)]);
    a.takeReady();
    a.markEnded('s1');
    a.addShards([{ shardId: 's3', parentShardIds: ['s1', 's2'], closed: false, listed: false }]);
    expect(a.hasUnlistedParents()).toBe(true);
    expect(a.takeReady()).toEqual([]);
    a.addShards([shard('s2', [], true), shard('s3', ['s1', 's2'])]);
    expect(ids(a.takeReady())).toEqual(['s2']);
    a.markEnded('s2');
    expect(ids(a.takeReady())).toEqual(['s3']);
  });

  it('lets a stopped shard start again', () => {
    const a = assignment('TRIM_HORIZON', [shard('s0')]);
    expect(ids(a.takeReady())).toEqual(['s0']);
    a.markStopped('s0');
    expect(ids(a.takeReady())).toEqual(['s0']);
  });
});
