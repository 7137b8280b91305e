/**
 * The memory run's source: fresh events (the analytics benchmark's workload) at a steady rate,
 * paced against the wall clock. It yields the batches due by now, one after another, then
 * sleeps until the next one is due, so the run keeps a known fraction of a core busy instead of
 * all of it; when it falls behind it catches up without sleeping (and the report says by how
 * much it fell short).
 */
import { setImmediate, setTimeout } from 'node:timers/promises';
import { createEventGenerator, WORKLOAD } from '@kinesis-kit/bench-analytics/workloads';

/**
 * @typedef {import('@kinesis-kit/bench-analytics/workloads').Visit} Visit
 * @typedef {object} PacedSourceOptions
 * @property {number} eventsPerSec the target rate
 * @property {() => boolean} shouldStop asked before each batch
 * @property {(events: number) => void} onBatch runs before each batch is yielded, with the
 *   events so far (the memory run samples there)
 */

/**
 * @param {PacedSourceOptions} options
 * @returns {AsyncIterable<Visit[]>}
 */
export function pacedSource({ eventsPerSec, shouldStop, onBatch }) {
  const { batchSize } = WORKLOAD;
  const events = createEventGenerator(WORKLOAD);
  const msPerBatch = (batchSize * 1000) / eventsPerSec;
  return {
    async *[Symbol.asyncIterator]() {
      const startedAt = performance.now();
      for (let batches = 0; !shouldStop(); batches++) {
        const dueAt = startedAt + batches * msPerBatch;
        const aheadMs = dueAt - performance.now();
        // Ahead: sleep until this batch is due. Behind: only let the event loop turn.
        if (aheadMs >= 1) await setTimeout(aheadMs);
        else await setImmediate();
        onBatch(events.count);
        const batch = new Array(batchSize);
        for (let i = 0; i < batchSize; i++) batch[i] = events.next();
        yield batch;
      }
    },
  };
}
