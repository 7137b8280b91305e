import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const top = await getJson(`${second.dashboardUrl}/api/top?n=3`);
    expect((top.body as { top: unknown[] }).top).toHaveLength(3);
    expect((await getJson(`${second.dashboardUrl}/api/top?n=0`)).status).toBe(400);
    const nobody = await getJson(
      `${second.dashboardUrl}/api/urls/${encodeURIComponent('https://nobody.example/')}`,
    );
    expect(nobody.body).toMatchObject({ visitors: 0 });
    const reconciliation = await getJson(`${second.dashboardUrl}/api/reconcile`);
    expect(reconciliation.body).toMatchObject({ duplicates: 0 });

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
