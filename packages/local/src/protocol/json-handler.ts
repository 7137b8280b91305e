import { randomUUID } from 'node:crypto';
import { constants as http2Constants } from 'node:http2';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@kinesis-kit/records';
import { handleAdminRequest, isAdminRequest } from '../admin/admin-handler.js';
import type { Engine } from '../engine/engine.js';
import { decodeShardIterator } from '../engine/shard-iterator.js';
import { AwsServiceError } from '../errors.js';
import type { FaultDecision, FaultSwitch } from '../faults/fault-plan.js';
import type { AnyRequest, AnyResponse, RequestHandler } from '../http/dual-protocol-server.js';
import { BodyTooLargeError, readBody } from '../http/read-body.js';
import { OPERATIONS } from '../operations/operations.js';
import { type ParsedInput, parseInput } from './shapes.js';
import { isStreamingOutput } from './streaming-output.js';
import { JSON_FORMAT, type WireFormat, wireFormatFor } from './wire-format.js';

const TARGET_PREFIX = 'Kinesis_20131202.';

/**
 * The AWS JSON 1.1 protocol and its CBOR twin (and, first, the endpoint's own `/_kinesis-kit/`
 * admin paths, always JSON): `POST /` with `X-Amz-Target: Kinesis_20131202.<Operation>`, a
 * JSON or CBOR body in, the same format out; errors as `{"__type", "message"}` with their
 * HTTP status.
 */
export function createJsonHandler(
  engine: Engine,
  options: {
    readonly maxRequestBytes: number;
    readonly logger: Logger;
    readonly faults: FaultSwitch;
    readonly accountId: string;
  },
): RequestHandler {
  return (request, response) => {
    if (isAdminRequest(request)) {
      handleAdminRequest(engine, options.faults, request, response);
      return;
    }
    const requestId = randomUUID();
    const format = wireFormatFor(header(request, 'content-type'));
    // A content type the endpoint does not speak is answered in JSON.
    const answerFormat = format ?? JSON_FORMAT;
    handle(engine, request, format, options).then(
      (output) => {
        if (isStreamingOutput(output)) output.start(request, response, answerFormat, requestId);
        else send(response, answerFormat, requestId, 200, output);
      },
      (error: unknown) => {
        if (error instanceof DroppedConnection) {
          // Unanswered: the client sees a reset stream (HTTP/2) or a closed connection (HTTP/1).
          if ('stream' in response) response.stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
          else request.socket?.destroy();
          return;
        }
        if (error instanceof BodyTooLargeError) {
          send(
            response,
            answerFormat,
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
        send(response, answerFormat, requestId, failure.statusCode, {
          __type: failure.code,
          [messageKey]: failure.message,
        });
      },
    );
  };
}

/** Thrown to drop a request unanswered, as a fault. */
class DroppedConnection extends Error {}

const DATA_PLANE = new Set(['PutRecord', 'PutRecords', 'GetRecords', 'GetShardIterator']);

async function handle(
  engine: Engine,
  request: AnyRequest,
  format: WireFormat | undefined,
  options: {
    readonly maxRequestBytes: number;
    readonly faults: FaultSwitch;
    readonly accountId: string;
  },
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
  if (format === undefined) {
    const contentType = header(request, 'content-type') ?? '';
    throw new AwsServiceError(
      'SerializationException',
      `Unsupported content type ${contentType || '(none)'}: this endpoint speaks ${JSON_FORMAT.contentType}`,
    );
  }
  // Faults are drawn here, synchronously, so that draws follow the order requests arrive in.
  const injector = options.faults.injector;
  const fault = injector === undefined ? undefined : injector.decide(operationName(target));
  const body = await readBody(request, options.maxRequestBytes);
  const input = parseInput(operation.input, format.decode(body), format.readers);
  if (fault !== undefined) {
    // After validation, before the operation: an injected failure never changes state.
    injector?.count(fault);
    await applyFault(fault, operationName(target), input, options.accountId);
  }
  return operation.run(engine, input);
}

function operationName(target: string | undefined): string {
  return (target as string).slice(TARGET_PREFIX.length);
}

async function applyFault(
  fault: FaultDecision,
  operation: string,
  input: ParsedInput,
  accountId: string,
): Promise<void> {
  if (fault.latencyMs > 0) await delay(fault.latencyMs);
  if (fault.drop) throw new DroppedConnection();
  switch (fault.error) {
    case undefined:
      return;
    case 'InternalFailure':
      throw new AwsServiceError(
        'InternalFailure',
        'An internal failure occurred (injected fault).',
      );
    case 'ServiceUnavailable':
      throw new AwsServiceError(
        'ServiceUnavailable',
        'The service is unavailable (injected fault).',
        503,
      );
    case 'Throttling': {
      const { stream, shard } = addressed(input);
      if (!DATA_PLANE.has(operation)) {
        throw new AwsServiceError(
          'LimitExceededException',
          `Rate exceeded for stream ${stream} under account ${accountId}.`,
        );
      }
      throw new AwsServiceError(
        'ProvisionedThroughputExceededException',
        shard === undefined
          ? `Rate exceeded for stream ${stream} under account ${accountId}.`
          : `Rate exceeded for shard ${shard} in stream ${stream} under account ${accountId}.`,
      );
    }
  }
}

/** The stream (and shard, when the request names one) a request addresses, for messages. */
function addressed(input: ParsedInput): { stream: string; shard: string | undefined } {
  if (typeof input.ShardIterator === 'string') {
    const position = decodeShardIterator(input.ShardIterator);
    if (position !== undefined) return { stream: position.streamName, shard: position.shardId };
  }
  const byArn =
    typeof input.StreamARN === 'string' ? /:stream\/(.+)$/.exec(input.StreamARN)?.[1] : undefined;
  const stream = typeof input.StreamName === 'string' ? input.StreamName : (byArn ?? '');
  return { stream, shard: typeof input.ShardId === 'string' ? input.ShardId : undefined };
}

function header(request: AnyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(
  response: AnyResponse,
  format: WireFormat,
  requestId: string,
  status: number,
  body: object,
  closing = false,
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = format.encode(body);
  const headers: Record<string, string | number> = {
    'content-type': format.contentType,
    'content-length': payload.length,
    'x-amzn-requestid': requestId,
  };
  // HTTP/1 only: HTTP/2 forbids the Connection header.
  if (closing && !('stream' in response)) headers.connection = 'close';
  response.writeHead(status, headers);
  response.end(payload);
}
