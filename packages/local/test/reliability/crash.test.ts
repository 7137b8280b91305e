import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildEndpoint, kill, startChildEndpoint } from '../support/child-endpoint.js';
import { clientFor } from '../support/local-kinesis.js';

interface Acknowledged {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly data: string;
}

async function readShard(client: KinesisClient, StreamName: string, ShardId: string) {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const records: { sequenceNumber: string; data: string }[] = [];
  let iterator = ShardIterator;
  for (;;) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const r of page.Records ?? []) {
      records.push({
        sequenceNumber: r.SequenceNumber as string,
        data: new TextDecoder().decode(r.Data),
      });
    }
    if ((page.Records ?? []).length === 0) return records;
    iterator = page.NextShardIterator;
  }
}

describe('crash recovery of a durable endpoint', () => {
  let dataDir = '';
  const children: ChildEndpoint[] = [];
  afterAll(async () => {
    for (const child of children) await kill(child, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged record, in order, after SIGKILL under sustained writes', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kinesis-kit-crash-'));
    const args = ['--data-dir', dataDir, '--limits', 'off', '--create-stream', 'crash:3'];
    const first = await startChildEndpoint(args);
    children.push(first);
    const client = clientFor(first.endpoint, 'http1');
    const acknowledged: Acknowledged[] = [];
    let next = 0;
    let killed = false;
    // Four writers keep PutRecords in flight; the process is killed while they write.
    const writer = async () => {
      while (!killed) {
        const batch = Array.from({ length: 100 }, () => {
          next += 1;
          return {
            PartitionKey: `key-${next % 97}`,
            Data: new TextEncoder().encode(`record-${next}`),
          };
        });
        try {
          const result = await client.send(
            new PutRecordsCommand({ StreamName: 'crash', Records: batch }),
          );
          result.Records?.forEach((entry, index) => {
            if (entry.SequenceNumber) {
              acknowledged.push({
                shardId: entry.ShardId as string,
                sequenceNumber: entry.SequenceNumber,
                data: new TextDecoder().decode(batch[index]?.Data),
              });
            }
          });
        } catch {
          return; // The connection died with the process: these records were never acknowledged.
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    while (acknowledged.length < 5000) await new Promise((resolve) => setImmediate(resolve));
    killed = true;
    await kill(first, 'SIGKILL');
    await Promise.all(writers);
    client.destroy();

    const second = await startChildEndpoint(args);
    children.push(second);
    const reader = clientFor(second.endpoint, 'http1');
    const { Shards = [] } = await reader.send(new ListShardsCommand({ StreamName: 'crash' }));
    expect(Shards).toHaveLength(3);
    for (const shard of Shards) {
      const stored = await readShard(reader, 'crash', shard.ShardId as string);
      const sequences = stored.map((r) => BigInt(r.sequenceNumber));
      expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const bySequence = new Map(stored.map((r) => [r.sequenceNumber, r.data]));
      const expected = acknowledged.filter((r) => r.shardId === shard.ShardId);
      expect(expected.length).toBeGreaterThan(0);
      for (const record of expected)
        expect(bySequence.get(record.sequenceNumber)).toBe(record.data);
    }
    // New writes after recovery get sequence numbers above every recovered one.
    const after = await reader.send(
      new PutRecordsCommand({
        StreamName: 'crash',
        Records: [{ PartitionKey: 'key-1', Data: new Uint8Array(1) }],
      }),
    );
    const sequences = acknowledged
      .map((r) => BigInt(r.sequenceNumber))
      .sort((a, b) => (a < b ? -1 : 1));
    const newest = sequences[sequences.length - 1] as bigint;
    expect(BigInt(after.Records?.[0]?.SequenceNumber as string)).toBeGreaterThan(newest);
    reader.destroy();
  }, 60_000);
});
