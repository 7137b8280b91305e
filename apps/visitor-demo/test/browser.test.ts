import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateVisits } from '@kinesis-kit/ingest-gateway';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../tools/testing/local-kinesis.js';
import { startVisitorDemo, type VisitorDemo } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** URLs the gateway accepts (no whitespace, absolute http) that are markup if rendered as HTML. */
const HOSTILE_URLS = [
  'https://evil.example/<script>window.__xss=1;console.log("xss-script")</script>',
  'https://evil.example/?q="><img/src=x/onerror=window.__xss=2;alert(2)>',
  "https://evil.example/'><svg/onload=window.__xss=3;alert(3)>",
];

// The functions given to the page run in the browser; these are the few DOM names they use (the
// Node-only tsconfig has no DOM library).
interface Element {
  textContent: string | null;
}
declare const document: {
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): Iterable<Element>;
  body: { dataset: Record<string, string | undefined> };
};
declare const window: { __xss?: unknown };

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const docsScreenshot = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));

describe('the dashboard in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitor-demo-browser-'));
  let browser: Browser;
  let demo: VisitorDemo;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `this test drives Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it)`,
      );
    }
    [browser, demo] = await Promise.all([
      chromium.launch({
        timeout: 30_000,
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      }),
      startVisitorDemo({
        dataDir,
        ratePerSec: 300,
        urlCount: 40,
        localLimits: 'off',
        dashboardIntervalMs: 250,
        commitIntervalMs: 250,
        // The leading simulated URLs trip it every window, and so do the hostile URLs below.
        alertThreshold: 100,
      }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the counts, windows and alarms live, and renders hostile URLs as text that runs nothing', {
    timeout: process.env.UPDATE_DASHBOARD_SCREENSHOT ? 150_000 : 30_000,
  }, async () => {
    expect(validateVisits(HOSTILE_URLS.map((url, i) => visit(`check-${i}`, url))).ok).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const dialogs: string[] = [];
    const consoleLines: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.goto(demo.dashboardUrl);

    // Counts appear, then grow: the leader's count changes without reloading.
    const leaderCount = page.locator('#top-body tr:first-child td.count');
    await leaderCount.waitFor({ timeout: 15_000 });
    const first = await leaderCount.textContent();
    await page.waitForFunction(
      (before) => {
        const cell = document.querySelector('#top-body tr:first-child td.count');
        return cell !== null && cell.textContent !== before;
      },
      first,
      { timeout: 15_000 },
    );
    expect(await page.locator('#chart polyline').count()).toBeGreaterThan(0);
    expect(await page.locator('#shards-body tr').count()).toBe(2);
    // The SQL window counts and the alarms panel, fed by the queries shown as plain SQL.
    await page.locator('#alerts li').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#windows-body tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#sql-windows').textContent()).toMatch(/TUMBLE\(TABLE visits/);
    expect(await page.locator('#sql-alerts').textContent()).toMatch(/HAVING COUNT\(\*\) > 100;/);
    expect(
      Number((await page.locator('#alerts-raised').textContent())?.replace(/,/g, '')),
    ).toBeGreaterThan(0);
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT) {
      // For the README: wait until the chart has a minute of history.
      await waitFor(() => demo.snapshot().counter.counted > 300 * 60, 'a minute of visits', 90_000);
      await page.waitForFunction(() => Number(document.body.dataset.updates) > 2);
      await page.screenshot({ path: docsScreenshot, fullPage: true });
    }

    // Enough visits that the hostile URLs lead the table.
    const leader = demo.top(1)[0]?.visitors ?? 0;
    for (const [i, url] of HOSTILE_URLS.entries()) {
      const visits = Array.from({ length: leader + 200 + i }, (_, n) =>
        visit(`hostile-${i}-${n}`, url),
      );
      for (let at = 0; at < visits.length; at += 500) {
        const response = await fetch(`${demo.gatewayUrl}/v1/visits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(visits.slice(at, at + 500)),
        });
        expect(response.status).toBe(202);
      }
    }
    await page.waitForFunction(
      (urls) => {
        const shown = [...document.querySelectorAll('#top-body td.url')].map(
          (cell) => cell.textContent,
        );
        return urls.every((url) => shown.includes(url));
      },
      HOSTILE_URLS,
      { timeout: 15_000 },
    );
    // Each hostile URL went over the threshold: its alarm shows it as text too.
    await page.waitForFunction(
      (urls) => {
        const shown = [...document.querySelectorAll('#alerts .url')].map(
          (cell) => cell.textContent,
        );
        return urls.every((url) => shown.includes(url));
      },
      HOSTILE_URLS,
      { timeout: 15_000 },
    );
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'dashboard.png'), fullPage: true });

    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(consoleLines.filter((line) => /xss|pageerror/.test(line))).toEqual([]);
    // The markup stayed text: no element came from a URL.
    expect(
      await page
        .locator(
          '#top-body img, #top-body script, #top-body svg, #legend img, #alerts img, #alerts svg, #alerts script, #windows img, #windows svg',
        )
        .count(),
    ).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    const legend = await page.locator('#legend li').allTextContents();
    expect(legend.some((text) => HOSTILE_URLS.includes(text))).toBe(true);
    // And the API counts them like any URL, once all of them are counted.
    const expected = leader + 201;
    await waitFor(
      () => demo.visitors(HOSTILE_URLS[1] as string) === expected,
      'the hostile visits',
    );
    const answer = await fetch(
      `${demo.dashboardUrl}/api/urls/${encodeURIComponent(HOSTILE_URLS[1] as string)}`,
    );
    expect(await answer.json()).toMatchObject({ url: HOSTILE_URLS[1], visitors: expected });
  });
});

function visit(visitId: string, url: string) {
  return { visitId, url, visitorId: 'tester', timestamp: Date.now() };
}
