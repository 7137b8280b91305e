/**
 * The scenarios: aggregation and de-aggregation of each workload, each with one timed task per
 * subject. A task processes the whole workload once and returns how many user records it did.
 */
import { UUID_LIKE_CHARS } from '@kinesis-kit/bench-harness';

/**
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./workloads.js').Workload} Workload
 * @typedef {import('./verify.js').Prebuilt} Prebuilt
 * @typedef {{ subject: Subject, task: () => number, params: Record<string, unknown>,
 *   perRun: number[] }} Entry
 * @typedef {{ name: string, params: Record<string, unknown>, entries: Entry[] }} Scenario
 */

/**
 * @param {Subject[]} subjects
 * @param {Workload[]} workloads
 * @param {Map<Workload, Map<Subject, Prebuilt>>} prebuilt each subject's own aggregates
 * @returns {Scenario[]}
 */
export function createScenarios(subjects, workloads, prebuilt) {
  const scenarios = [];
  for (const direction of ['aggregate', 'deaggregate']) {
    for (const workload of workloads) {
      const entries = subjects.map((subject) => {
        const own = /** @type {Prebuilt} */ (prebuilt.get(workload)?.get(subject));
        const produced = {
          aggregatesPerPass: own.aggregates,
          meanAggregateBytes: own.meanAggregateBytes,
          largestAggregateBytes: own.largestAggregateBytes,
        };
        return direction === 'aggregate'
          ? aggregateEntry(subject, workload, produced)
          : deaggregateEntry(subject, own, produced);
      });
      scenarios.push({
        name: `${direction}-${workload.name}`,
        params: {
          direction,
          recordBytes: workload.recordBytes,
          partitionKeyChars: UUID_LIKE_CHARS,
          userRecordsPerPass: workload.records.length,
        },
        entries,
      });
    }
  }
  return scenarios;
}

/**
 * @param {Subject} subject
 * @param {Workload} workload
 * @param {Record<string, number>} produced
 * @returns {Entry}
 */
function aggregateEntry(subject, workload, produced) {
  const records = workload.records;
  // The latest aggregates stay referenced, as a producer's would until sent.
  /** @type {unknown[]} */
  let output = [];
  return {
    subject,
    task: () => {
      output = subject.aggregate(records);
      return output.length > 0 ? records.length : 0;
    },
    params: { ...subject.budget, ...produced },
    perRun: [],
  };
}

/**
 * @param {Subject} subject
 * @param {Prebuilt} own the subject's own aggregates, built outside the timed loop
 * @param {Record<string, number>} produced
 * @returns {Entry}
 */
function deaggregateEntry(subject, own, produced) {
  const kinesisRecords = own.kinesisRecords;
  return {
    subject,
    task: () => subject.deaggregate(kinesisRecords),
    params: { ...subject.budget, ...produced, checksumsVerified: true },
    perRun: [],
  };
}
