import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { kinesisClient, useLocalKinesis, waitFor } from '../../../tools/testing/local-kinesis.js';
import { startVisitorDemo, type VisitorDemo, type VisitorDemoOptions } from '../src/index.js';
import { distinctVisitsPerUrl, getJson } from './support/demo.js';

describe('the visitor demo, end to end on a durable local endpoint', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-'));
  const running: VisitorDemo[] = [];
  afterAll(async () => {
    for (const demo of running) await demo.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  const options: VisitorDemoOptions = {
    dataDir,
    ratePerSec: 400,
    urlCount: 50,
    localLimits: 'off',
    commitIntervalMs: 200,
    dashboardIntervalMs: 200,
    alertThreshold: 50,
  };

  it('counts every visit sent exactly once, and a restart continues from the checkpoint', {
    timeout: 30_000,
  }, async () => {
    const first = await startVisitorDemo({ ...options, durationMs: 1500, seed: 1 });
    running.push(first);
    const summary = await first.finished;
    expect(summary).toMatchObject({ missing: 0, duplicates: 0, drained: true });
    expect(summary.consumerError).toBeUndefined();
    expect(summary.sent).toBeGreaterThan(300);
    expect(summary.counted).toBe(summary.sent);
    const afterFirst = summary.sent;
    // The SQL window counts add up to the totals, URL by URL.
    const leaders = first.top(50);
    for (const { url, visitors } of leaders) {
      expect(first.windowsOf(url).reduce((sum, window) => sum + window.visitors, 0)).toBe(visitors);
    }
    // The alarm query fired for the leaders, once per window and URL, each over the threshold.
    const alerts = first.alerts();
    expect(alerts.length).toBeGreaterThan(0);
    expect(summary.analytics).toMatchObject({
      alertsRaised: alerts.length,
      lateVisits: 0,
      errors: 0,
      failure: undefined,
    });
    expect(new Set(alerts.map((a) => `${a.windowStartMs} ${a.url}`)).size).toBe(alerts.length);
    for (const alert of alerts) {
      expect(alert.visits).toBeGreaterThan(50);
      const window = first.windowsOf(alert.url).find((w) => w.startMs === alert.windowStartMs);
      expect(window?.visitors).toBeGreaterThan(50);
    }

    const second = await startVisitorDemo({ ...options, seed: 2 });
    running.push(second);
    // The counts of the first run are back before anything new arrives.
    expect(second.reconcile().counted).toBe(afterFirst);
    await waitFor(() => second.stats().counted > afterFirst + 200, 'the second run to count');

    // The HTTP API answers from the same counts.
    const [leader] = second.top(1);
    expect(leader).toBeDefined();
    const byUrl = await getJson(
      `${second.dashboardUrl}/api/urls/${encodeURIComponent(leader?.url ?? '')}`,
    );
    expect(byUrl.status).toBe(200);
    expect(byUrl.body).toMatchObject({ url: leader?.url, windowMs: 10_000 });
    // The windows in progress at the restart were kept: they start before this run did.
    expect((byUrl.body as { windowsFromMs: unknown }).windowsFromMs).toEqual(expect.any(Number));
    const top = await getJson(`${second.dashboardUrl}/api/top?n=3`);
    expect((top.body as { top: unknown[] }).top).toHaveLength(3);
    expect((await getJson(`${second.dashboardUrl}/api/top?n=0`)).status).toBe(400);
    const nobody = await getJson(
      `${second.dashboardUrl}/api/urls/${encodeURIComponent('https://nobody.example/')}`,
    );
    expect(nobody.body).toMatchObject({ visitors: 0 });
    const reconciliation = await getJson(`${second.dashboardUrl}/api/reconcile`);
    expect(reconciliation.body).toMatchObject({ duplicates: 0 });
    const alarms = await getJson(`${second.dashboardUrl}/api/alerts`);
    expect(alarms.body).toMatchObject({ threshold: 50, windowMs: 10_000 });
    const queries = (await getJson(`${second.dashboardUrl}/api/queries`)).body as {
      windowCounts: string;
      hotUrls: string;
    };
    expect(queries.windowCounts).toMatch(/TUMBLE\(TABLE visits, DESCRIPTOR\(visit_time\)/);
    expect(queries.hotUrls).toMatch(/HAVING COUNT\(\*\) > 50;$/);

    const endpoint = second.kinesisEndpoint as string;
    const final = await second.stop();
    expect(final).toMatchObject({ missing: 0, duplicates: 0, drained: true });
    expect(final.sent).toBeGreaterThan(afterFirst + 200);

    // Across both runs: what the stream holds, each visit once, is what was counted.
    const third = await startVisitorDemo({ ...options, simulator: false });
    running.push(third);
    const client = kinesisClient(third.kinesisEndpoint as string);
    try {
      expect(third.kinesisEndpoint).not.toBe(endpoint);
      const stream = await distinctVisitsPerUrl(client, third.streamName);
      expect(stream.distinct).toBe(final.sent);
      for (const [url, visits] of stream.perUrl) expect(third.visitors(url)).toBe(visits);
      expect(third.stats().counted).toBe(final.sent);
    } finally {
      client.destroy();
      await third.stop();
    }
  });
});

describe('the visitor demo against another Kinesis (AWS mode)', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-aws-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts no endpoint, and creates the stream only when asked to', {
    timeout: 30_000,
  }, async () => {
    const base = {
      dataDir,
      kinesis: 'aws',
      client: local.client,
      streamName: 'aws-visits',
    } as const;
    await expect(startVisitorDemo(base)).rejects.toMatchObject({
      name: 'VisitorDemoError',
      code: 'StreamNotFound',
    });
    const demo = await startVisitorDemo({
      ...base,
      createStream: true,
      ratePerSec: 300,
      urlCount: 20,
      durationMs: 1000,
    });
    expect(demo.kinesisEndpoint).toBeUndefined();
    const summary = await demo.finished;
    expect(summary).toMatchObject({ missing: 0, duplicates: 0, drained: true });
    const stream = await distinctVisitsPerUrl(local.client, 'aws-visits');
    expect(stream.distinct).toBe(summary.sent);
    expect(demo.snapshot().shardSource).toBe('producer');
  });
});

describe('the state dir: one demo at a time, and only for its own stream', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-state-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const quiet = { simulator: false, localLimits: 'off', drainTimeoutMs: 2_000 } as const;

  it('refuses a second demo on the same data dir (local mode), and a lost endpoint', {
    timeout: 30_000,
  }, async () => {
    const first = await startVisitorDemo({ ...quiet, dataDir });
    try {
      await expect(startVisitorDemo({ ...quiet, dataDir })).rejects.toMatchObject({
        name: 'VisitorDemoError',
        code: 'StateDirLocked',
        message: expect.stringContaining(`in use by process ${process.pid}`),
      });
    } finally {
      await first.stop();
    }
    // Released on stop: the same folder starts again.
    await (await startVisitorDemo({ ...quiet, dataDir })).stop();

    // The endpoint's data is lost: the stream it creates again is another stream.
    rmSync(join(dataDir, 'kinesis'), { recursive: true, force: true });
    const refused = startVisitorDemo({ ...quiet, dataDir });
    await expect(refused).rejects.toMatchObject({ code: 'StreamMismatch' });
    await expect(refused).rejects.toThrow(`Delete the folder ${dataDir}`);
    // Refused before anything was started or written; and the lock is released.
    await expect(startVisitorDemo({ ...quiet, dataDir })).rejects.toMatchObject({
      code: 'StreamMismatch',
    });
  });
});

describe('the state dir in AWS mode', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-aws-state-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is keyed by region and endpoint, locked, and refused for a recreated stream', {
    timeout: 30_000,
  }, async () => {
    const base = {
      dataDir,
      kinesis: 'aws',
      client: local.client,
      streamName: 'aws-state',
      createStream: true,
      simulator: false,
      drainTimeoutMs: 2_000,
    } as const;
    const first = await startVisitorDemo(base);
    try {
      await expect(startVisitorDemo(base)).rejects.toMatchObject({ code: 'StateDirLocked' });
    } finally {
      await first.stop();
    }
    const port = new URL(local.kinesis.endpoint).port;
    const stateDir = join(dataDir, 'aws', `us-east-1@127.0.0.1_${port}`);
    expect(existsSync(join(stateDir, 'aws-state.stream.json'))).toBe(true);

    // Another region of the same endpoint: another state dir, nothing refused.
    const other = new KinesisClient({
      endpoint: local.kinesis.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      await (await startVisitorDemo({ ...base, client: other })).stop();
    } finally {
      other.destroy();
    }
    expect(readdirSync(join(dataDir, 'aws')).sort()).toEqual([
      `eu-west-1@127.0.0.1_${port}`,
      `us-east-1@127.0.0.1_${port}`,
    ]);

    // The stream deleted and created again under the same name.
    const created = async () =>
      (
        await local.client.send(new DescribeStreamSummaryCommand({ StreamName: 'aws-state' }))
      ).StreamDescriptionSummary?.StreamCreationTimestamp?.getTime();
    const before = await created();
    await local.client.send(new DeleteStreamCommand({ StreamName: 'aws-state' }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await local.client.send(
          new CreateStreamCommand({ StreamName: 'aws-state', ShardCount: 1 }),
        );
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(await created()).not.toBe(before);
    const refused = startVisitorDemo(base);
    await expect(refused).rejects.toMatchObject({ code: 'StreamMismatch' });
    await expect(refused).rejects.toThrow(`Delete the folder ${stateDir}`);
  });
});
