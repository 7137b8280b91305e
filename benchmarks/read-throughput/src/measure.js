/**
 * One measurement of one subject: a throughput run over a prepared backlog, or a latency run
 * against records written while it reads. Each gets a fresh endpoint (under AWS limits), so no
 * subject inherits another's read debt or subscriptions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { percentile } from '@kinesis-kit/bench-harness';
import { clientFor } from './client.js';
import { startEndpoint } from './endpoint.js';

/** @typedef {import('./subjects.js').Subject} Subject */

/**
 * Reads the backlog from TRIM_HORIZON. Each shard's rate is taken between its deliveries: the
 * bytes handed to the handler after the shard's first delivery of the window, up to its last,
 * over the time between the two; a reader that gets 10 MiB every 5 s is then measured at 2 MiB/s
 * whatever the window's phase. (A shard with fewer than two deliveries in the window: its bytes
 * over the window.) The result is the mean over the shards.
 * @param {object} options
 * @param {Subject} options.subject
 * @param {{ dataDir: string, streamName: string }} options.backlog
 * @param {number} options.shardCount
 * @param {{ warmupMs: number, throughputWindowMs: number }} options.timing
 * @returns {Promise<{ bytesPerSecPerShard: number, recordsPerSec: number }>}
 */
export async function measureThroughput({ subject, backlog, shardCount, timing }) {
  const endpoint = await startEndpoint({ limits: 'aws', dataDir: backlog.dataDir });
  /** @type {Map<string, { atMs: number, bytes: number, records: number }[]>} by shard */
  const deliveries = new Map();
  let counting = false;
  let reading;
  try {
    reading = await subject.start({
      endpoint: endpoint.url,
      streamName: backlog.streamName,
      initialPosition: 'TRIM_HORIZON',
      onRecords(records) {
        if (!counting || records.length === 0) return;
        const atMs = performance.now();
        // A batch comes from one shard.
        const shardId = /** @type {string} */ (records[0]?.shardId);
        let bytes = 0;
        for (const record of records) {
          bytes += record.data.byteLength + Buffer.byteLength(record.partitionKey);
        }
        const shard = deliveries.get(shardId) ?? [];
        shard.push({ atMs, bytes, records: records.length });
        deliveries.set(shardId, shard);
      },
    });
    await sleep(timing.warmupMs);
    counting = true;
    const windowStart = performance.now();
    await sleep(timing.throughputWindowMs);
    counting = false;
    const windowSeconds = (performance.now() - windowStart) / 1000;
    if (deliveries.size < shardCount) {
      throw new Error(
        `${subject.name} read ${deliveries.size} of ${shardCount} shards in ${windowSeconds.toFixed(1)} s`,
      );
    }
    let bytesPerSec = 0;
    let recordsPerSec = 0;
    for (const shard of deliveries.values()) {
      const first = /** @type {{ atMs: number }} */ (shard[0]);
      const last = /** @type {{ atMs: number }} */ (shard.at(-1));
      const after = shard.slice(1);
      const spanSeconds = (last.atMs - first.atMs) / 1000;
      const [items, seconds] =
        after.length > 0 && spanSeconds > 0 ? [after, spanSeconds] : [shard, windowSeconds];
      bytesPerSec += sum(items, 'bytes') / seconds;
      recordsPerSec += sum(items, 'records') / seconds;
    }
    return { bytesPerSecPerShard: bytesPerSec / shardCount, recordsPerSec };
  } finally {
    await reading?.stop();
    await endpoint.stop();
  }
}

/**
 * Writes `ratePerSec` PutRecords a second to a 1-shard stream while the subject reads from
 * LATEST, and takes, for each record written after the warm-up, the time from its put
 * resolving to the handler seeing it. A record the handler sees before its put resolved counts
 * 0 ms (the push beat the answer).
 * @param {object} options
 * @param {Subject} options.subject
 * @param {{ latencyWarmupMs: number, latencyWindowMs: number, ratePerSec: number }} options.timing
 * @returns {Promise<{ p50: number, p99: number, p50FromSend: number, p99FromSend: number, max: number, samples: number, missed: number }>}
 */
export async function measureLatency({ subject, timing }) {
  const endpoint = await startEndpoint({ limits: 'aws' });
  const writer = clientFor(endpoint.url);
  const streamName = 'latency';
  /** @type {Map<number, number>} id → when its put was sent */
  const sentAt = new Map();
  /** @type {Map<number, number>} id → when its put resolved */
  const resolvedAt = new Map();
  /** @type {Map<number, number>} id → latency from the put resolving */
  const latencies = new Map();
  /** @type {Map<number, number>} id → latency from the put being sent (includes the write) */
  const fromSend = new Map();
  let firstMeasuredId = Number.POSITIVE_INFINITY;
  let reading;
  try {
    await writer.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    reading = await subject.start({
      endpoint: endpoint.url,
      streamName,
      initialPosition: 'LATEST',
      onRecords(records) {
        const now = performance.now();
        for (const record of records) {
          const id = Buffer.from(record.data).readUInt32BE(0);
          if (id < firstMeasuredId || latencies.has(id)) continue;
          const at = resolvedAt.get(id);
          latencies.set(id, at === undefined ? 0 : Math.max(0, now - at));
          fromSend.set(id, now - (sentAt.get(id) ?? now));
        }
      },
    });
    const intervalMs = 1000 / timing.ratePerSec;
    const startedAt = performance.now();
    const endAt = startedAt + timing.latencyWarmupMs + timing.latencyWindowMs;
    let id = 0;
    while (performance.now() < endAt) {
      const due = startedAt + id * intervalMs;
      if (due > performance.now()) await sleep(due - performance.now());
      id += 1;
      if (
        firstMeasuredId === Number.POSITIVE_INFINITY &&
        performance.now() - startedAt >= timing.latencyWarmupMs
      ) {
        firstMeasuredId = id;
      }
      const data = Buffer.alloc(100);
      data.writeUInt32BE(id, 0);
      const current = id;
      sentAt.set(current, performance.now());
      await writer.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${id % 64}`, Data: data }),
      );
      resolvedAt.set(current, performance.now());
    }
    const measured = id - firstMeasuredId + 1;
    // Give the reader time for the last records (a poll interval, a heartbeat), no more.
    const deadline = performance.now() + 3000;
    while (latencies.size < measured && performance.now() < deadline) await sleep(20);
    const values = [...latencies.values()];
    const sendValues = [...fromSend.values()];
    return {
      p50: percentile(values, 0.5),
      p99: percentile(values, 0.99),
      p50FromSend: percentile(sendValues, 0.5),
      p99FromSend: percentile(sendValues, 0.99),
      max: Math.max(...values),
      samples: values.length,
      missed: measured - values.length,
    };
  } finally {
    await reading?.stop();
    writer.destroy();
    await endpoint.stop();
  }
}

/**
 * @param {{ bytes: number, records: number }[]} items
 * @param {'bytes' | 'records'} key
 */
function sum(items, key) {
  return items.reduce((total, item) => total + item[key], 0);
}
