import { randomUUID } from 'node:crypto';
import type { Logger } from '@kinesis-kit/records';
import { handleAdminRequest, isAdminRequest } from '../admin/admin-handler.js';
import type { Engine } from '../engine/engine.js';
import { AwsServiceError } from '../errors.js';
import type { AnyRequest, AnyResponse, RequestHandler } from '../http/dual-protocol-server.js';
import { BodyTooLargeError, readBody } from '../http/read-body.js';
import { OPERATIONS } from '../operations/operations.js';
import { parseInput } from './shapes.js';

const TARGET_PREFIX = 'Kinesis_20131202.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * The AWS JSON 1.1 protocol (and, first, the endpoint's own `/_kinesis-kit/` admin paths): `POST /` with `X-Amz-Target: Kinesis_20131202.<Operation>`, a JSON
 * body in, a JSON body out; errors as `{"__type", "message"}` with their HTTP status.
 */
export function createJsonHandler(
  engine: Engine,
  options: { readonly maxRequestBytes: number; readonly logger: Logger },
): RequestHandler {
  return (request, response) => {
    if (isAdminRequest(request)) {
      handleAdminRequest(engine, request, response);
      return;
    }
    const requestId = randomUUID();
    handle(engine, request, options.maxRequestBytes).then(
      (output) => send(response, requestId, 200, output),
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          send(
            response,
            requestId,
            413,
            { __type: 'SerializationException', Message: error.message },
            true,
          );
          // The rest of the body is never read: end the HTTP/2 stream, or the HTTP/1 connection,
          // behind the answer.
          response.once('finish', () => {
            if ('stream' in response) response.stream.close();
            else request.socket?.destroy();
          });
          return;
        }
        if (!(error instanceof AwsServiceError)) {
          options.logger.error(`request ${requestId} failed: ${(error as Error)?.stack ?? error}`);
          error = new AwsServiceError('InternalFailure', 'An internal failure occurred.');
        }
        const failure = error as AwsServiceError;
        // SerializationException carries `Message` with a capital M, as AWS sends it.
        const messageKey = failure.code === 'SerializationException' ? 'Message' : 'message';
        send(response, requestId, failure.statusCode, {
          __type: failure.code,
          [messageKey]: failure.message,
        });
      },
    );
  };
}

async function handle(
  engine: Engine,
  request: AnyRequest,
  maxRequestBytes: number,
): Promise<object> {
  const target = header(request, 'x-amz-target');
  const operation =
    target?.startsWith(TARGET_PREFIX) === true
      ? OPERATIONS.get(target.slice(TARGET_PREFIX.length))
      : undefined;
  if (request.method !== 'POST' || operation === undefined) {
    throw new AwsServiceError(
      'UnknownOperationException',
      target === undefined ? 'Missing X-Amz-Target header' : `Unknown operation ${target}`,
    );
  }
  if (header(request, 'authorization') === undefined) {
    throw new AwsServiceError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  }
  const contentType = header(request, 'content-type') ?? '';
  if (!contentType.startsWith('application/x-amz-json-1.')) {
    throw new AwsServiceError(
      'SerializationException',
      `Unsupported content type ${contentType || '(none)'}: this endpoint speaks ${JSON_CONTENT_TYPE}`,
    );
  }
  const body = await readBody(request, maxRequestBytes);
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AwsServiceError(
      'SerializationException',
      `Could not parse the request body as JSON: ${(error as Error).message}`,
    );
  }
  return operation.run(engine, parseInput(operation.input, json));
}

function header(request: AnyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(
  response: AnyResponse,
  requestId: string,
  status: number,
  body: object,
  closing = false,
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': payload.length,
    'x-amzn-requestid': requestId,
  };
  // HTTP/1 only: HTTP/2 forbids the Connection header.
  if (closing && !('stream' in response)) headers.connection = 'close';
  response.writeHead(status, headers);
  response.end(payload);
}
