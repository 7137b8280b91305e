/**
 * One measurement: a fresh server (and, for the gateway, a fresh local endpoint), a warm-up of
 * the same load, then `runMs` of autocannon load from this process, counting every answer by
 * what was sent: each valid body must get 202 (or 503 if the gateway's buffer is genuinely full,
 * counted apart), each invalid body 400.
 */
import { startCpuMeter } from '@kinesis-kit/bench-harness';
import autocannon from 'autocannon';
import { createBodySource } from './workload.js';

/** @typedef {import('./subjects.js').Subject} Subject */

/**
 * @typedef {object} Tally answers counted by what was sent
 * @property {number} valid202
 * @property {number} valid503 valid bodies refused for buffer room (back-pressure)
 * @property {number} validOther valid bodies answered anything else (an error)
 * @property {number} invalid400
 * @property {number} invalidOther invalid bodies not answered 400 (an error)
 * @property {Record<string, number>} byStatus every answer, by status
 */

/**
 * @typedef {object} RunResult
 * @property {number} requestsPerSec answers (any status) per second
 * @property {number} visitsPerSec visits answered 202, per second
 * @property {number} p50 latency, ms
 * @property {number} p99 latency, ms
 * @property {number} seconds the measured window
 * @property {Tally} tally
 * @property {number} errors connection errors
 * @property {number} timeouts
 * @property {{ client: number, server: number, endpoint?: number }} cpuCores CPU time over the
 *   window in cores: this process (autocannon), the server, the local endpoint
 * @property {{ storedPerSec: number, pending: number, failed: number } | undefined} gatewayVisits
 *   the gateway's own counts (`GET /metrics`): visits stored in the stream per second over the
 *   window, and at its end the visits not yet stored and those the producer gave up on
 */

let sources = 0;

/**
 * Runs autocannon for `durationMs` against `url`, counting answers.
 * @param {object} options
 * @param {string} options.url
 * @param {number} options.visitsPerRequest
 * @param {number} options.connections
 * @param {number} options.durationMs
 */
async function load({ url, visitsPerRequest, connections, durationMs }) {
  sources += 1;
  const bodies = createBodySource({ visitsPerRequest, idPrefix: `m${sources}`, seed: sources });
  /** @type {Tally} */
  const tally = {
    valid202: 0,
    valid503: 0,
    validOther: 0,
    invalid400: 0,
    invalidOther: 0,
    byStatus: {},
  };
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
 * @param {object} options
 * @param {Subject} options.subject
 * @param {number} options.visitsPerRequest
 * @param {number} options.connections
 * @param {{ warmupMs: number, runMs: number }} options.timing
 * @returns {Promise<RunResult>}
 */
export async function measure({ subject, visitsPerRequest, connections, timing }) {
  const running = await subject.start();
  try {
    if (timing.warmupMs > 0) {
      await load({ url: running.url, visitsPerRequest, connections, durationMs: timing.warmupMs });
    }
    const before = await running.metrics();
    const serverCpu = startCpuMeter(running.pid);
    const endpointCpu =
      running.endpointPid === undefined ? undefined : startCpuMeter(running.endpointPid);
    const { result, tally, seconds } = await load({
      url: running.url,
      visitsPerRequest,
      connections,
      durationMs: timing.runMs,
    });
    const server = serverCpu();
    const endpoint = endpointCpu?.();
    const after = await running.metrics();
    const answered = Object.values(tally.byStatus).reduce((a, b) => a + b, 0);
    const cores = (/** @type {number | undefined} */ ms) =>
      ms === undefined ? undefined : Math.round((ms / 1000 / seconds) * 100) / 100;
    return {
      requestsPerSec: answered / seconds,
      visitsPerSec: (tally.valid202 * visitsPerRequest) / seconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      seconds,
      tally,
      errors: result.errors,
      timeouts: result.timeouts,
      cpuCores: {
        client: /** @type {number} */ (cores(server.selfCpuMs)),
        server: cores(server.childCpuMs) ?? Number.NaN,
        ...(endpoint === undefined ? {} : { endpoint: cores(endpoint.childCpuMs) ?? Number.NaN }),
      },
      gatewayVisits:
        before && after
          ? {
              storedPerSec: (after.visits.stored - before.visits.stored) / seconds,
              pending: after.visits.pending,
              failed: after.visits.failed,
            }
          : undefined,
    };
  } finally {
    await running.stop();
  }
}
