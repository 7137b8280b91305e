import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { createStream, useLocalKinesis, waitFor } from '../../../tools/testing/local-kinesis.js';
import { CountingConsumer } from '../src/index.js';

const URLS = ['https://shop.example/', 'https://shop.example/pricing', 'https://blog.example/'];

async function putVisits(client: KinesisClient, streamName: string, from: number, to: number) {
  const records = [];
  for (let i = from; i < to; i++) {
    const visit = {
      visitId: `v${i}`,
      url: URLS[i % URLS.length],
      visitorId: 'u',
      timestamp: Date.now(),
    };
    records.push({ PartitionKey: visit.url, Data: Buffer.from(JSON.stringify(visit)) });
  }
  const { FailedRecordCount } = await client.send(
    new PutRecordsCommand({ StreamName: streamName, Records: records }),
  );
  expect(FailedRecordCount).toBe(0);
}

describe('the counting consumer: state saved, then checkpoint', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const directory = mkdtempSync(join(tmpdir(), 'visitor-counting-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** Counts 100 visits and commits, keeping copies of that commit's files; then 100 more. */
  async function twoCommits(name: string) {
    const streamName = await createStream(local.client, 2);
    const paths = {
      statePath: join(directory, `${name}.counter.json`),
      checkpointPath: join(directory, `${name}.checkpoints.json`),
    };
    const start = () =>
      CountingConsumer.start({
        client: local.client,
        streamName,
        ...paths,
        commitIntervalMs: 60_000, // commits only when the test says
        pollIntervalMs: 200,
      });
    const consuming = await start();
    await putVisits(local.client, streamName, 0, 100);
    await waitFor(() => consuming.counter.stats.counted === 100, 'the first 100 visits');
    await consuming.commit();
    copyFileSync(paths.statePath, `${paths.statePath}.first`);
    copyFileSync(paths.checkpointPath, `${paths.checkpointPath}.first`);
    await putVisits(local.client, streamName, 100, 200);
    await waitFor(() => consuming.counter.stats.counted === 200, 'the next 100 visits');
    await consuming.commit();
    await consuming.stop();
    return { paths, start };
  }

  function expectExact(consuming: CountingConsumer) {
    expect(consuming.counter.stats.counted).toBe(200);
    expect(URLS.map((url) => consuming.counter.visitors(url))).toEqual([67, 67, 66]);
  }

  it('recognises by visitId what a crash after the state, before the checkpoint, re-delivers', {
    timeout: 20_000,
  }, async () => {
    const { paths, start } = await twoCommits('after-state');
    // The crash: the second state is on disk, its checkpoint is not.
    copyFileSync(`${paths.checkpointPath}.first`, paths.checkpointPath);
    const consuming = await start();
    try {
      expect(consuming.counter.stats.counted).toBe(200);
      await waitFor(
        () => consuming.counter.stats.duplicates === 100,
        'the re-delivered 100 visits',
      );
      expectExact(consuming);
    } finally {
      await consuming.stop();
    }
  });

  it('counts once what a crash before the state was saved re-delivers', {
    timeout: 20_000,
  }, async () => {
    const { paths, start } = await twoCommits('before-state');
    // The crash: neither the second state nor its checkpoint is on disk.
    copyFileSync(`${paths.statePath}.first`, paths.statePath);
    copyFileSync(`${paths.checkpointPath}.first`, paths.checkpointPath);
    const consuming = await start();
    try {
      expect(consuming.counter.stats.counted).toBe(100);
      await waitFor(() => consuming.counter.stats.counted === 200, 'the re-delivered 100 visits');
      expectExact(consuming);
      expect(consuming.counter.stats.duplicates).toBe(0);
    } finally {
      await consuming.stop();
    }
  });

  it('refuses checkpoints without a counter state', async () => {
    const streamName = await createStream(local.client, 1);
    const checkpointPath = join(directory, 'orphan.checkpoints.json');
    // Checkpoints of its own (no file of another test): a commit, then the state removed.
    const paths = { statePath: join(directory, 'orphan.counter.json'), checkpointPath };
    const consuming = await CountingConsumer.start({
      client: local.client,
      streamName,
      ...paths,
      commitIntervalMs: 60_000,
      pollIntervalMs: 200,
    });
    await putVisits(local.client, streamName, 0, 3);
    await waitFor(() => consuming.counter.stats.counted === 3, 'the 3 visits');
    await consuming.stop();
    expect(existsSync(checkpointPath)).toBe(true);
    rmSync(paths.statePath);
    await expect(
      CountingConsumer.start({
        client: local.client,
        streamName,
        statePath: join(directory, 'orphan.counter.json'),
        checkpointPath,
      }),
    ).rejects.toMatchObject({ code: 'StateMissing' });
  });
});
