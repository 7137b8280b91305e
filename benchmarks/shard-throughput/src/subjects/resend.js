/**
 * What users hand-roll around PutRecords: send a batch, then resend the entries that failed
 * (throttled or otherwise answered with an error code) after a short pause, until none is left.
 * A call that throws fails the whole batch.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';

/**
 * @typedef {object} OutgoingEntry one Kinesis record of a batch, and what to do once it settles
 * @property {{ PartitionKey: string, Data: Uint8Array, ExplicitHashKey?: string }} entry
 * @property {number} bytes data + partition key bytes
 * @property {() => void} stored
 * @property {(error: unknown) => void} failed
 */

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `batch` with PutRecords and resends its failed entries every `pauseMs` until every one
 * is stored, or until `stopped()` (the rest then fail).
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} client
 * @param {string} stream
 * @param {OutgoingEntry[]} batch
 * @param {{ pauseMs: number, stopped: () => boolean }} options
 */
export async function putRecordsUntilDone(client, stream, batch, { pauseMs, stopped }) {
  let pending = batch;
  for (;;) {
    let output;
    try {
      output = await client.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: pending.map((outgoing) => outgoing.entry),
        }),
      );
    } catch (error) {
      for (const outgoing of pending) outgoing.failed(error);
      return;
    }
    const results = output.Records ?? [];
    /** @type {OutgoingEntry[]} */
    const retry = [];
    pending.forEach((outgoing, index) => {
      if (results[index]?.SequenceNumber !== undefined) outgoing.stored();
      else retry.push(outgoing);
    });
    if (retry.length === 0) return;
    await sleep(pauseMs);
    if (stopped()) {
      const error = new Error('the writer stopped before these records were stored');
      for (const outgoing of retry) outgoing.failed(error);
      return;
    }
    pending = retry;
  }
}
