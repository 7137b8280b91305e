import type { QueryOutput } from '@kinesis-kit/analytics';
import { describe, expect, it } from 'vitest';
import type { VisitRow } from '../src/index.js';
import { VisitFeed } from '../src/visit-feed.js';
import { WindowCounts } from '../src/window-counts.js';

const A = 'https://shop.example/';
const T0 = Date.UTC(2026, 10, 26, 2, 0, 0);

function rows(count: number): VisitRow[] {
  return Array.from({ length: count }, (_, i) => ({ url: A, visit_time: T0 + i }));
}

describe('VisitFeed', () => {
  it('hands every batch to every reader, and makes the writer wait while a reader is behind', async () => {
    const feed = new VisitFeed(10);
    const fast = feed.reader()[Symbol.asyncIterator]();
    const slow = feed.reader()[Symbol.asyncIterator]();
    expect(feed.push(rows(6))).toBeUndefined();
    const waiting = feed.push(rows(6));
    expect(waiting).toBeInstanceOf(Promise);
    let released = false;
    void waiting?.then(() => {
      released = true;
    });
    await fast.next();
    await fast.next();
    await Promise.resolve();
    expect(released).toBe(false);
    expect((await slow.next()).value).toHaveLength(6);
    await waiting;
    expect(released).toBe(true);
    feed.end();
    expect(await slow.next()).toMatchObject({ done: false });
    expect(await slow.next()).toMatchObject({ done: true });
  });

  it('holds nothing back for a reader that stopped', async () => {
    const feed = new VisitFeed(10);
    const reader = feed.reader();
    expect(feed.push(rows(20))).toBeInstanceOf(Promise);
    reader.close();
    expect(feed.push(rows(20))).toBeUndefined();
  });
});

describe('WindowCounts', () => {
  const output = (
    startMs: number,
    visits: number,
    revision: number,
    kind: QueryOutput['kind'] = 'early',
  ): QueryOutput => ({
    stream: 'RESULT',
    kind,
    revision,
    key: `${startMs}|${A}`,
    row: {
      window_start: new Date(startMs),
      window_end: new Date(startMs + 10_000),
      url: A,
      visits,
    },
  });

  it('keeps the latest revision of each window, and drops windows past the retention', () => {
    const counts = new WindowCounts({ retentionMs: 20_000 });
    counts.apply([output(T0, 5, 0), output(T0, 9, 2, 'insert'), output(T0, 7, 1)]);
    expect(counts.windowsOf(A)).toEqual([{ startMs: T0, visitors: 9 }]);
    expect(counts.isFinal(T0, A)).toBe(true);
    counts.apply([output(T0 + 10_000, 3, 0)]);
    expect(counts.isFinal(T0 + 10_000, A)).toBe(false);
    counts.apply([output(T0 + 30_000, 1, 0)]);
    expect(counts.windowsOf(A).map((w) => w.startMs)).toEqual([T0 + 10_000, T0 + 30_000]);
    expect(counts.newestStarts(1)).toEqual([T0 + 30_000]);
  });
});
