import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A record the server accepted. */
export interface StoredRecord {
  readonly deliveryStreamName: string;
  readonly recordId: string;
  readonly data: Buffer;
}

/** A PutRecordBatch call as the server received it. */
export interface ReceivedCall {
  readonly deliveryStreamName: string;
  readonly records: readonly Buffer[];
  readonly bytes: number;
}

/** How the server fails one entry of a call. */
export type EntryFault = 'ServiceUnavailableException' | 'InternalFailure' | (string & {});

/** How the server fails a whole call. */
export type CallFault =
  /** HTTP 500 with an empty body. */
  | { readonly kind: 'http500' }
  /** The connection is destroyed after the request is read; nothing is stored. */
  | { readonly kind: 'drop' }
  /** An AWS JSON error: `{ __type, message }` with this status. */
  | { readonly kind: 'error'; readonly type: string; readonly status: number };

const TARGET = 'Firehose_20150804.PutRecordBatch';

/**
 * A Firehose-speaking test server: a real `node:http` server on 127.0.0.1 answering
 * PutRecordBatch in AWS JSON 1.1. It stores what it accepts, enforces the call limits
 * (InvalidArgumentException), answers ResourceNotFoundException for unknown delivery streams,
 * and fails chosen entries or calls. Stands in until the local endpoint speaks Firehose.
 */
export class FirehoseTestServer {
  readonly endpoint: string;
  /** Delivery streams that exist; others get ResourceNotFoundException. */
  readonly deliveryStreams = new Set<string>(['test-stream']);
  readonly stored: StoredRecord[] = [];
  /** Every well-formed PutRecordBatch call, in arrival order (also those failed on purpose). */
  readonly calls: ReceivedCall[] = [];
  /** Decides per entry whether it fails (an ErrorCode) or is stored (undefined). */
  entryFault: ((data: Buffer, call: ReceivedCall) => EntryFault | undefined) | undefined;
  /** Decides per call whether it fails as a whole. */
  callFault: ((call: ReceivedCall, index: number) => CallFault | undefined) | undefined;
  /** Awaited before each call is answered: how a test makes the server slow. */
  beforeAnswer: ((call: ReceivedCall) => Promise<void>) | undefined;
  /** Entries and bytes of calls received and not yet answered. */
  inFlightEntries = 0;
  inFlightBytes = 0;
  maxInFlightEntries = 0;
  maxInFlightBytes = 0;
  /** Calls refused for breaking a limit (the producer should cause none). */
  readonly limitViolations: string[] = [];
  readonly #server: Server;
  readonly #waiters = new Set<() => void>();
  #nextRecordId = 0;

  private constructor(server: Server) {
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<FirehoseTestServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const firehose = new FirehoseTestServer(server);
    server.on('request', (request, response) => {
      firehose.#handle(request, response).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
    return firehose;
  }

  /** A client for this server: dummy credentials, HTTP/1.1, SDK retries off. */
  client(): FirehoseClient {
    return new FirehoseClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  }

  /** The data stored for a delivery stream, in arrival order. */
  storedData(deliveryStreamName = 'test-stream'): Buffer[] {
    return this.stored
      .filter((record) => record.deliveryStreamName === deliveryStreamName)
      .map((record) => record.data);
  }

  /** Resolves once `condition()` holds; checked after every change of the server's state. */
  waitFor(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.headers['x-amz-target'] !== TARGET) {
      answerError(response, 400, 'UnknownOperationException', 'only PutRecordBatch');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      DeliveryStreamName?: string;
      Records?: { Data?: string }[];
    };
    const records = (body.Records ?? []).map((record) => Buffer.from(record.Data ?? '', 'base64'));
    const call: ReceivedCall = {
      deliveryStreamName: body.DeliveryStreamName ?? '',
      records,
      bytes: records.reduce((sum, record) => sum + record.byteLength, 0),
    };
    const index = this.calls.length;
    this.calls.push(call);
    this.inFlightEntries += records.length;
    this.inFlightBytes += call.bytes;
    this.maxInFlightEntries = Math.max(this.maxInFlightEntries, this.inFlightEntries);
    this.maxInFlightBytes = Math.max(this.maxInFlightBytes, this.inFlightBytes);
    this.#changed();
    try {
      await this.beforeAnswer?.(call);
      this.#answer(call, index, response);
    } finally {
      this.inFlightEntries -= records.length;
      this.inFlightBytes -= call.bytes;
      this.#changed();
    }
  }

  #answer(call: ReceivedCall, index: number, response: ServerResponse): void {
    const violation = limitViolation(call);
    if (violation) {
      this.limitViolations.push(violation);
      answerError(response, 400, 'InvalidArgumentException', violation);
      return;
    }
    if (!this.deliveryStreams.has(call.deliveryStreamName)) {
      answerError(
        response,
        400,
        'ResourceNotFoundException',
        `Firehose ${call.deliveryStreamName} not found under account 000000000000.`,
      );
      return;
    }
    const fault = this.callFault?.(call, index);
    if (fault?.kind === 'drop') {
      response.socket?.destroy();
      return;
    }
    if (fault?.kind === 'http500') {
      response.writeHead(500).end();
      return;
    }
    if (fault?.kind === 'error') {
      answerError(response, fault.status, fault.type, 'failed on purpose');
      return;
    }
    let failedPutCount = 0;
    const requestResponses = call.records.map((data) => {
      const errorCode = this.entryFault?.(data, call);
      if (errorCode !== undefined) {
        failedPutCount++;
        return { ErrorCode: errorCode, ErrorMessage: `${errorCode} on purpose` };
      }
      const recordId = `record-${String(this.#nextRecordId++).padStart(8, '0')}`;
      this.stored.push({ deliveryStreamName: call.deliveryStreamName, recordId, data });
      return { RecordId: recordId };
    });
    answer(response, 200, {
      FailedPutCount: failedPutCount,
      Encrypted: false,
      RequestResponses: requestResponses,
    });
  }
}

function limitViolation(call: ReceivedCall): string | undefined {
  if (call.records.length === 0) return 'Records must have at least 1 record';
  if (call.records.length > FIREHOSE_LIMITS.putRecordBatchMaxRecords) {
    return `${call.records.length} records exceed the limit of ${FIREHOSE_LIMITS.putRecordBatchMaxRecords}`;
  }
  if (call.bytes > FIREHOSE_LIMITS.putRecordBatchMaxBytes) {
    return `${call.bytes} bytes exceed the limit of ${FIREHOSE_LIMITS.putRecordBatchMaxBytes}`;
  }
  const large = call.records.find((record) => record.byteLength > FIREHOSE_LIMITS.maxRecordBytes);
  if (large) {
    return `a record of ${large.byteLength} bytes exceeds the limit of ${FIREHOSE_LIMITS.maxRecordBytes}`;
  }
  return undefined;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
    .end(JSON.stringify(body));
}

function answerError(response: ServerResponse, status: number, type: string, message: string) {
  answer(response, status, { __type: type, message });
}
