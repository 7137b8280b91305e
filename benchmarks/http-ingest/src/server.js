/**
 * The measured HTTP servers, each started alone in a child process of its own (`node
 * src/server.js <subject>`), so that neither shares an event loop with the load generator nor
 * with the local endpoint; both are started and stopped the same way.
 *
 * - `ingest-gateway`: `createIngestGateway()` writing to the stream `visits` of the local
 *   endpoint named by `AWS_ENDPOINT_URL_KINESIS` (the producer builds its client from the
 *   standard AWS configuration, as the gateway's CLI does with `--aws`), with the buffer sizes
 *   from `--max-buffered-records` and `--max-buffered-bytes`.
 * - `bare node:http`: what the simplest hand-written endpoint does: read the body,
 *   `JSON.parse` it, check that it is a visit or an array of visits with the required fields of
 *   the right JSON types, and answer 202 `{"accepted": n}` (or 400); it stores nothing.
 *
 * Prints `listening on http://127.0.0.1:<port>` once it serves; stops on SIGTERM (the gateway
 * first finishes its requests and flushes its producer).
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stream: { type: 'string', default: 'visits' },
    'max-buffered-records': { type: 'string' },
    'max-buffered-bytes': { type: 'string' },
  },
});
const subject = positionals[0];

/** @type {() => Promise<void>} */
let close;
/** @type {string} */
let url;
if (subject === 'ingest-gateway') {
  const { createIngestGateway } = await import('@kinesis-kit/ingest-gateway');
  const gateway = await createIngestGateway({
    streamName: values.stream,
    port: 0,
    maxBufferedRecords: Number(values['max-buffered-records']),
    maxBufferedBytes: Number(values['max-buffered-bytes']),
  });
  url = gateway.url;
  close = () => gateway.close();
} else if (subject === 'bare node:http') {
  const server = createBareServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  url = `http://127.0.0.1:${address.port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  process.once('SIGTERM', () => server.closeAllConnections());
} else {
  throw new Error(`unknown subject ${JSON.stringify(subject)}`);
}
process.once('SIGTERM', () => {
  close().then(() => process.exit(0));
});
console.log(`listening on ${url}`);

/** The bare server: body, JSON.parse, a minimal shape check, 202 or 400. */
function createBareServer() {
  return createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/visits') {
      answer(response, 404, { error: 'NotFound' });
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let input;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(response, 400, { error: 'InvalidVisits', message: 'the body is not JSON' });
        return;
      }
      const visits = Array.isArray(input) ? input : [input];
      if (visits.length === 0 || !visits.every(isVisitShaped)) {
        answer(response, 400, { error: 'InvalidVisits', message: 'a visit lacks a field' });
        return;
      }
      answer(response, 202, { accepted: visits.length });
    });
  });
}

/** @param {unknown} visit */
function isVisitShaped(visit) {
  if (typeof visit !== 'object' || visit === null) return false;
  const { visitId, url, visitorId, timestamp } = /** @type {Record<string, unknown>} */ (visit);
  return (
    typeof visitId === 'string' &&
    typeof url === 'string' &&
    typeof visitorId === 'string' &&
    (typeof timestamp === 'string' || typeof timestamp === 'number')
  );
}

/**
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {unknown} body
 */
function answer(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
