import type { Engine } from '../engine/engine.js';
import type { AnyRequest, AnyResponse } from '../http/dual-protocol-server.js';
import { metricsReport, streamMetricsReport } from './metrics-report.js';

/** Paths under this prefix are the endpoint's own, not AWS's (AWS requests are `POST /`). */
export const ADMIN_PATH_PREFIX = '/_kinesis-kit/';

const METRICS_PATH = '/_kinesis-kit/metrics';

/** Whether a request is for the admin paths rather than the Kinesis API. */
export function isAdminRequest(request: AnyRequest): boolean {
  return request.url?.startsWith(ADMIN_PATH_PREFIX) === true;
}

/**
 * The admin paths, as plain JSON: `GET /_kinesis-kit/metrics` (every stream) and
 * `GET /_kinesis-kit/metrics/<streamName>`. Other methods get 405, unknown paths and streams 404,
 * each with `{ message }`.
 */
export function handleAdminRequest(
  engine: Engine,
  request: AnyRequest,
  response: AnyResponse,
): void {
  const path = (request.url ?? '').split('?')[0] as string;
  let name: string | undefined;
  if (path !== METRICS_PATH && path !== `${METRICS_PATH}/`) {
    if (!path.startsWith(`${METRICS_PATH}/`)) {
      send(response, 404, { message: `No admin path ${path}.` });
      return;
    }
    try {
      name = decodeURIComponent(path.slice(METRICS_PATH.length + 1));
    } catch {
      send(response, 404, { message: `No admin path ${path}.` });
      return;
    }
  }
  if (request.method !== 'GET') {
    send(
      response,
      405,
      { message: `Method ${request.method} not allowed; use GET.` },
      { allow: 'GET' },
    );
    return;
  }
  if (name === undefined) {
    send(response, 200, metricsReport(engine));
    return;
  }
  const report = streamMetricsReport(engine, name);
  if (report === undefined) send(response, 404, { message: `Stream ${name} not found.` });
  else send(response, 200, report);
}

function send(
  response: AnyResponse,
  status: number,
  body: object,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': payload.length,
    ...extraHeaders,
  });
  response.end(payload);
}
