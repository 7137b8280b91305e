import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { LocalKinesisError, type StreamMetrics } from '../../src/index.js';
import { uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

/** A manual clock: metrics are per second, and tests move time instead of waiting for it. */
const START_MS = Date.UTC(2026, 10, 25, 12, 0, 0);
const START_S = START_MS / 1000;
let now = START_MS;
const advance = (ms: number) => {
  now += ms;
};

const MAX_HASH_KEY = (1n << 128n) - 1n;
/** `count` records of `dataBytes` bytes for one shard of a two-shard stream; keys `k0`, `k1`, ... */
function entries(count: number, dataBytes: number, shard: 0 | 1 = 0): PutRecordsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    PartitionKey: `k${i}`,
    Data: new Uint8Array(dataBytes),
    ExplicitHashKey: (shard === 0 ? 0n : MAX_HASH_KEY).toString(),
  }));
}

describe('metrics', () => {
  const local = useLocalKinesis({ clock: { now: () => now } });

  async function stream(shardCount: number): Promise<string> {
    const name = uniqueStreamName('metrics');
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    return name;
  }

  async function put(name: string, records: PutRecordsRequestEntry[]) {
    const result = await local.client.send(
      new PutRecordsCommand({ StreamName: name, Records: records }),
    );
    return result.Records ?? [];
  }

  async function iterator(name: string, shard = 0): Promise<string> {
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: `shardId-00000000000${shard}`,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    return ShardIterator as string;
  }

  async function adminGet(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${local.kinesis.endpoint}/_kinesis-kit/${path}`);
    expect(response.headers.get('content-type')).toBe('application/json');
    return { status: response.status, body: await response.json() };
  }

  async function streamMetrics(name: string): Promise<StreamMetrics> {
    const { status, body } = await adminGet(`metrics/${encodeURIComponent(name)}`);
    expect(status).toBe(200);
    return body as StreamMetrics;
  }

  it('counts the records and bytes written and read, per shard and per stream', async () => {
    now = START_MS;
    const name = await stream(2);
    // Shard 0: three records of 10 data bytes and 2-byte keys; shard 1: one of 5 + 3 bytes.
    await put(name, entries(3, 10, 0));
    await local.client.send(
      new PutRecordCommand({
        StreamName: name,
        PartitionKey: 'key',
        Data: new Uint8Array(5),
        ExplicitHashKey: MAX_HASH_KEY.toString(),
      }),
    );
    advance(1500);
    const read = await local.client.send(
      new GetRecordsCommand({ ShardIterator: await iterator(name, 0) }),
    );
    expect(read.Records).toHaveLength(3);
    // The read's 36 bytes hold the shard's reads back a few microseconds.
    advance(1);
    await local.client.send(new GetRecordsCommand({ ShardIterator: read.NextShardIterator }));

    const report = await streamMetrics(name);
    expect(report.streamName).toBe(name);
    expect(report.shards.map((shard) => shard.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    const [shard0, shard1] = report.shards.map((shard) => shard.metrics);
    const at = (t: number, v: number) => ({ t, v });
    expect(shard0).toMatchObject({
      IncomingRecords: { total: 3, series: [at(START_S, 3)] },
      IncomingBytes: { total: 36, series: [at(START_S, 36)] },
      'PutRecords.SuccessfulRecords': { total: 3, series: [at(START_S, 3)] },
      'PutRecord.Success': { total: 0, series: [] },
      'GetRecords.Success': { total: 2, series: [at(START_S + 1, 2)] },
      'GetRecords.Records': { total: 3, series: [at(START_S + 1, 3)] },
      'GetRecords.Bytes': { total: 36, series: [at(START_S + 1, 36)] },
      // Now minus the arrival of the last record returned; an empty read counts 0.
      'GetRecords.IteratorAgeMilliseconds': { total: 1500, series: [at(START_S + 1, 1500)] },
      WriteProvisionedThroughputExceeded: { total: 0, series: [] },
      ReadProvisionedThroughputExceeded: { total: 0, series: [] },
    });
    expect(shard1).toMatchObject({
      IncomingRecords: { total: 1, series: [at(START_S, 1)] },
      IncomingBytes: { total: 8, series: [at(START_S, 8)] },
      'PutRecord.Success': { total: 1, series: [at(START_S, 1)] },
      'GetRecords.Records': { total: 0, series: [] },
    });
    expect(report.metrics).toMatchObject({
      IncomingRecords: { total: 4, series: [at(START_S, 4)] },
      IncomingBytes: { total: 44, series: [at(START_S, 44)] },
      'GetRecords.Records': { total: 3, series: [at(START_S + 1, 3)] },
      'GetRecords.IteratorAgeMilliseconds': { total: 1500, series: [at(START_S + 1, 1500)] },
    });
  });

  it('counts the records and GetRecords calls refused over a shard limit', async () => {
    now = START_MS + 10_000;
    const name = await stream(1);
    const batch = entries(500, 10);
    // 10 data bytes each, and keys k0..k499 of 2 to 4 bytes.
    const batchBytes = batch.reduce((sum, e) => sum + 10 + (e.PartitionKey as string).length, 0);
    await put(name, batch);
    await put(name, batch);
    const refused = await put(name, entries(10, 10));
    expect(refused.every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException')).toBe(
      true,
    );
    const single = await local.client
      .send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array(1) }))
      .catch((e) => e);
    expect(single).toBeInstanceOf(ProvisionedThroughputExceededException);
    const shardIterator = await iterator(name);
    const reads = [];
    for (let call = 0; call < 7; call++) {
      reads.push(
        await local.client.send(new GetRecordsCommand({ ShardIterator: shardIterator })).then(
          () => 'ok',
          (e) => e.name,
        ),
      );
    }
    expect(reads.filter((r) => r === 'ok')).toHaveLength(1);

    const { metrics } = await streamMetrics(name);
    const second = START_S + 10;
    expect(metrics).toMatchObject({
      IncomingRecords: { total: 1000, series: [{ t: second, v: 1000 }] },
      WriteProvisionedThroughputExceeded: { total: 11, series: [{ t: second, v: 11 }] },
      IncomingBytes: { total: 2 * batchBytes, series: [{ t: second, v: 2 * batchBytes }] },
      // The first read's bytes block the next ones for a while (2 MiB/s), as do 5 calls/s.
      'GetRecords.Success': { total: 1, series: [{ t: second, v: 1 }] },
      ReadProvisionedThroughputExceeded: { total: 6, series: [{ t: second, v: 6 }] },
      'GetRecords.Records': { total: 1000, series: [{ t: second, v: 1000 }] },
      'GetRecords.Bytes': { total: 2 * batchBytes, series: [{ t: second, v: 2 * batchBytes }] },
    });
  });

  it('keeps one value per second and drops the seconds older than 5 minutes', async () => {
    now = START_MS + 100_000;
    const first = START_S + 100;
    const name = await stream(1);
    const one = () => put(name, entries(1, 1));
    await one();
    advance(1000);
    await one();
    advance(999);
    await one();
    advance(2001);
    await one();
    const incoming = async () => (await streamMetrics(name)).metrics.IncomingRecords;
    expect(await incoming()).toEqual({
      total: 4,
      series: [
        { t: first, v: 1 },
        { t: first + 1, v: 2 },
        { t: first + 4, v: 1 },
      ],
    });
    now = (first + 300) * 1000;
    expect(await incoming()).toEqual({
      total: 4,
      series: [
        { t: first + 1, v: 2 },
        { t: first + 4, v: 1 },
      ],
    });
    now = (first + 305) * 1000;
    expect(await incoming()).toEqual({ total: 4, series: [] });
    // A later second in the slot of an old one replaces it.
    now = (first + 600) * 1000;
    await one();
    expect(await incoming()).toEqual({ total: 5, series: [{ t: first + 600, v: 1 }] });
  });

  it('answers 404 for an unknown stream or path and 405 for methods other than GET', async () => {
    await expect(adminGet('metrics/no-such-stream')).resolves.toEqual({
      status: 404,
      body: { message: 'Stream no-such-stream not found.' },
    });
    expect((await adminGet('nothing-here')).status).toBe(404);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${local.kinesis.endpoint}/_kinesis-kit/metrics`, {
        method,
        ...(method === 'DELETE' ? {} : { body: '{}' }),
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
      expect(await response.json()).toEqual({
        message: `Method ${method} not allowed; use GET.`,
      });
    }
  });

  it('gives the same report through kinesis.metrics() as over HTTP', async () => {
    const name = await stream(1);
    await put(name, entries(2, 3));
    const all = await adminGet('metrics');
    expect(all.status).toBe(200);
    expect(local.kinesis.metrics()).toEqual(all.body);
    expect(local.kinesis.metrics().streams.map((s) => s.streamName)).toContain(name);
    expect(local.kinesis.metrics(name)).toEqual(await streamMetrics(name));
    expect(() => local.kinesis.metrics('no-such-stream')).toThrow(LocalKinesisError);
  });
});
