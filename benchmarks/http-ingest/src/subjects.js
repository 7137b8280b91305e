/**
 * What answers the load: the ingest gateway writing to a local endpoint, and the bare node:http
 * server (the ceiling of this machine for the same requests). Each is started fresh, in a child
 * process, for every measurement, and stopped after it.
 */
import { STREAM, startEndpoint, startServer } from './processes.js';

/**
 * The gateway's producer buffer: its defaults, 20,000 records and 16 MiB, chosen after trying
 * 100,000 / 64 MiB. They hold six times the 3,200 visits 32 connections × 100 visits can have in
 * flight, so while the producer keeps up (single visits: a few hundred visits pending) no batch
 * is refused for room. When it does not (batches of 100 on this machine: the gateway's one event
 * loop takes in visits faster than its producer aggregates and sends them), no size avoids 503s:
 * a larger buffer only postpones them, and makes the window measure the buffer filling (accepted
 * visits/s above the rate they are stored at). With the defaults the buffer fills during the
 * warm-up, so the window measures the steady state, which is then back-pressure: the 503s are
 * reported apart, with the visits stored per second.
 */
export const GATEWAY_BUFFER = { maxBufferedRecords: 20_000, maxBufferedBytes: 16 * 1024 * 1024 };

/**
 * @typedef {{ visits: { accepted: number, stored: number, failed: number, pending: number } }} GatewayMetrics
 * @typedef {object} Running
 * @property {string} url
 * @property {number} pid the server's process
 * @property {number} [endpointPid] the local endpoint's process, if any
 * @property {() => Promise<GatewayMetrics | undefined>} metrics the gateway's
 *   `GET /metrics` (undefined for the bare server)
 * @property {() => Promise<void>} stop
 * @typedef {{ name: string, start: () => Promise<Running> }} Subject
 */

/** @type {Subject} */
const gateway = {
  name: 'ingest-gateway',
  async start() {
    const endpoint = await startEndpoint();
    try {
      const server = await startServer(
        'ingest-gateway',
        [
          '--stream',
          STREAM.name,
          '--max-buffered-records',
          String(GATEWAY_BUFFER.maxBufferedRecords),
          '--max-buffered-bytes',
          String(GATEWAY_BUFFER.maxBufferedBytes),
        ],
        {
          AWS_ENDPOINT_URL_KINESIS: endpoint.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
      );
      return {
        url: server.url,
        pid: server.pid,
        endpointPid: endpoint.pid,
        async metrics() {
          const response = await fetch(`${server.url}/metrics`);
          return /** @type {GatewayMetrics} */ (await response.json());
        },
        async stop() {
          await server.stop();
          await endpoint.stop();
        },
      };
    } catch (error) {
      await endpoint.stop();
      throw error;
    }
  },
};

/** @type {Subject} */
const bare = {
  name: 'bare node:http',
  async start() {
    const server = await startServer('bare node:http', [], {});
    return { url: server.url, pid: server.pid, metrics: async () => undefined, stop: server.stop };
  },
};

/** Ours first; the bare server is the baseline of the ratio. */
export const SUBJECTS = [gateway, bare];
export const BASELINE = bare.name;
