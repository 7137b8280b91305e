/**
 * One run of a scenario: every subject started at once (each in processes of its own: the
 * server, and for the gateway a fresh local endpoint), each warmed up with the same load, then
 * measured in alternating slices of autocannon load from this process (the order reversed every
 * other slice), so that a change in the load of this shared machine falls on every subject
 * alike instead of on whichever was measured at the time. After every slice the gateway is let
 * store what it accepted (its producer's buffer empties), so that none of its work lands in
 * another subject's slice; before every slice comes a lead-in of the same load, not measured,
 * so that the slice measures the steady state (sending included), not a gateway starting idle.
 *
 * Every answer is counted by what was sent: each valid body must get 202 (or 503 if the
 * gateway's buffer is genuinely full, counted apart), each invalid body 400.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { median, startCpuMeter } from '@kinesis-kit/bench-harness';
import autocannon from 'autocannon';
import { createBodySource } from './workload.js';

/** @typedef {import('./subjects.js').Subject} Subject */
/** @typedef {import('./subjects.js').Running} Running */

/**
 * @typedef {object} Tally answers counted by what was sent
 * @property {number} valid202
 * @property {number} valid503 valid bodies refused for buffer room (back-pressure)
 * @property {number} validOther valid bodies answered anything else (an error)
 * @property {number} invalid400
 * @property {number} invalidOther invalid bodies not answered 400 (an error)
 * @property {Record<string, number>} byStatus every answer, by status
 */

/** The counts of a {@link Tally}, without `byStatus`. */
const TALLY_COUNTS = /** @type {const} */ ([
  'valid202',
  'valid503',
  'validOther',
  'invalid400',
  'invalidOther',
]);

/** @returns {Tally} nothing counted yet */
function emptyTally() {
  return { valid202: 0, valid503: 0, validOther: 0, invalid400: 0, invalidOther: 0, byStatus: {} };
}

/**
 * @typedef {object} RunResult one subject's slices of one run, together
 * @property {number} requestsPerSec answers (any status) per second of its slices
 * @property {number} visitsPerSec visits answered 202, per second
 * @property {number} p50 latency: the median of its slices' p50 (autocannon's), ms
 * @property {number} p99 the median of its slices' p99, ms
 * @property {number} seconds its slices' time, together
 * @property {Tally} tally
 * @property {number} errors connection errors
 * @property {number} timeouts
 * @property {{ client: number, server: number, endpoint?: number }} cpuCores CPU time over its
 *   slices in cores: this process (autocannon), the server, the local endpoint
 * @property {{ storedPerSec: number, pending: number, failed: number } | undefined} gatewayVisits
 *   the gateway's own counts (`GET /metrics`): visits stored in the stream within its slices,
 *   per second, the most visits still pending at the end of a slice, and the visits the
 *   producer gave up on
 */

/**
 * @typedef {object} Timing
 * @property {number} warmupMs load on each subject before its slices
 * @property {number} leadInMs load, not measured, before each slice
 * @property {number} sliceMs one slice of load
 * @property {number} slices slices per subject and run
 */

/** Longest wait for the gateway to store what it accepted in a slice. */
const SETTLE_TIMEOUT_MS = 30_000;
/** How often the gateway's pending visits are looked at while it settles. */
const SETTLE_POLL_MS = 20;

let sources = 0;

/**
 * Runs autocannon for `durationMs` against `url`, counting answers. (Its own latency
 * percentiles are kept, not every response time: the bare server is bound by this process's
 * CPU, so any work added per answer here would lower its requests/s and flatter the ratio.)
 * @param {object} options
 * @param {string} options.url
 * @param {number} options.visitsPerRequest
 * @param {number} options.connections
 * @param {number} options.durationMs
 */
async function load({ url, visitsPerRequest, connections, durationMs }) {
  sources += 1;
  const bodies = createBodySource({ visitsPerRequest, idPrefix: `m${sources}`, seed: sources });
  const tally = emptyTally();
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/v1/visits`,
    connections,
    duration: durationMs / 1000,
    // Fixed at 1: the answer to a request then belongs to the body its context recorded.
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest(request, context) {
          const body = bodies.next();
          context.valid = body.valid;
          return { ...request, body: body.text };
        },
        onResponse(status, _body, context) {
          tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
          if (context.valid) {
            if (status === 202) tally.valid202 += 1;
            else if (status === 503) tally.valid503 += 1;
            else tally.validOther += 1;
          } else if (status === 400) tally.invalid400 += 1;
          else tally.invalidOther += 1;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  return { result, tally, seconds };
}

/**
 * Waits until the gateway has no accepted visit left to store (at once for the bare server).
 * @param {Running} running
 */
async function settle(running) {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const metrics = await running.metrics();
    if (metrics === undefined || metrics.visits.pending === 0) return;
    if (performance.now() > deadline) {
      throw new Error(
        `the gateway still had ${metrics.visits.pending} visits to store ${SETTLE_TIMEOUT_MS} ms after a slice`,
      );
    }
    await sleep(SETTLE_POLL_MS);
  }
}

/** What one subject's slices add up to while a run goes. */
class SliceTotals {
  seconds = 0;
  clientCpuMs = 0;
  serverCpuMs = 0;
  endpointCpuMs = 0;
  /** Whether the subject reports its visits (the gateway's `GET /metrics`). */
  reportsVisits = false;
  stored = 0;
  mostPending = 0;
  failed = 0;
  errors = 0;
  timeouts = 0;
  /** @type {number[]} each slice's p50, ms */
  p50s = [];
  /** @type {number[]} each slice's p99, ms */
  p99s = [];
  tally = emptyTally();

  /**
   * @param {Awaited<ReturnType<typeof load>>} slice
   * @param {{ selfCpuMs: number, childCpuMs: number | undefined }} server
   * @param {{ childCpuMs: number | undefined } | undefined} endpoint
   */
  add(slice, server, endpoint) {
    this.seconds += slice.seconds;
    this.clientCpuMs += server.selfCpuMs;
    this.serverCpuMs += server.childCpuMs ?? Number.NaN;
    if (endpoint !== undefined) this.endpointCpuMs += endpoint.childCpuMs ?? Number.NaN;
    this.errors += slice.result.errors;
    this.timeouts += slice.result.timeouts;
    this.p50s.push(slice.result.latency.p50);
    this.p99s.push(slice.result.latency.p99);
    for (const count of TALLY_COUNTS) this.tally[count] += slice.tally[count];
    for (const [status, count] of Object.entries(slice.tally.byStatus)) {
      this.tally.byStatus[status] = (this.tally.byStatus[status] ?? 0) + count;
    }
  }

  /**
   * @param {number} visitsPerRequest
   * @param {boolean} hasEndpoint
   * @returns {RunResult}
   */
  result(visitsPerRequest, hasEndpoint) {
    const cores = (/** @type {number} */ ms) => Math.round((ms / 1000 / this.seconds) * 100) / 100;
    const answered = Object.values(this.tally.byStatus).reduce((sum, count) => sum + count, 0);
    return {
      requestsPerSec: answered / this.seconds,
      visitsPerSec: (this.tally.valid202 * visitsPerRequest) / this.seconds,
      p50: median(this.p50s),
      p99: median(this.p99s),
      seconds: this.seconds,
      tally: this.tally,
      errors: this.errors,
      timeouts: this.timeouts,
      cpuCores: {
        client: cores(this.clientCpuMs),
        server: cores(this.serverCpuMs),
        ...(hasEndpoint ? { endpoint: cores(this.endpointCpuMs) } : {}),
      },
      gatewayVisits: this.reportsVisits
        ? {
            storedPerSec: this.stored / this.seconds,
            pending: this.mostPending,
            failed: this.failed,
          }
        : undefined,
    };
  }
}

/**
 * One run of a scenario over `subjects` (in the run's order), each started fresh.
 * @param {object} options
 * @param {Subject[]} options.subjects
 * @param {number} options.visitsPerRequest
 * @param {number} options.connections
 * @param {Timing} options.timing
 * @returns {Promise<Map<string, RunResult>>} by subject name
 */
export async function measureRun({ subjects, visitsPerRequest, connections, timing }) {
  /** @type {{ subject: Subject, running: Running, totals: SliceTotals }[]} */
  const started = [];
  /** The scenario's load on a server for `durationMs`. */
  const loadFor = (/** @type {Running} */ running, /** @type {number} */ durationMs) =>
    load({ url: running.url, visitsPerRequest, connections, durationMs });
  try {
    for (const subject of subjects) {
      started.push({ subject, running: await subject.start(), totals: new SliceTotals() });
    }
    for (const { running } of started) {
      if (timing.warmupMs > 0) await loadFor(running, timing.warmupMs);
      await settle(running);
    }
    for (let slice = 0; slice < timing.slices; slice++) {
      for (const { running, totals } of slice % 2 === 0 ? started : [...started].reverse()) {
        // The same load, not measured, so that the slice starts in steady state: the gateway's
        // producer sending as it does under continuous load (with batches of 100, its buffer
        // full), not idle after the settling.
        await loadFor(running, timing.leadInMs);
        const before = await running.metrics();
        const serverCpu = startCpuMeter(running.pid);
        const endpointCpu =
          running.endpointPid === undefined ? undefined : startCpuMeter(running.endpointPid);
        const measured = await loadFor(running, timing.sliceMs);
        totals.add(measured, serverCpu(), endpointCpu?.());
        const after = await running.metrics();
        if (before && after) {
          totals.reportsVisits = true;
          // Stored within the slice: what it stores after the slice is not on the clock.
          totals.stored += after.visits.stored - before.visits.stored;
          totals.mostPending = Math.max(totals.mostPending, after.visits.pending);
          totals.failed = after.visits.failed;
        }
        await settle(running);
      }
    }
    return new Map(
      started.map(({ subject, running, totals }) => [
        subject.name,
        totals.result(visitsPerRequest, running.endpointPid !== undefined),
      ]),
    );
  } finally {
    for (const { running } of started) await running.stop();
  }
}
