import { RecordAggregator } from '@kinesis-kit/records';
import type { PendingRecord } from './pending-record.js';
import type { ShardQueue } from './shard-queue.js';

/** One Kinesis record of a PutRecords request, and the user records it carries. */
export interface Entry {
  readonly queue: ShardQueue;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
  /** Data + partition key bytes: what the request size and the shard limits count. */
  readonly bytes: number;
  readonly aggregated: boolean;
  readonly users: readonly PendingRecord[];
}

/** Room left in the request being built. */
export interface RequestRoom {
  entries: number;
  bytes: number;
  /** Nothing taken yet: a record larger than the byte room still goes, alone. */
  empty: boolean;
}

/**
 * Takes records from the front of a shard's queue into entries, in order, while the request has
 * room and the shard's rate limiter allows: KPL aggregates filled to `maxAggregatedBytes` when
 * aggregating (a record alone is sent plain), single records otherwise. Stops at `maxEntries`
 * entries for this shard (1 for ordered producers: PutRecords may store the entries of one
 * request out of order, and a partial failure would reorder them).
 */
export function takeEntries(
  queue: ShardQueue,
  room: RequestRoom,
  options: { aggregation: boolean; maxAggregatedBytes: number; maxEntries: number },
  nowMs: number,
): Entry[] {
  const entries: Entry[] = [];
  while (queue.size > 0 && room.entries > 0 && entries.length < options.maxEntries) {
    const entry = options.aggregation
      ? nextAggregate(queue, room, options.maxAggregatedBytes, nowMs)
      : nextPlain(queue, room, nowMs);
    if (!entry) break;
    queue.limiter.take(entry.bytes, nowMs);
    room.entries -= 1;
    room.bytes -= entry.bytes;
    room.empty = false;
    entries.push(entry);
  }
  return entries;
}

function nextPlain(queue: ShardQueue, room: RequestRoom, nowMs: number): Entry | undefined {
  const head = queue.peek() as PendingRecord;
  const fits = head.recordBytes <= room.bytes || room.empty;
  if (!fits || !queue.limiter.allows({ records: 1, bytes: head.recordBytes }, nowMs)) {
    return undefined;
  }
  queue.shift();
  return plainEntry(queue, head);
}

function nextAggregate(
  queue: ShardQueue,
  room: RequestRoom,
  maxAggregatedBytes: number,
  nowMs: number,
): Entry | undefined {
  const head = queue.peek() as PendingRecord;
  const headBytes = head.recordBytes + (head.record.explicitHashKey?.length ?? 0);
  // Larger than an aggregate: it goes alone.
  if (headBytes > maxAggregatedBytes) return nextPlain(queue, room, nowMs);
  const budget = Math.min(maxAggregatedBytes, room.bytes);
  // Not even the first record fits what is left of the request: a later request takes it.
  if (headBytes > budget) return room.empty ? nextPlain(queue, room, nowMs) : undefined;
  if (!queue.limiter.allows({ records: 1, bytes: Math.min(budget, head.recordBytes) }, nowMs)) {
    return undefined;
  }
  const aggregator = new RecordAggregator({ maxAggregatedBytes: budget });
  const users: PendingRecord[] = [];
  for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
    if (!aggregator.tryAdd(next.record)) break;
    if (
      !queue.limiter.allows({ records: 1, bytes: aggregator.sizeBytes }, nowMs) &&
      users.length > 0
    ) {
      // Over the shard's current allowance: emit without it (rebuilt, since adds cannot be undone).
      return rebuild(queue, users, budget);
    }
    users.push(next);
    queue.shift();
  }
  if (users.length === 0) return undefined;
  if (users.length === 1) return plainEntry(queue, users[0] as PendingRecord);
  return aggregateEntry(queue, users, aggregator);
}

function rebuild(queue: ShardQueue, users: PendingRecord[], budget: number): Entry {
  if (users.length === 1) return plainEntry(queue, users[0] as PendingRecord);
  const aggregator = new RecordAggregator({ maxAggregatedBytes: budget });
  for (const user of users) aggregator.tryAdd(user.record);
  return aggregateEntry(queue, users, aggregator);
}

/** The entry carrying what `aggregator` holds: exactly `users`, which all fitted. */
function aggregateEntry(
  queue: ShardQueue,
  users: readonly PendingRecord[],
  aggregator: RecordAggregator,
): Entry {
  const encoded = aggregator.flush();
  if (!encoded) throw new Error('an aggregate of records that fitted must encode');
  return {
    queue,
    partitionKey: encoded.partitionKey,
    explicitHashKey: encoded.explicitHashKey,
    data: encoded.data,
    bytes: encoded.data.byteLength + Buffer.byteLength(encoded.partitionKey),
    aggregated: true,
    users,
  };
}

function plainEntry(queue: ShardQueue, record: PendingRecord): Entry {
  return {
    queue,
    partitionKey: record.record.partitionKey,
    explicitHashKey: record.record.explicitHashKey,
    data: record.record.data,
    bytes: record.recordBytes,
    aggregated: false,
    users: [record],
  };
}
