import type { RecordQueue } from '../shared/record-queue.js';
import { tooLateToSend } from '../shared/send-budget.js';
import type { PendingFirehoseRecord } from './pending-record.js';

/** One Firehose record of a PutRecordBatch call, and the records put that it carries. */
export interface FirehoseEntry {
  readonly data: Uint8Array;
  readonly users: readonly PendingFirehoseRecord[];
}

/** How {@link takeBatch} fills a call. */
export interface BatchLimits {
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly packing: boolean;
  readonly maxPackedBytes: number;
  readonly delimiter: Uint8Array;
}

/**
 * Takes records from the front of the queue into the entries of one PutRecordBatch call, in
 * order, within `maxBatchRecords` entries and `maxBatchBytes` of data. Without packing each
 * record is one entry; with packing, consecutive records share an entry up to `maxPackedBytes`
 * (a record larger than that goes alone). A record larger than `maxBatchBytes` goes in a call of
 * its own, so that no record is stuck. Records whose deadline has passed are handed to
 * `onExpired` instead of being sent.
 */
export function takeBatch(
  queue: RecordQueue<PendingFirehoseRecord>,
  limits: BatchLimits,
  nowMs: number,
  onExpired: (record: PendingFirehoseRecord) => void,
): FirehoseEntry[] {
  const entries: FirehoseEntry[] = [];
  let roomBytes = limits.maxBatchBytes;
  while (entries.length < limits.maxBatchRecords) {
    const head = queue.peek();
    if (head === undefined) break;
    if (tooLateToSend(head.deadlineMs, nowMs)) {
      onExpired(queue.shift() as PendingFirehoseRecord);
      continue;
    }
    if (head.recordBytes > roomBytes) {
      if (entries.length > 0) break;
      roomBytes = head.recordBytes;
    }
    const budget = limits.packing ? Math.min(limits.maxPackedBytes, roomBytes) : 0;
    const users: PendingFirehoseRecord[] = [queue.shift() as PendingFirehoseRecord];
    let bytes = head.recordBytes;
    for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
      if (tooLateToSend(next.deadlineMs, nowMs)) {
        onExpired(queue.shift() as PendingFirehoseRecord);
        continue;
      }
      if (bytes + next.recordBytes > budget) break;
      users.push(queue.shift() as PendingFirehoseRecord);
      bytes += next.recordBytes;
    }
    roomBytes -= bytes;
    entries.push({ data: packRecords(users, bytes, limits.delimiter), users });
  }
  return entries;
}

/**
 * The bytes of one Firehose record: each record's data followed by the delimiter. A single
 * record without a delimiter is sent as it is, without a copy.
 */
export function packRecords(
  users: readonly PendingFirehoseRecord[],
  totalBytes: number,
  delimiter: Uint8Array,
): Uint8Array {
  const only = users[0];
  if (users.length === 1 && only !== undefined && delimiter.byteLength === 0) {
    return only.record.data;
  }
  const packed = new Uint8Array(totalBytes);
  let offset = 0;
  for (const user of users) {
    packed.set(user.record.data, offset);
    offset += user.record.data.byteLength;
    packed.set(delimiter, offset);
    offset += delimiter.byteLength;
  }
  return packed;
}
