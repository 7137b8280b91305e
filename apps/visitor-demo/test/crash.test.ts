import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kinesisClient, waitFor } from '../../../tools/testing/local-kinesis.js';
import { type DashboardSnapshot, startVisitorDemo } from '../src/index.js';
import { distinctVisitsPerUrl } from './support/demo.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The demo's CLI in a child process, and what it printed. */
function startCli(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      cli,
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--gateway-port',
      '0',
      '--rate',
      '400',
      '--urls',
      '50',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** Waits until the child's dashboard says it counted more than `visits`. */
async function waitForCounted(output: { stdout: string }, visits: number): Promise<void> {
  await waitFor(
    () => /dashboard: (http:\S+)/.test(output.stdout),
    'the CLI to print the dashboard',
  );
  const dashboard = /dashboard: (http:\S+)/.exec(output.stdout)?.[1] as string;
  let counted = 0;
  const deadline = Date.now() + 20_000;
  while (counted <= visits) {
    if (Date.now() > deadline) throw new Error(`the CLI counted only ${counted} visits`);
    const snapshot = (await (await fetch(`${dashboard}/api/stats`)).json()) as DashboardSnapshot;
    counted = snapshot.counter.counted;
    if (counted <= visits) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the demo process, stopped with Ctrl-C and killed with SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops cleanly on SIGINT and prints an exact reconciliation', {
    timeout: 30_000,
  }, async () => {
    expect(existsSync(cli), 'build first: npx tsup (nx runs it before test)').toBe(true);
    const run = startCli(dataDir);
    children.push(run.child);
    await waitForCounted(run.output, 200);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(run.output.stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(run.output.stdout).toMatch(/SIGINT: stopping cleanly/);
    expect(run.output.stdout).toMatch(/counted [\d,]+: missing 0, duplicates 0/);
  });

  it('counts and reconciles exactly after a SIGKILL: the restart neither loses nor double-counts a visit', {
    timeout: 30_000,
  }, async () => {
    const run = startCli(dataDir);
    children.push(run.child);
    await waitForCounted(run.output, 600);
    run.child.kill('SIGKILL');
    expect(await run.exited).toMatchObject({ signal: 'SIGKILL' });

    // Everything the killed endpoint acknowledged is in the stream; count it, without new visits.
    const demo = await startVisitorDemo({ dataDir, simulator: false, localLimits: 'off' });
    const client = kinesisClient(demo.kinesisEndpoint as string);
    try {
      const stream = await distinctVisitsPerUrl(client, demo.streamName);
      await waitFor(
        () => demo.stats().counted >= stream.distinct,
        `the restarted demo to count the ${stream.distinct} visits in the stream`,
      );
      const summary = await demo.stop();
      expect(demo.stats().counted).toBe(stream.distinct);
      // The ledger survived too: batches the kill left in doubt were sent again at start.
      expect(summary).toMatchObject({ missing: 0, duplicates: 0, inDoubt: 0, unledgered: 0 });
      expect(summary.sent).toBe(stream.distinct);
      for (const [url, visits] of stream.perUrl) expect(demo.visitors(url)).toBe(visits);
      expect(stream.records).toBeGreaterThanOrEqual(stream.distinct);
      // The windows in progress at the kill carried on exactly (fed again from the state, the
      // re-delivered visits recognised); older ones were not kept.
      const fromMs = demo.snapshot().windows.fromMs;
      expect(fromMs).toEqual(expect.any(Number));
      let windows = 0;
      for (const [url] of stream.perUrl) {
        for (const { startMs, visitors } of demo.windowsOf(url)) {
          expect(startMs).toBeGreaterThanOrEqual(fromMs as number);
          expect(visitors).toBe(stream.perWindow.get(`${url} ${startMs}`));
          windows += 1;
        }
      }
      expect(windows).toBeGreaterThan(0);
      for (const [key, visits] of stream.perWindow) {
        const [url, start] = key.split(' ') as [string, string];
        if (Number(start) < (fromMs as number)) continue;
        expect(demo.windowsOf(url).find((w) => w.startMs === Number(start))?.visitors).toBe(visits);
      }
    } finally {
      client.destroy();
      await demo.stop();
    }
  });
});
