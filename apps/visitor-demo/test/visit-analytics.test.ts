import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { seededRandom } from '@kinesis-kit/records';
import { afterAll, describe, expect, it } from 'vitest';
import { createStream, useLocalKinesis, waitFor } from '../../../tools/testing/local-kinesis.js';
import { CountingConsumer, VisitAnalytics } from '../src/index.js';

const A = 'https://shop.example/';
const B = 'https://shop.example/pricing';
const WINDOW_MS = 10_000;

interface Visit {
  readonly visitId: string;
  readonly url: string;
  readonly timestamp: number;
}

/** Puts each visit (a retried write: `copies` times), as the gateway would write it. */
async function putVisits(
  client: KinesisClient,
  streamName: string,
  visits: readonly Visit[],
  copies = 1,
) {
  for (let from = 0; from < visits.length; from += 250) {
    const records = visits.slice(from, from + 250).flatMap((visit) =>
      Array.from({ length: copies }, () => ({
        PartitionKey: visit.url,
        Data: Buffer.from(JSON.stringify({ ...visit, visitorId: 'u' })),
      })),
    );
    const { FailedRecordCount } = await client.send(
      new PutRecordsCommand({ StreamName: streamName, Records: records }),
    );
    expect(FailedRecordCount).toBe(0);
  }
}

/** The windows an exact count must show: each visitId once, by its timestamp. */
function bruteForce(visits: readonly Visit[]): Map<string, Map<number, number>> {
  const unique = new Map(visits.map((visit) => [visit.visitId, visit]));
  const perUrl = new Map<string, Map<number, number>>();
  for (const { url, timestamp } of unique.values()) {
    const start = Math.floor(timestamp / WINDOW_MS) * WINDOW_MS;
    let windows = perUrl.get(url);
    if (windows === undefined) {
      windows = new Map();
      perUrl.set(url, windows);
    }
    windows.set(start, (windows.get(start) ?? 0) + 1);
  }
  return perUrl;
}

describe('the window counts and alarms, as SQL over the counting consumer', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const directory = mkdtempSync(join(tmpdir(), 'visitor-analytics-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** A consumer feeding both queries, on state files named `name`. */
  async function start(streamName: string, name: string, alertThreshold: number) {
    const analytics = VisitAnalytics.start({
      alertThreshold,
      earlyResultsIntervalMs: 100,
      alertKeysPath: join(directory, `${name}.alerts.keys`),
    });
    const consuming = await CountingConsumer.start({
      client: local.client,
      streamName,
      statePath: join(directory, `${name}.counter.json`),
      checkpointPath: join(directory, `${name}.checkpoints.json`),
      commitIntervalMs: 60_000, // commits only on stop
      pollIntervalMs: 200,
      onVisits: (visits) => analytics.feed(visits),
    });
    const stop = async () => {
      await consuming.stop();
      await analytics.stop();
    };
    return { analytics, consuming, stop };
  }

  it('raises an alarm for a URL over the threshold and not under it, once per window and URL, across re-delivery', {
    timeout: 30_000,
  }, async () => {
    const streamName = await createStream(local.client, 2);
    // The window before the current one and the current one: both kept across a restart.
    const previous = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - WINDOW_MS;
    const visits: Visit[] = [];
    const add = (url: string, count: number, start: number) => {
      for (let i = 0; i < count; i++) {
        visits.push({ visitId: `${url}-${start}-${i}`, url, timestamp: start + i * 100 });
      }
    };
    add(A, 6, previous); // over 4
    add(B, 4, previous); // at 4: not over
    add(A, 3, previous + WINDOW_MS);
    add(B, 5, previous + WINDOW_MS); // over 4

    const first = await start(streamName, 'alarms', 4);
    // Every visit written twice (a retried PutRecords): the copies are not counted.
    await putVisits(local.client, streamName, visits, 2);
    await waitFor(
      () => first.consuming.counter.stats.duplicates === visits.length,
      'every visit and its copy',
    );
    await waitFor(() => first.analytics.alerts().length === 2, 'two alarms');
    await first.stop();
    const alarms = first.analytics
      .alerts()
      .map(({ url, windowStartMs, windowEndMs }) => ({ url, windowStartMs, windowEndMs }));
    expect(alarms).toHaveLength(2);
    expect(alarms).toEqual(
      expect.arrayContaining([
        { url: A, windowStartMs: previous, windowEndMs: previous + WINDOW_MS },
        { url: B, windowStartMs: previous + WINDOW_MS, windowEndMs: previous + 2 * WINDOW_MS },
      ]),
    );
    expect(first.analytics.stats()).toMatchObject({ alertsRaised: 2, lateVisits: 0, errors: 0 });
    expect(first.analytics.windowsOf(A)).toEqual([
      { startMs: previous, visitors: 6 },
      { startMs: previous + WINDOW_MS, visitors: 3 },
    ]);

    // A crash that lost the checkpoints: the restart reads the whole stream again. Its windows
    // come back from the state, the re-delivered visits are recognised, and no alarm is raised
    // again (the alert sink remembers the windows and URLs it alerted, in its file).
    rmSync(join(directory, 'alarms.checkpoints.json'));
    expect(existsSync(join(directory, 'alarms.alerts.keys'))).toBe(true);
    const second = await start(streamName, 'alarms', 4);
    try {
      await waitFor(
        () => second.consuming.counter.stats.duplicates === 3 * visits.length,
        'the stream read again',
      );
    } finally {
      await second.stop();
    }
    expect(second.analytics.stats()).toMatchObject({ alertsRaised: 0, lateVisits: 0 });
    expect(second.analytics.alerts()).toEqual([]);
    expect(second.analytics.windowsOf(A)).toEqual([
      { startMs: previous, visitors: 6 },
      { startMs: previous + WINDOW_MS, visitors: 3 },
    ]);
    expect(second.analytics.windowsOf(B)).toEqual([
      { startMs: previous, visitors: 4 },
      { startMs: previous + WINDOW_MS, visitors: 5 },
    ]);
  });

  it('counts per window exactly the visits sent, each visitId once (brute force)', {
    timeout: 30_000,
  }, async () => {
    const streamName = await createStream(local.client, 2);
    const random = seededRandom(7);
    const urls = Array.from({ length: 12 }, (_, i) => `https://shop.example/p/${i}`);
    const now = Date.now();
    const visits: Visit[] = [];
    for (let i = 0; i < 3000; i++) {
      visits.push({
        visitId: `v${i}`,
        url: urls[Math.floor(random() ** 2 * urls.length)] as string,
        // Over the last minute, out of order.
        timestamp: now - Math.floor(random() * 60_000),
      });
    }
    // Some visits written again later (retries), mixed in with the rest.
    const retried = visits.filter((_, i) => i % 7 === 0);
    const run = await start(streamName, 'brute-force', 1_000_000);
    await putVisits(local.client, streamName, [...visits.slice(0, 1500), ...retried]);
    await putVisits(local.client, streamName, visits.slice(1500));
    await waitFor(
      () => run.consuming.counter.stats.counted === visits.length,
      'every visit counted',
    );
    await run.stop();
    const expected = bruteForce(visits);
    let windowed = 0;
    for (const url of urls) {
      const windows = run.analytics.windowsOf(url);
      expect(windows).toEqual(
        [...(expected.get(url) ?? new Map<number, number>())]
          .sort(([a], [b]) => a - b)
          .map(([startMs, visitors]) => ({ startMs, visitors })),
      );
      // The windows add up to the URL's total.
      const sum = windows.reduce((total, window) => total + window.visitors, 0);
      expect(sum).toBe(run.consuming.counter.visitors(url));
      windowed += sum;
    }
    expect(windowed).toBe(visits.length);
    expect(run.consuming.counter.stats).toMatchObject({
      duplicates: retried.length,
      outOfWindow: 0,
    });
    expect(run.analytics.stats()).toMatchObject({ lateVisits: 0, errors: 0, alertsRaised: 0 });
  });
});
