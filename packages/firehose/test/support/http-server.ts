import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request the test server received, body decompressed when gzip'd. */
export interface ReceivedRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: Buffer;
  readonly body: { requestId: string; timestamp: number; records: Array<{ data: string }> };
}

export type Responder = (request: ReceivedRequest, response: ServerResponse) => void;

/** Answers as the spec requires: 200 with the request id echoed. */
export const conforming: Responder = (request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ requestId: request.body.requestId, timestamp: Date.now() }));
};

/** A real HTTP server on 127.0.0.1 whose answers the test scripts, one responder per request. */
export class TestEndpoint {
  readonly received: ReceivedRequest[] = [];
  #responders: Responder[] = [];
  #fallback: Responder = conforming;
  #waiters: Array<() => void> = [];
  readonly #server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const json = request.headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
      const received: ReceivedRequest = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawBody,
        body: JSON.parse(json.toString('utf8')),
      };
      this.received.push(received);
      for (const resolve of this.#waiters.splice(0)) resolve();
      (this.#responders.shift() ?? this.#fallback)(received, response);
    });
  });

  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/ingest?key=1`;
    return this;
  }

  /** The next requests get these answers, in order; later ones get `fallback`. */
  respond(...responders: Responder[]): void {
    this.#responders.push(...responders);
  }

  setFallback(responder: Responder): void {
    this.#fallback = responder;
  }

  async waitForRequests(count: number): Promise<void> {
    while (this.received.length < count) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
