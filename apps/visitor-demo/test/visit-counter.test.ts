import { describe, expect, it } from 'vitest';
import { reconcile, VisitCounter } from '../src/index.js';
import { visitRecord } from './support/records.js';

const T0 = Date.UTC(2026, 10, 26, 2, 0, 0);
const A = 'https://shop.example/';
const B = 'https://shop.example/pricing';

describe('VisitCounter', () => {
  it('counts each visitId once, whether repeated in a batch or in a later one', () => {
    const counter = new VisitCounter();
    counter.apply('shard-0', [
      visitRecord({ visitId: 'v1', url: A }, T0),
      visitRecord({ visitId: 'v2', url: A }, T0),
      visitRecord({ visitId: 'v1', url: A }, T0 + 5),
      visitRecord({ visitId: 'v3', url: B }, T0 + 5),
    ]);
    counter.apply('shard-0', [visitRecord({ visitId: 'v2', url: A }, T0 + 900)]);
    expect(counter.visitors(A)).toBe(2);
    expect(counter.visitors(B)).toBe(1);
    expect(counter.visitors('https://nobody.example/')).toBe(0);
    expect(counter.stats).toMatchObject({ counted: 3, duplicates: 2, urls: 2 });
    expect(counter.top(1)).toEqual([{ url: A, visitors: 2 }]);
  });

  it('hands on each visit counted once, with its timestamp (ISO or epoch ms), for the windows', () => {
    const counter = new VisitCounter();
    const rows = counter.apply('shard-0', [
      visitRecord({ visitId: 'v1', url: A, timestamp: T0 + 1_000 }, T0 + 12_000),
      visitRecord(
        { visitId: 'v2', url: A, timestamp: new Date(T0 + 9_999).toISOString() },
        T0 + 12_000,
      ),
      visitRecord({ visitId: 'v1', url: A, timestamp: T0 + 1_000 }, T0 + 12_000),
      visitRecord({ visitId: 'v3', url: B, timestamp: T0 + 10_000 }, T0 + 12_000),
    ]);
    expect(rows).toEqual([
      { url: A, visit_time: T0 + 1_000 },
      { url: A, visit_time: T0 + 9_999 },
      { url: B, visit_time: T0 + 10_000 },
    ]);
  });

  it('keeps a visit with a far-future timestamp in the totals but out of the windows', () => {
    const counter = new VisitCounter();
    const rows = counter.apply('shard-0', [
      visitRecord({ visitId: 'v1', url: A, timestamp: T0 + 3_600_000 }, T0),
      visitRecord({ visitId: 'v2', url: A, timestamp: T0 }, T0),
    ]);
    expect(counter.visitors(A)).toBe(2);
    expect(rows).toEqual([{ url: A, visit_time: T0 }]);
    expect(counter.stats.outOfWindow).toBe(1);
  });

  it('keeps the visits of the windows in progress in its state, for a restart', () => {
    const counter = new VisitCounter();
    // Windows of 10 s; arrivals up to T0 + 35 s: the windows from T0 + 10 s are kept (3).
    const records = [0, 5_000, 12_000, 25_000, 31_000, 35_000].map((offset, i) =>
      visitRecord({ visitId: `v${i}`, url: i % 2 === 0 ? A : B }, T0 + offset),
    );
    counter.apply('shard-0', records);
    const { body } = counter.beginCommit();
    const restored = VisitCounter.restore(JSON.parse(JSON.stringify(body)));
    expect(restored.windowsFromMs).toBe(T0 + 10_000);
    expect(restored.restoredVisits()).toEqual([
      { url: A, visit_time: T0 + 12_000 },
      { url: B, visit_time: T0 + 25_000 },
      { url: A, visit_time: T0 + 31_000 },
      { url: B, visit_time: T0 + 35_000 },
    ]);
    // A visit of a window not kept (in doubt, say, sent again) is counted, in no window.
    const rows = restored.apply('shard-0', [
      visitRecord({ visitId: 'late', url: A, timestamp: T0 + 9_000 }, T0 + 36_000),
      visitRecord({ visitId: 'new', url: A }, T0 + 36_000),
    ]);
    expect(rows).toEqual([{ url: A, visit_time: T0 + 36_000 }]);
    expect(restored.visitors(A)).toBe(5);
    expect(restored.stats.outOfWindow).toBe(1);
  });

  it('skips records that are not visits', () => {
    const counter = new VisitCounter();
    const junk = { ...visitRecord({ visitId: 'x', url: A }, T0), data: new Uint8Array([1, 2]) };
    counter.apply('shard-0', [junk, visitRecord({ visitId: 'v1', url: A }, T0)]);
    expect(counter.stats).toMatchObject({ counted: 1, undecodable: 1 });
  });

  it('forgets a visitId only once its commit is durable and the shard moved past the horizon', () => {
    const counter = new VisitCounter({ dedupeHorizonMs: 1_000 });
    counter.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0)]);
    // Far past the horizon, but not checkpointed: a restart would re-deliver v1.
    counter.apply('shard-0', [visitRecord({ visitId: 'v2', url: A }, T0 + 60_000)]);
    const first = counter.beginCommit();
    expect(counter.stats.rememberedVisitIds).toBe(2);
    counter.commitDurable(first.generation);
    counter.beginCommit();
    expect(counter.stats.rememberedVisitIds).toBe(1);
    // v2 is checkpointed but within the horizon of its shard: still remembered.
    counter.apply('shard-0', [visitRecord({ visitId: 'v2', url: A }, T0 + 60_500)]);
    expect(counter.stats).toMatchObject({ counted: 2, duplicates: 1 });
  });

  it('uses each shard own arrival time for the horizon', () => {
    const counter = new VisitCounter({ dedupeHorizonMs: 1_000 });
    counter.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0)]);
    counter.commitDurable(counter.beginCommit().generation);
    // Another shard far ahead (after a pause, say) does not age shard-0's visitIds.
    counter.apply('shard-1', [visitRecord({ visitId: 'w1', url: B }, T0 + 3_600_000)]);
    counter.commitDurable(counter.beginCommit().generation);
    counter.beginCommit();
    counter.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0 + 10)]);
    expect(counter.stats.duplicates).toBe(1);
  });

  it('bounds the remembered visitIds, forgetting the oldest checkpointed ones first', () => {
    const counter = new VisitCounter({ maxRememberedVisitIds: 3 });
    for (let i = 0; i < 5; i++) {
      counter.apply('shard-0', [visitRecord({ visitId: `v${i}`, url: A }, T0 + i)]);
    }
    counter.commitDurable(counter.beginCommit().generation);
    counter.beginCommit();
    expect(counter.stats).toMatchObject({ rememberedVisitIds: 3, forgottenEarly: 2 });
    counter.apply('shard-0', [visitRecord({ visitId: 'v4', url: A }, T0 + 10)]);
    expect(counter.stats.duplicates).toBe(1);
  });

  it('restores a committed state that still recognises re-delivered visits', () => {
    const counter = new VisitCounter();
    counter.apply('shard-0', [
      visitRecord({ visitId: 'v1', url: A }, T0),
      visitRecord({ visitId: 'v2', url: '__proto__' }, T0),
    ]);
    const { body } = counter.beginCommit();
    const restored = VisitCounter.restore(JSON.parse(JSON.stringify(body)));
    restored.apply('shard-0', [
      visitRecord({ visitId: 'v1', url: A }, T0),
      visitRecord({ visitId: 'v3', url: A }, T0 + 1),
    ]);
    expect(restored.visitors(A)).toBe(2);
    expect(restored.visitors('__proto__')).toBe(1);
    expect(restored.stats).toMatchObject({ counted: 3, duplicates: 1 });
    expect(() => VisitCounter.restore({ totals: 'nope' })).toThrow(/malformed/);
  });
});

describe('VisitCounter after a restart', () => {
  const MINUTE = 60_000;

  it('counts once an in-doubt visit sent again long after a crash, then delivered again', () => {
    const clock = { now: T0 };
    const now = () => clock.now;
    // Before the crash: v1 and v2 (one in-doubt batch) arrived and were counted and saved.
    const before = new VisitCounter({ now });
    const originals = [
      visitRecord({ visitId: 'v1', url: A }, T0),
      visitRecord({ visitId: 'v2', url: A }, T0),
    ];
    before.apply('shard-0', originals);
    const { body } = before.beginCommit();

    // The restart, 10 minutes later; the simulator sends the batch again.
    clock.now = T0 + 10 * MINUTE;
    const after = VisitCounter.restore(JSON.parse(JSON.stringify(body)), { now });
    after.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0 + 10 * MINUTE)]);
    // A commit and the next one: the shard's arrival time is 10 minutes past the originals.
    after.commitDurable(after.beginCommit().generation);
    after.commitDurable(after.beginCommit().generation);
    after.beginCommit();
    // The copies read after that: the resent v2, and the original v2 delivered again.
    after.apply('shard-0', [visitRecord({ visitId: 'v2', url: A }, T0 + 10 * MINUTE)]);
    after.apply('shard-0', [originals[1] as (typeof originals)[number]]);
    expect(after.visitors(A)).toBe(2);
    expect(after.stats).toMatchObject({ counted: 2, duplicates: 3 });

    // Once the resends are settled, the horizon runs from then, by arrivals after it.
    clock.now = T0 + 11 * MINUTE;
    after.resendsSettled();
    after.apply('shard-0', [visitRecord({ visitId: 'v3', url: B }, T0 + 11 * MINUTE + 30_000)]);
    after.commitDurable(after.beginCommit().generation);
    after.beginCommit();
    expect(after.stats.rememberedVisitIds).toBe(3);
    after.apply('shard-0', [visitRecord({ visitId: 'v4', url: B }, T0 + 12 * MINUTE + 1)]);
    after.commitDurable(after.beginCommit().generation);
    after.beginCommit();
    expect(after.stats.rememberedVisitIds).toBe(2);
  });

  it('keeps restored visitIds until the shard is read again past the state', () => {
    const clock = { now: T0 + 3 * MINUTE };
    const now = () => clock.now;
    const before = new VisitCounter({ now });
    const early = visitRecord({ visitId: 'v1', url: A }, T0);
    const late = visitRecord({ visitId: 'v2', url: A }, T0 + 2 * MINUTE);
    before.apply('shard-0', [early]);
    before.apply('shard-0', [late]);
    // Saved with both; the crash came before the checkpoint of either.
    const { body } = before.beginCommit();
    const after = VisitCounter.restore(JSON.parse(JSON.stringify(body)), { now });
    after.resendsSettled(); // nothing was in doubt
    expect(after.pendingPosition('shard-0')).toEqual({ sequenceNumber: late.sequenceNumber });
    // The first commit after the restart, before the consumer re-read anything.
    after.commitDurable(after.beginCommit().generation);
    after.beginCommit();
    after.apply('shard-0', [early]);
    after.apply('shard-0', [late]);
    expect(after.pendingPosition('shard-0')).toBeUndefined();
    expect(after.stats).toMatchObject({ counted: 2, duplicates: 2 });
    expect(after.visitors(A)).toBe(2);
  });

  it('holds visitIds of in-doubt batches that arrive after the restart', () => {
    const clock = { now: T0 };
    const counter = new VisitCounter({ now: () => clock.now });
    counter.holdUntilSettled(['v1']);
    counter.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0 + 1)]);
    counter.apply('shard-0', [visitRecord({ visitId: 'v9', url: A }, T0 + 10 * MINUTE)]);
    counter.commitDurable(counter.beginCommit().generation);
    counter.beginCommit();
    counter.apply('shard-0', [visitRecord({ visitId: 'v1', url: A }, T0 + 10 * MINUTE)]);
    expect(counter.visitors(A)).toBe(2);
  });
});

describe('reconcile', () => {
  it('allows a URL up to its visits in doubt more than were sent', () => {
    const result = reconcile(new Map([[A, 3]]), new Map([[A, 5]]), new Map([[A, 2]]));
    expect(result).toMatchObject({ missing: 0, duplicates: 0, inDoubt: 2 });
    expect(reconcile(new Map([[A, 3]]), new Map([[A, 6]]), new Map([[A, 2]])).duplicates).toBe(1);
  });

  it('reports missing and duplicate visits per URL, and visits of URLs never sent', () => {
    const sent = new Map([
      [A, 3],
      [B, 2],
    ]);
    const counted = new Map([
      [A, 2],
      [B, 3],
      ['https://other.example/', 4],
    ]);
    expect(reconcile(sent, counted)).toEqual({
      sent: 5,
      counted: 5,
      missing: 1,
      duplicates: 1,
      inDoubt: 0,
      unledgered: 4,
      urlCount: 2,
      urls: [
        { url: A, sent: 3, counted: 2 },
        { url: B, sent: 2, counted: 3 },
      ],
    });
  });
});
