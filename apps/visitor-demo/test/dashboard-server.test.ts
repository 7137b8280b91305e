import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DashboardServer } from '../src/index.js';

/** Polls `condition` until it holds, or fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A dashboard pushing a 200 KB snapshot every 2 ms, and a client that never reads its events. */
async function withStuckClient(
  options: { maxSkippedSnapshots?: number },
  check: (server: DashboardServer, snapshots: () => number) => Promise<void>,
): Promise<void> {
  let snapshots = 0;
  const payload = 'x'.repeat(200_000);
  const server = new DashboardServer({
    host: '127.0.0.1',
    port: 0,
    intervalMs: 2,
    maxClients: 4,
    ...options,
    source: {
      snapshot: () => {
        snapshots += 1;
        return { payload };
      },
      top: () => ({}),
      url: () => ({}),
      reconcile: () => ({}),
      alerts: () => ({}),
      queries: () => ({}),
    },
  });
  await server.listen();
  const port = Number(new URL(server.url).port);
  let socket: Socket | undefined;
  try {
    socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket?.once('connect', () => resolve()));
    socket.write('GET /events HTTP/1.1\r\nHost: dashboard\r\n\r\n');
    socket.pause(); // never reads
    await until(() => server.clientCount === 1, 'the event stream to open');
    await check(server, () => snapshots);
  } finally {
    socket?.destroy();
    await server.close();
  }
}

describe('the dashboard server and a client that stops reading', () => {
  it('queues at most about the bound for it, skipping snapshots', { timeout: 20_000 }, async () => {
    await withStuckClient({ maxSkippedSnapshots: 1_000_000 }, async (server, snapshots) => {
      let most = 0;
      await until(() => {
        most = Math.max(most, server.bufferedBytes);
        return snapshots() >= 200;
      }, '200 snapshots');
      // 200 snapshots of 200 KB are 40 MB; the socket's buffers take a few MB at most.
      expect(server.clientCount).toBe(1);
      expect(most).toBeLessThan(64 * 1024 + 2 * 200_100);
    });
  });

  it('drops it after it skipped maxSkippedSnapshots in a row', { timeout: 20_000 }, async () => {
    await withStuckClient({ maxSkippedSnapshots: 5 }, async (server) => {
      await until(() => server.clientCount === 0, 'the stuck client to be dropped');
      expect(server.bufferedBytes).toBe(0);
    });
  });
});
