/**
 * The scenarios, each measured once per subject per run on a stream of its own: writing
 * (PutRecords of 500 × 100 B for a fixed time) and reading (GetRecords of a pre-loaded stream,
 * whole passes for a minimum time).
 */
import { startCpuMeter } from '@kinesis-kit/bench-harness';
import { GET_RECORDS_LIMIT, readAllFor } from './reader.js';
import { createStream, deleteStream, listShardIds } from './streams.js';
import { PARTITION_KEY_CHARS, RECORD_BYTES, RECORDS_PER_REQUEST } from './workload.js';
import { putRecordsCount, putRecordsFor } from './writer.js';

/**
 * @typedef {import('./servers.js').Running} Running
 * @typedef {import('./subjects.js').Subject} Subject
 * @typedef {import('./workload.js').Batch} Batch
 * @typedef {{ writeMs: number, readRecords: number, readMs: number }} Budget how long to
 *   write; how many records to load for reading (before the subject's `readScale`), and for how
 *   long at least to read them back, in whole passes
 * @typedef {{ recordsPerSec: number, records: number, elapsedMs: number, requests: number,
 *   passes: number, latenciesMs: number[], serverCpuMs: number | undefined,
 *   clientCpuMs: number }} Sample
 * @typedef {object} Scenario
 * @property {string} name
 * @property {Record<string, unknown>} params
 * @property {(subject: Subject, budget: Budget) => Record<string, unknown>} subjectParams
 * @property {(running: Running, budget: Budget) => Promise<Sample>} measure
 */

/** Shards of every stream. */
export const SHARDS = 4;

/** PutRecords requests in flight, when writing and when pre-loading. */
export const CONCURRENCY = 4;

/**
 * Records the read scenario loads into `subject`'s stream: a whole number of batches.
 * @param {Subject} subject
 * @param {Budget} budget
 */
export function readRecordsFor(subject, budget) {
  const batches = Math.max(
    1,
    Math.round((budget.readRecords * subject.readScale) / RECORDS_PER_REQUEST),
  );
  return batches * RECORDS_PER_REQUEST;
}

/**
 * A stream name not used before on this server.
 * @param {Running} running
 * @param {string} scenario
 */
function freshStream(running, scenario) {
  running.streams++;
  return `bench-${scenario}-${running.streams}`;
}

/**
 * @param {{ records: number, elapsedMs: number, latenciesMs: number[], passes?: number }} result
 * @param {{ selfCpuMs: number, childCpuMs: number | undefined }} cpu
 * @returns {Sample}
 */
function toSample(result, cpu) {
  return {
    recordsPerSec: (result.records * 1000) / result.elapsedMs,
    records: result.records,
    elapsedMs: result.elapsedMs,
    requests: result.latenciesMs.length,
    passes: result.passes ?? 1,
    latenciesMs: result.latenciesMs,
    serverCpuMs: cpu.childCpuMs,
    clientCpuMs: cpu.selfCpuMs,
  };
}

/**
 * @param {Batch[]} batches the pool of PutRecords batches
 * @returns {Scenario}
 */
function writeScenario(batches) {
  return {
    name: 'put-records-500x100B',
    params: {
      operation: 'PutRecords',
      recordBytes: RECORD_BYTES,
      partitionKeyChars: PARTITION_KEY_CHARS,
      recordsPerRequest: RECORDS_PER_REQUEST,
      shards: SHARDS,
      concurrency: CONCURRENCY,
      limits: 'off',
    },
    subjectParams: (_subject, budget) => ({ durationMs: budget.writeMs }),
    async measure(running, budget) {
      const { client } = running;
      const stream = freshStream(running, 'write');
      await createStream(client, stream, SHARDS);
      const cpu = startCpuMeter(running.server.pid);
      const result = await putRecordsFor(client, stream, batches, CONCURRENCY, budget.writeMs);
      const sample = toSample(result, cpu());
      await deleteStream(client, stream);
      return sample;
    },
  };
}

/**
 * The stream `running`'s reads of this budget's size read: loaded (untimed) on a fresh stream
 * the first time, then kept on the server and read again by the next runs. Reading changes
 * nothing in a stream (each measurement reads it whole, several times over for the fast
 * subjects), so only loading it again would differ, and loading is the slow part for
 * kinesalite and kinesis-local. A stream of another size (the warm-up's) is deleted first.
 * @param {Running} running
 * @param {Budget} budget
 * @param {Batch[]} batches
 * @returns {Promise<import('./servers.js').ReadStream>}
 */
async function readStreamFor(running, budget, batches) {
  const { client } = running;
  const count = readRecordsFor(running.subject, budget);
  if (running.readStream?.records === count) return running.readStream;
  if (running.readStream) {
    await deleteStream(client, running.readStream.name);
    running.readStream = undefined;
  }
  const stream = freshStream(running, 'read');
  await createStream(client, stream, SHARDS);
  const loaded = await putRecordsCount(client, stream, batches, CONCURRENCY, count);
  const perShard = new Map();
  for (const shardId of await listShardIds(client, stream)) {
    perShard.set(shardId, loaded.perShard.get(shardId) ?? 0);
  }
  if (perShard.size !== SHARDS || loaded.perShard.size > SHARDS) {
    throw new Error(`${running.subject.name}: ${stream} has ${perShard.size} shards`);
  }
  running.readStream = { name: stream, records: count, loaded: loaded.records, perShard };
  return running.readStream;
}

/**
 * @param {Batch[]} batches the pool of PutRecords batches, to load the streams with
 * @returns {Scenario}
 */
function readScenario(batches) {
  return {
    name: 'get-records-100B',
    params: {
      operation: 'GetRecords',
      recordBytes: RECORD_BYTES,
      partitionKeyChars: PARTITION_KEY_CHARS,
      shards: SHARDS,
      getRecordsLimit: GET_RECORDS_LIMIT,
      shardsReadInParallel: SHARDS,
      limits: 'off',
    },
    subjectParams: (subject, budget) => ({
      recordsLoaded: readRecordsFor(subject, budget),
      minReadMs: budget.readMs,
    }),
    async measure(running, budget) {
      const { client } = running;
      const { name: stream, loaded, perShard } = await readStreamFor(running, budget, batches);
      const cpu = startCpuMeter(running.server.pid);
      const result = await readAllFor(client, stream, perShard, RECORD_BYTES, budget.readMs);
      const sample = toSample(result, cpu());
      if (result.records !== loaded * result.passes) {
        const written = `${loaded} written × ${result.passes} passes`;
        throw new Error(`${running.subject.name}: read ${result.records} records, ${written}`);
      }
      return sample;
    },
  };
}

/**
 * @param {Batch[]} batches
 * @returns {Scenario[]}
 */
export function createScenarios(batches) {
  return [writeScenario(batches), readScenario(batches)];
}
