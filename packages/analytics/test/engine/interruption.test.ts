import { describe, expect, it } from 'vitest';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { runQuery } from '../../src/engine/run-query.js';
import type { SourceSchema } from '../../src/schema/source-schema.js';
import type { ResultSink } from '../../src/sinks/result-sink.js';
import { collect, encode, type FakeClock, fakeClock } from './helpers.js';

const schema: SourceSchema = { columns: { url: { type: 'VARCHAR(64)' } } };

const COUNT_PER_10S = `CREATE OR REPLACE STREAM "DEST" (url VARCHAR(64), hits BIGINT);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
SELECT STREAM url, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
GROUP BY url, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`;

/** Consumer-like batches taken at 1 s, 12 s and 13 s: [0 s, 10 s) fires at 12 s, [10 s, 20 s) stays open. */
const BATCHES = [
  { at: 1_000, url: '/a' },
  { at: 12_000, url: '/a' },
  { at: 13_000, url: '/b' },
];

function batchesOf(clock: FakeClock, log: string[]) {
  return BATCHES.map(({ at, url }) => ({
    at,
    item: {
      records: [{ data: encode({ url }), sequenceNumber: `${at}` }],
      checkpoint: async () => {
        log.push(`checkpoint@${at}`);
      },
    },
    take: () => clock.set(at),
  }));
}

/** Yields the batches (setting the clock first), then never ends on its own; `pulled` counts. */
function endlessSource(clock: FakeClock, log: string[]) {
  let pulled = 0;
  async function* source() {
    for (const batch of batchesOf(clock, log)) {
      batch.take();
      pulled++;
      yield batch.item;
    }
    await new Promise<never>(() => undefined);
  }
  return { source: source(), pulled: () => pulled };
}

/** Like a `KinesisConsumer`'s `batches()`: says which shards it reads, ends once stopped. */
function consumerLikeSource(clock: FakeClock, log: string[]) {
  let stopped!: () => void;
  const whenStopped = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  let pulled = 0;
  async function* batches() {
    for (const batch of batchesOf(clock, log)) {
      batch.take();
      pulled++;
      yield batch.item;
    }
    await whenStopped;
  }
  const iterable = batches();
  const source = {
    readingShards: () => ['shard-0'],
    [Symbol.asyncIterator]: () => iterable,
  };
  return { source, stop: () => stopped(), pulled: () => pulled };
}

function loggingSink(log: string[]): ResultSink {
  return {
    async write(outputs) {
      for (const o of outputs) log.push(`${o.kind}:${o.key}:${String(o.row.HITS ?? o.row.hits)}`);
    },
    async close() {
      log.push('close');
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}

describe('runQuery: an interrupted run neither calls partial windows final nor checkpoints them', () => {
  const AFTER_FIRST_WINDOW = ['insert:0/10000/["/a"]:1', 'checkpoint@1000'];
  const OPEN_WINDOW_EARLY = ['early:10000/20000/["/a"]:1', 'early:10000/20000/["/b"]:1', 'close'];

  it('stop(): open windows come as early, their batches are not checkpointed', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const endless = endlessSource(clock, log);
    const run = runQuery(COUNT_PER_10S, {
      source: endless.source,
      schema,
      clock,
      sinks: { DEST: loggingSink(log) },
    });
    await until(() => endless.pulled() === 3 && run.stats().rowsIn === 3);
    await run.stop();
    expect(log).toEqual([...AFTER_FIRST_WINDOW, ...OPEN_WINDOW_EARLY]);
    expect((await run.done).pendingCheckpoints).toBe(2);
  });

  it('an abort acts as stop()', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const endless = endlessSource(clock, log);
    const controller = new AbortController();
    const run = runQuery(COUNT_PER_10S, {
      source: endless.source,
      schema,
      clock,
      signal: controller.signal,
      sinks: { DEST: loggingSink(log) },
    });
    await until(() => run.stats().rowsIn === 3);
    controller.abort();
    await run.done;
    expect(log).toEqual([...AFTER_FIRST_WINDOW, ...OPEN_WINDOW_EARLY]);
  });

  it('leaving the main loop: only the batch of the window that was read is checkpointed', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const endless = endlessSource(clock, log);
    const run = runQuery(COUNT_PER_10S, { source: endless.source, schema, clock });
    const seen: QueryOutput[] = [];
    for await (const output of run) {
      seen.push(output);
      break;
    }
    await run.done;
    expect(seen.map((o) => [o.kind, o.key])).toEqual([['insert', '0/10000/["/a"]']]);
    expect(log).toEqual(['checkpoint@1000']);
  });

  it("a consumer's batches() ending (consumer.stop()) interrupts the run", async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const consumer = consumerLikeSource(clock, log);
    const run = runQuery(COUNT_PER_10S, {
      source: consumer.source,
      schema,
      clock,
      sinks: { DEST: loggingSink(log) },
    });
    await until(() => run.stats().rowsIn === 3);
    consumer.stop();
    await run.done;
    expect(log).toEqual([...AFTER_FIRST_WINDOW, ...OPEN_WINDOW_EARLY]);
  });

  it('fires windows the clock closed by the time of the stop as final', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const endless = endlessSource(clock, log);
    const run = runQuery(COUNT_PER_10S, {
      source: endless.source,
      schema,
      clock,
      sinks: { DEST: loggingSink(log) },
    });
    await until(() => run.stats().rowsIn === 3);
    clock.set(20_000);
    await run.stop();
    expect(log).toEqual([
      ...AFTER_FIRST_WINDOW,
      'insert:10000/20000/["/a"]:1',
      'insert:10000/20000/["/b"]:1',
      'checkpoint@12000',
      'checkpoint@13000',
      'close',
    ]);
  });

  it('a plain source that ends on its own completes the input: finals and every checkpoint', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    async function* finite() {
      for (const batch of batchesOf(clock, log)) {
        batch.take();
        yield batch.item;
      }
    }
    const run = runQuery(COUNT_PER_10S, {
      source: finite(),
      schema,
      clock,
      sinks: { DEST: loggingSink(log) },
    });
    await run.done;
    expect(log).toEqual([
      ...AFTER_FIRST_WINDOW,
      'insert:10000/20000/["/a"]:1',
      'insert:10000/20000/["/b"]:1',
      'checkpoint@12000',
      'checkpoint@13000',
      'close',
    ]);
  });
});

describe('runQuery: HAVING withdraws a row that stops matching', () => {
  const SQL = `CREATE TABLE visits (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
    SELECT window_start, url, COUNT(*) AS n
    FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, url
    HAVING COUNT(*) < 2`;
  const row = (url: string, ms: number) => ({ url, ts: new Date(ms) });

  it('retracts a final row a late row makes fail HAVING', async () => {
    async function* source() {
      yield row('/a', 1_000);
      yield row('/b', 12_000);
      yield row('/a', 2_000);
    }
    const run = runQuery(SQL, { source: source(), allowedLatenessMs: 60_000 });
    const outputs = await collect(run);
    expect(outputs.map((o) => [o.kind, o.revision, o.key, o.row.url, o.row.n])).toEqual([
      ['insert', 0, '0/10000/["/a"]', '/a', 1],
      ['retract', 1, '0/10000/["/a"]', '/a', 1],
      ['insert', 0, '10000/20000/["/b"]', '/b', 1],
    ]);
  });

  it('retracts an early row the final result no longer matches', async () => {
    const clock = fakeClock();
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => {
      proceed = resolve;
    });
    async function* source() {
      yield row('/a', 1_000);
      clock.set(1_000); // the early-results timer is due
      await gate;
      yield row('/a', 2_000);
      yield row('/b', 12_000);
    }
    const run = runQuery(SQL, { source: source(), clock, earlyResultsIntervalMs: 1 });
    const outputs: QueryOutput[] = [];
    for await (const output of run) {
      outputs.push(output);
      if (output.kind === 'early') proceed();
    }
    expect(outputs.map((o) => [o.kind, o.revision, o.key, o.row.n])).toEqual([
      ['early', 0, '0/10000/["/a"]', 1],
      ['retract', 1, '0/10000/["/a"]', 1],
      ['insert', 0, '10000/20000/["/b"]', 1],
    ]);
  });

  it('sends nothing for a key that never matched', async () => {
    async function* source() {
      yield [row('/a', 1_000), row('/a', 2_000)];
      yield row('/b', 12_000);
    }
    const outputs = await collect(runQuery(SQL, { source: source(), allowedLatenessMs: 60_000 }));
    expect(outputs.map((o) => [o.kind, o.key])).toEqual([['insert', '10000/20000/["/b"]']]);
  });
});
