import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { InvalidOptionError } from '../../src/errors.js';
import { type Alert, alertSink } from '../../src/sinks/alert-sink.js';
import { SinkClosedError, SinkFailedError } from '../../src/sinks/sink-errors.js';

const HOUR_MS = 3_600_000;

function output(
  key: string,
  kind: QueryOutput['kind'] = 'insert',
  revision = 0,
  stream = 'HOT_URLS',
): QueryOutput {
  return { stream, kind, revision, key, row: { key, hits: 1000 + revision } };
}

/** A clock the test moves by hand. */
function manualClock(startMs = Date.UTC(2026, 0, 1)) {
  return {
    nowMs: startMs,
    now() {
      return this.nowMs;
    },
  };
}

async function tempFile(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'alert-sink-'));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return join(directory, 'alerts.keys');
}

describe('alertSink', () => {
  it('raises once per key: later revisions in the same or later writes raise nothing', async () => {
    const alerts: Alert[] = [];
    const clock = manualClock();
    const sink = alertSink({ onAlert: (alert) => void alerts.push(alert), clock });
    const first = output('w1|/a');
    await sink.write([first, output('w1|/a', 'update', 1), output('w1|/b')]);
    clock.nowMs += 1000;
    await sink.write([output('w1|/a', 'update', 2), output('w1|/b', 'update', 1), output('w2|/a')]);

    expect(alerts).toEqual([
      {
        key: 'w1|/a',
        stream: 'HOT_URLS',
        row: first.row,
        firstSeenAt: new Date(clock.nowMs - 1000),
      },
      {
        key: 'w1|/b',
        stream: 'HOT_URLS',
        row: output('w1|/b').row,
        firstSeenAt: new Date(clock.nowMs - 1000),
      },
      {
        key: 'w2|/a',
        stream: 'HOT_URLS',
        row: output('w2|/a').row,
        firstSeenAt: new Date(clock.nowMs),
      },
    ]);
  });

  it('never raises on a retract, in either onEarly mode; the result replacing it raises', async () => {
    for (const onEarly of ['ignore', 'alert'] as const) {
      const raised: string[] = [];
      const sink = alertSink({ onAlert: (alert) => void raised.push(alert.key), onEarly });
      // A session alerted under its old bounds, withdrawn, then emitted under new bounds.
      await sink.write([output('s0-10|/a', 'insert', 0)]);
      await sink.write([output('s0-10|/a', 'retract', 1), output('s0-15|/a', 'insert', 2)]);
      // A retraction of a key never alerted (early, ignored) raises nothing either.
      await sink.write([output('s20-30|/b', 'retract', 1)]);
      expect(raised).toEqual(['s0-10|/a', 's0-15|/a']);
    }
  });

  it('ignores early outputs by default, and raises on them (once) with onEarly: alert', async () => {
    const quiet: string[] = [];
    const quietSink = alertSink({ onAlert: (alert) => void quiet.push(alert.key) });
    await quietSink.write([output('k', 'early', 0)]);
    expect(quiet).toEqual([]);
    await quietSink.write([output('k', 'insert', 1)]);
    expect(quiet).toEqual(['k']);

    const eager: string[] = [];
    const eagerSink = alertSink({
      onAlert: (alert) => void eager.push(alert.key),
      onEarly: 'alert',
    });
    await eagerSink.write([output('k', 'early', 0), output('k', 'early', 1)]);
    await eagerSink.write([output('k', 'insert', 2)]);
    expect(eager).toEqual(['k']);
  });

  it('raises exactly what a brute-force model of bounded, expiring memory raises', async () => {
    const write = fc.record({
      advanceMs: fc.integer({ min: 0, max: 50 }),
      keys: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant(Number.POSITIVE_INFINITY)),
        fc.array(write, { maxLength: 20 }),
        async (maxRememberedKeys, rememberKeysMs, writes) => {
          const clock = manualClock(0);
          const raised: string[] = [];
          const sink = alertSink({
            onAlert: (alert) => void raised.push(alert.key),
            maxRememberedKeys,
            rememberKeysMs,
            clock,
          });
          // The model: keys with when they were first raised, oldest first.
          const remembered: { key: string; atMs: number }[] = [];
          const expected: string[] = [];
          for (const { advanceMs, keys } of writes) {
            clock.nowMs += advanceMs;
            for (const key of keys) {
              for (let i = remembered.length - 1; i >= 0; i--) {
                if (clock.nowMs - (remembered[i]?.atMs ?? 0) >= rememberKeysMs)
                  remembered.splice(i, 1);
              }
              if (remembered.some((entry) => entry.key === key)) continue;
              expected.push(key);
              remembered.push({ key, atMs: clock.nowMs });
              if (remembered.length > maxRememberedKeys) remembered.shift();
            }
            await sink.write(keys.map((key) => output(key)));
          }
          expect(raised).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets the oldest key past maxRememberedKeys', async () => {
    const raised: string[] = [];
    const sink = alertSink({
      onAlert: (alert) => void raised.push(alert.key),
      maxRememberedKeys: 3,
    });
    await sink.write(['k1', 'k2', 'k3', 'k4'].map((key) => output(key)));
    await sink.write(['k2', 'k3', 'k4', 'k1'].map((key) => output(key, 'update', 1)));
    // k1 was forgotten for k4; raising k1 again then pushed k2 out.
    expect(raised).toEqual(['k1', 'k2', 'k3', 'k4', 'k1']);
  });

  it('does not raise again after a restart when the keys are kept in dedupeFile', async () => {
    const dedupeFile = await tempFile();
    const clock = manualClock();
    const before: string[] = [];
    const first = alertSink({ onAlert: (alert) => void before.push(alert.key), dedupeFile, clock });
    await first.write([output('w1|/a'), output('w1|/b')]);
    await first.write([output('w2|/a')]);
    await first.close();
    expect(before).toEqual(['w1|/a', 'w1|/b', 'w2|/a']);

    // A new process replays the same window results, and one new one.
    const after: string[] = [];
    const second = alertSink({ onAlert: (alert) => void after.push(alert.key), dedupeFile, clock });
    await second.write([
      output('w1|/a'),
      output('w1|/b', 'update', 1),
      output('w2|/a'),
      output('w3|/a'),
    ]);
    expect(after).toEqual(['w3|/a']);

    // Past rememberKeysMs, a persisted key is forgotten like one in memory.
    const later: string[] = [];
    clock.nowMs += 2 * HOUR_MS;
    const third = alertSink({
      onAlert: (alert) => void later.push(alert.key),
      dedupeFile,
      clock,
      rememberKeysMs: HOUR_MS,
    });
    await third.write([output('w1|/a')]);
    expect(later).toEqual(['w1|/a']);
  });

  it('keeps dedupeFile within twice maxRememberedKeys lines, remembering the newest keys', async () => {
    const dedupeFile = await tempFile();
    const maxRememberedKeys = 5;
    const sink = alertSink({ onAlert: () => {}, dedupeFile, maxRememberedKeys });
    let longest = 0;
    for (let index = 0; index < 100; index++) {
      await sink.write([output(`k${index}`)]);
      const lines = (await readFile(dedupeFile, 'utf8')).split('\n').filter(Boolean).length;
      longest = Math.max(longest, lines);
    }
    expect(longest).toBeLessThanOrEqual(2 * maxRememberedKeys);

    const raised: string[] = [];
    const restarted = alertSink({
      onAlert: (alert) => void raised.push(alert.key),
      dedupeFile,
      maxRememberedKeys,
    });
    // Newest first: raising k94 makes room by forgetting k95, already checked by then.
    await restarted.write(['k99', 'k98', 'k97', 'k96', 'k95', 'k94'].map((key) => output(key)));
    expect(raised).toEqual(['k94']);
  });

  it('skips a line cut short by a crash and rewrites the file before appending', async () => {
    const dedupeFile = await tempFile();
    const nowMs = Date.now();
    await writeFile(dedupeFile, `${JSON.stringify(['a', nowMs])}\n["b",${nowMs}`);
    const raised: string[] = [];
    const sink = alertSink({ onAlert: (alert) => void raised.push(alert.key), dedupeFile });
    await sink.write([output('a'), output('b'), output('c')]);
    expect(raised).toEqual(['b', 'c']);

    const text = await readFile(dedupeFile, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as [string])[0]),
    ).toEqual(['a', 'b', 'c']);
  });

  it('ends a last line that lacks only its newline before appending', async () => {
    const dedupeFile = await tempFile();
    const nowMs = Date.now();
    await writeFile(dedupeFile, `${JSON.stringify(['a', nowMs])}\n${JSON.stringify(['b', nowMs])}`);
    const first = alertSink({ onAlert: () => {}, dedupeFile });
    await first.write([output('c')]);

    const raised: string[] = [];
    const restarted = alertSink({ onAlert: (alert) => void raised.push(alert.key), dedupeFile });
    await restarted.write([output('a'), output('b'), output('c'), output('d')]);
    expect(raised).toEqual(['d']);
  });

  it('rejects with SinkFailedError for alerts that failed, raises the rest, and raises the failed ones on retry', async () => {
    const raised: string[] = [];
    let failing = true;
    const cause = new Error('pager unreachable');
    const sink = alertSink({
      onAlert: async (alert) => {
        if (failing && alert.key === 'b') throw cause;
        raised.push(alert.key);
      },
    });
    const batch = [output('a'), output('b'), output('c')];
    const error = await sink.write(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkFailedError);
    expect((error as SinkFailedError).outputs).toEqual([batch[1]]);
    expect((error as SinkFailedError).cause).toBe(cause);
    expect(raised).toEqual(['a', 'c']);

    failing = false;
    await sink.write(batch);
    expect(raised).toEqual(['a', 'c', 'b']);
  });

  it('raises each key once when writes overlap', async () => {
    const raised: string[] = [];
    const sink = alertSink({
      onAlert: async (alert) => {
        await new Promise((resolve) => setImmediate(resolve));
        raised.push(alert.key);
      },
    });
    await Promise.all([
      sink.write([output('a'), output('b')]),
      sink.write([output('b'), output('a')]),
    ]);
    expect(raised).toEqual(['a', 'b']);
  });

  it('waits on close for writes in flight, closes once, and refuses writes after', async () => {
    const raised: string[] = [];
    const sink = alertSink({
      onAlert: async (alert) => {
        await new Promise((resolve) => setImmediate(resolve));
        raised.push(alert.key);
      },
    });
    const write = sink.write([output('a')]);
    const closing = sink.close();
    expect(sink.close()).toBe(closing);
    await closing;
    expect(raised).toEqual(['a']);
    await write;
    await expect(sink.write([output('b')])).rejects.toThrow(SinkClosedError);
  });

  it('refuses invalid options, naming each and its range', () => {
    const onAlert = () => {};
    expect(() => alertSink({} as never)).toThrow(/^onAlert: must be a function, got undefined$/);
    expect(() => alertSink({ onAlert, onEarly: 'page' as never })).toThrow(
      /^onEarly: must be one of 'ignore', 'alert', got "page"$/,
    );
    expect(() => alertSink({ onAlert, maxRememberedKeys: 0 })).toThrow(
      /^maxRememberedKeys: must be an integer from 1 to 10000000, got 0$/,
    );
    expect(() => alertSink({ onAlert, maxRememberedKeys: 1.5 })).toThrow(InvalidOptionError);
    expect(() => alertSink({ onAlert, rememberKeysMs: -1 })).toThrow(
      /^rememberKeysMs: must be a number of milliseconds greater than 0/,
    );
    expect(() => alertSink({ onAlert, dedupeFile: '' })).toThrow(
      /^dedupeFile: must be a file path, got ""$/,
    );
    expect(() => alertSink({ onAlert, clock: {} as never })).toThrow(/^clock: /);
  });
});
