import type { Engine } from '../engine/engine.js';
import { LocalKinesisError } from '../errors.js';
import { type FaultSwitch, validateFaultPlan } from '../faults/fault-plan.js';
import type { AnyRequest, AnyResponse } from '../http/dual-protocol-server.js';
import { BodyTooLargeError, readBody } from '../http/read-body.js';
import { metricsReport, streamMetricsReport } from './metrics-report.js';

/** Paths under this prefix are the endpoint's own, not AWS's (AWS requests are `POST /`). */
export const ADMIN_PATH_PREFIX = '/_kinesis-kit/';

const METRICS_PATH = '/_kinesis-kit/metrics';
const FAULTS_PATH = '/_kinesis-kit/faults';
/** A fault plan is a few rules: a body beyond this is refused. */
const MAX_FAULT_PLAN_BYTES = 64 * 1024;

/** Whether a request is for the admin paths rather than the Kinesis API. */
export function isAdminRequest(request: AnyRequest): boolean {
  return request.url?.startsWith(ADMIN_PATH_PREFIX) === true;
}

/**
 * The admin paths, as plain JSON: `GET /_kinesis-kit/metrics` (every stream) and
 * `GET /_kinesis-kit/metrics/<streamName>`; `GET`, `PUT` (a plan) and `DELETE /_kinesis-kit/faults`.
 * Other methods get 405, unknown paths and streams 404, invalid plans 400, each with `{ message }`.
 */
export function handleAdminRequest(
  engine: Engine,
  faults: FaultSwitch,
  request: AnyRequest,
  response: AnyResponse,
): void {
  const path = (request.url ?? '').split('?')[0] as string;
  if (path === FAULTS_PATH || path === `${FAULTS_PATH}/`) {
    handleFaults(faults, request, response);
    return;
  }
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

function handleFaults(faults: FaultSwitch, request: AnyRequest, response: AnyResponse): void {
  switch (request.method) {
    case 'GET':
      send(response, 200, faults.report());
      return;
    case 'DELETE':
      faults.set(undefined);
      send(response, 200, faults.report());
      return;
    case 'PUT':
      readBody(request, MAX_FAULT_PLAN_BYTES).then(
        (body) => {
          let plan: unknown;
          try {
            plan = JSON.parse(body.toString('utf8'));
          } catch (error) {
            send(response, 400, { message: `The body is not JSON: ${(error as Error).message}` });
            return;
          }
          try {
            faults.set(validateFaultPlan(plan));
          } catch (error) {
            if (!(error instanceof LocalKinesisError)) throw error;
            send(response, 400, { message: error.message });
            return;
          }
          send(response, 200, faults.report());
        },
        (error: Error) =>
          send(response, error instanceof BodyTooLargeError ? 413 : 400, {
            message: error.message,
          }),
      );
      return;
    default:
      send(
        response,
        405,
        { message: `Method ${request.method} not allowed; use GET, PUT or DELETE.` },
        { allow: 'GET, PUT, DELETE' },
      );
  }
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
