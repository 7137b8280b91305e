import { type Checkpoint, KinesisConsumer, MemoryCheckpointStore } from '@kinesis-kit/consumer';
import { KinesisProducer } from '@kinesis-kit/producer';
import { describe, expect, it } from 'vitest';
import {
  createStream,
  readStream,
  useLocalKinesis,
  waitFor,
} from '../../../../tools/testing/local-kinesis.js';
import { type QueryOutput, runQuery } from '../../src/index.js';

const local = useLocalKinesis();

const WINDOW_MS = 10_000;
const START_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
const URLS = Array.from({ length: 12 }, (_, i) => `https://shop.example.com/p/${i}`);

interface Visit {
  url: string;
  visitorId: string;
  ts: string;
}

/** Visits over `seconds` of event time, out of order by up to `disorderMs`, keyed by URL. */
function visits(count: number, seconds: number, disorderMs: number): Visit[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: count }, (_, i) => {
    const inOrder = START_MS + Math.floor((i / count) * seconds * 1000);
    const ts = Math.max(START_MS, inOrder - Math.floor(next() * disorderMs));
    return {
      url: URLS[Math.floor(next() ** 2 * URLS.length)] as string,
      visitorId: `u-${Math.floor(next() * 40)}`,
      ts: new Date(ts).toISOString(),
    };
  });
}

/** The sequence number of each shard's last record. */
function lastByShard(
  records: readonly { shardId: string; sequenceNumber: string }[],
): Map<string, bigint> {
  const last = new Map<string, bigint>();
  for (const record of records) last.set(record.shardId, BigInt(record.sequenceNumber));
  return last;
}

/** A shard's checkpoint as a sequence number (-1 for none; a shard end is above every record). */
function checkpointAt(checkpoint: Checkpoint | undefined): bigint {
  if (checkpoint === undefined) return -1n;
  return checkpoint === 'SHARD_END' ? 2n ** 128n : BigInt(checkpoint.sequenceNumber);
}

/** The same counts, computed over the whole input at once. */
function bruteForce(input: readonly Visit[]): Map<string, { visits: number; visitors: number }> {
  const counts = new Map<string, { visits: number; visitors: Set<string> }>();
  for (const visit of input) {
    const start = Math.floor(Date.parse(visit.ts) / WINDOW_MS) * WINDOW_MS;
    const key = `${new Date(start).toISOString()} ${visit.url}`;
    const entry = counts.get(key) ?? { visits: 0, visitors: new Set<string>() };
    entry.visits += 1;
    entry.visitors.add(visit.visitorId);
    counts.set(key, entry);
  }
  return new Map(
    [...counts].map(([key, { visits, visitors }]) => [key, { visits, visitors: visitors.size }]),
  );
}

async function produce(streamName: string, input: readonly Visit[]): Promise<void> {
  const producer = new KinesisProducer({ streamName, client: local.client });
  await Promise.all(
    input.map((visit) =>
      producer.put({ partitionKey: visit.url, data: Buffer.from(JSON.stringify(visit)) }),
    ),
  );
  await producer.close();
}

const SQL = `
  CREATE TABLE visits (
    url STRING,
    visitorId STRING,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
  );
  SELECT window_start, window_end, url,
         COUNT(*) AS visits, COUNT(DISTINCT visitorId) AS visitors
  FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end, url`;

describe('records produced → KinesisConsumer → runQuery → results', () => {
  it('counts every visit once per event-time window and URL, and checkpoints only fired windows', async () => {
    const streamName = await createStream(local.client, 2, 'sql');
    const input = visits(3_000, 60, 1_500);
    // Two rounds, so the consumer reads the first 40 s in batches of their own.
    const firstRound = input.slice(0, 2_000);
    await produce(streamName, firstRound);

    const checkpoints = new MemoryCheckpointStore();
    const consumer = new KinesisConsumer({
      streamName,
      client: local.client,
      checkpoints,
      checkpointing: 'manual',
      pollIntervalMs: 200,
    });
    const run = runQuery(SQL, { source: consumer.batches() });
    const outputs: QueryOutput[] = [];
    const reading = (async () => {
      for await (const output of run) outputs.push(output);
    })();

    await waitFor(() => run.stats().rowsIn === firstRound.length, 'the first 40 s read');
    const firstRoundEnd = lastByShard(await readStream(local.client, streamName));
    await produce(streamName, input.slice(firstRound.length));
    await waitFor(() => run.stats().rowsIn === input.length, 'every visit read by the query');
    // The first round's windows have all fired: its batches get checkpointed.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const saved = await checkpoints.loadAll();
      const done = [...firstRoundEnd].every(
        ([shardId, sequence]) => checkpointAt(saved.get(shardId)) >= sequence,
      );
      if (done) break;
      if (Date.now() > deadline) throw new Error('the first round was not checkpointed');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Windows the watermark has passed are final already; the rest are still open.
    const watermark = run.stats().watermark;
    expect(outputs.some((o) => o.kind === 'insert')).toBe(true);
    // As a user ends it: stopping the consumer ends its batches(), which interrupts the run.
    await consumer.stop();
    await reading;
    await run.done;

    const expected = bruteForce(input);
    const counts = (kind: QueryOutput['kind']) =>
      new Map(
        outputs
          .filter((o) => o.kind === kind)
          .map((o) => [
            `${(o.row.window_start as Date).toISOString()} ${o.row.url as string}`,
            { visits: Number(o.row.visits), visitors: Number(o.row.visitors) },
          ]),
      );
    const finals = counts('insert');
    const early = counts('early');
    // Finals for exactly the windows the watermark closed, early results (every visit was read,
    // so the counts are complete, but the windows were not closed) for the others.
    const closed = (key: string) => Date.parse(key.slice(0, 24)) + WINDOW_MS - 1 <= watermark;
    expect(finals).toEqual(new Map([...expected].filter(([key]) => closed(key))));
    expect(early).toEqual(new Map([...expected].filter(([key]) => !closed(key))));
    expect(early.size).toBeGreaterThan(0);
    for (const output of outputs) {
      const { window_start: start, window_end: end } = output.row as {
        window_start: Date;
        window_end: Date;
      };
      expect(end.getTime() - start.getTime()).toBe(WINDOW_MS);
    }
    expect(run.stats().rowsLate).toBe(0);

    // Each shard is checkpointed at a record whose windows all fired: at or after the end of the
    // first round, below the shard's last record, so a restart replays the open windows' rows.
    const stored = await readStream(local.client, streamName);
    const last = lastByShard(stored);
    const saved = await checkpoints.loadAll();
    for (const [shardId, lastSequence] of last) {
      const checkpoint = checkpointAt(saved.get(shardId));
      expect(checkpoint).toBeGreaterThanOrEqual(firstRoundEnd.get(shardId) ?? 0n);
      expect(checkpoint).toBeLessThan(lastSequence);
      for (const record of stored) {
        if (record.shardId !== shardId || BigInt(record.sequenceNumber) > checkpoint) continue;
        const ts = Date.parse((JSON.parse(Buffer.from(record.data).toString()) as Visit).ts);
        expect(Math.floor(ts / WINDOW_MS) * WINDOW_MS + WINDOW_MS - 1).toBeLessThanOrEqual(
          watermark,
        );
      }
    }
  });

  it('sends visits later than the watermark allows to the late output, and counts the rest', async () => {
    const streamName = await createStream(local.client, 1, 'sql-late');
    const onTime = visits(600, 30, 0);
    // 25 s behind the newest visit: its window closed long before it arrives.
    const late: Visit = {
      url: URLS[0] as string,
      visitorId: 'late',
      ts: new Date(START_MS).toISOString(),
    };
    await produce(streamName, onTime);

    const consumer = new KinesisConsumer({
      streamName,
      client: local.client,
      checkpoints: new MemoryCheckpointStore(),
      pollIntervalMs: 200,
    });
    const run = runQuery(SQL, { source: consumer.batches() });
    const lateRows: unknown[] = [];
    const readingLate = (async () => {
      for await (const row of run.late) lateRows.push(row.row);
    })();
    const outputs: QueryOutput[] = [];
    const reading = (async () => {
      for await (const output of run) outputs.push(output);
    })();
    await waitFor(() => run.stats().rowsIn === onTime.length, 'the visits on time read');
    // Sent once the watermark has moved past its window (the rows of one batch are judged
    // against the watermark of the batches before it).
    await produce(streamName, [late]);
    await waitFor(() => run.stats().rowsLate === 1, 'the late visit read');
    await run.stop();
    await Promise.all([reading, readingLate]);
    await consumer.stop();

    expect(lateRows).toEqual([expect.objectContaining({ url: late.url, visitorId: 'late' })]);
    // Stopped: the windows the watermark closed are final, the open ones come as early.
    const counted = outputs
      .filter((o) => o.kind === 'insert' || o.kind === 'early')
      .reduce((sum, o) => sum + Number(o.row.visits), 0);
    expect(counted).toBe(onTime.length);
  });
});
