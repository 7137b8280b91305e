import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { VisitorDemoError } from '../errors.js';
import { APP_CSS, APP_JS, INDEX_HTML } from './assets.js';

/** What the dashboard server needs from the demo. */
export interface DashboardSource {
  /** The snapshot pushed to the page (and answered by `GET /api/stats`). */
  snapshot(): unknown;
  /** `GET /api/top?n=`. */
  top(n: number): unknown;
  /** `GET /api/urls/:url`. */
  url(url: string): unknown;
  /** `GET /api/reconcile`. */
  reconcile(): unknown;
  /** `GET /api/alerts`. */
  alerts(): unknown;
  /** `GET /api/queries`: the SQL texts that run. */
  queries(): unknown;
}

export interface DashboardServerOptions {
  readonly host: string;
  readonly port: number;
  readonly intervalMs: number;
  readonly maxClients: number;
  /**
   * Bytes an event stream may have queued (its client not reading them) before it gets no more
   * snapshots: each is complete, so skipping some loses nothing. @default 65536
   */
  readonly maxBufferedBytes?: number;
  /**
   * Snapshots skipped in a row after which a client that does not read is dropped (the page
   * reconnects by itself, `retry`). @default 30
   */
  readonly maxSkippedSnapshots?: number;
  readonly source: DashboardSource;
}

const SECURITY_HEADERS: OutgoingHttpHeaders = {
  // Defence in depth: the page renders URLs with textContent only, and no inline script or
  // style could run even if one slipped into the markup.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const ASSETS: ReadonlyMap<string, { type: string; body: string }> = new Map([
  ['/', { type: 'text/html; charset=utf-8', body: INDEX_HTML }],
  ['/app.js', { type: 'text/javascript; charset=utf-8', body: APP_JS }],
  ['/app.css', { type: 'text/css; charset=utf-8', body: APP_CSS }],
]);

/**
 * The dashboard: the page and its script and style (embedded in the build, no CDN), a stream of
 * snapshots as server-sent events (`GET /events`, one every `intervalMs`), and the JSON API.
 */
export class DashboardServer {
  readonly #options: DashboardServerOptions;
  readonly #server: Server;
  /** Each event stream, and how many snapshots in a row it was skipped (not reading). */
  readonly #clients = new Map<ServerResponse, { skipped: number }>();
  #timer: NodeJS.Timeout | undefined;
  #port = 0;

  constructor(options: DashboardServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      try {
        this.#handle(request, response);
      } catch (error) {
        json(response, 500, { error: 'InternalError', message: String((error as Error).message) });
      }
    });
  }

  get url(): string {
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    return `http://${host}:${this.#port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        reject(
          new VisitorDemoError(
            'ListenFailed',
            `the dashboard cannot listen on ${this.#options.host}:${this.#options.port}: ${error.message}`,
            { cause: error },
          ),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        this.#timer = setInterval(() => this.#broadcast(), this.#options.intervalMs);
        resolve();
      });
    });
  }

  /** Pushes a last snapshot, ends the event streams and closes the server. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#clients.size > 0) this.#broadcast();
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Bytes queued for the event streams, not taken by their clients yet. */
  get bufferedBytes(): number {
    let bytes = 0;
    for (const client of this.#clients.keys()) bytes += client.writableLength;
    return bytes;
  }

  /** Event streams open. */
  get clientCount(): number {
    return this.#clients.size;
  }

  #broadcast(): void {
    if (this.#clients.size === 0) return;
    const maxBuffered = this.#options.maxBufferedBytes ?? 64 * 1024;
    const maxSkipped = this.#options.maxSkippedSnapshots ?? 30;
    const message = `event: snapshot\ndata: ${JSON.stringify(this.#options.source.snapshot())}\n\n`;
    for (const [client, state] of this.#clients) {
      // A client that does not read: its queue would grow by a snapshot each interval. Skip it
      // (snapshots are complete); drop it if it goes on not reading.
      if (client.writableLength > maxBuffered) {
        state.skipped += 1;
        if (state.skipped >= maxSkipped) {
          this.#clients.delete(client);
          client.destroy();
        }
        continue;
      }
      state.skipped = 0;
      client.write(message);
    }
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const target = new URL(request.url ?? '/', 'http://dashboard.invalid');
    const path = target.pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      json(response, 405, { error: 'MethodNotAllowed', message: 'only GET' });
      return;
    }
    const asset = ASSETS.get(path);
    if (asset !== undefined) {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': asset.type,
        'Content-Length': Buffer.byteLength(asset.body),
      });
      response.end(request.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const { source } = this.#options;
    if (path === '/events') {
      this.#subscribe(request, response);
    } else if (path === '/api/stats') {
      json(response, 200, source.snapshot());
    } else if (path === '/api/top') {
      const text = target.searchParams.get('n') ?? '10';
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > 1000) {
        json(response, 400, {
          error: 'InvalidQuery',
          message: 'n must be an integer from 1 to 1000',
        });
        return;
      }
      json(response, 200, source.top(n));
    } else if (path === '/api/reconcile') {
      json(response, 200, source.reconcile());
    } else if (path === '/api/alerts') {
      json(response, 200, source.alerts());
    } else if (path === '/api/queries') {
      json(response, 200, source.queries());
    } else if (path.startsWith('/api/urls/')) {
      // The raw path: the URL is one percent-encoded segment (encodeURIComponent).
      const raw = (request.url ?? '').slice('/api/urls/'.length).split('?')[0] as string;
      let url: string;
      try {
        url = decodeURIComponent(raw);
      } catch {
        json(response, 400, {
          error: 'InvalidUrl',
          message: 'the URL is not percent-encoded UTF-8',
        });
        return;
      }
      json(response, 200, source.url(url));
    } else {
      json(response, 404, { error: 'NotFound', message: 'no such path' });
    }
  }

  #subscribe(request: IncomingMessage, response: ServerResponse): void {
    if (this.#clients.size >= this.#options.maxClients) {
      json(response, 503, { error: 'TooManyClients', message: 'too many dashboards open' });
      return;
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    response.write(
      `retry: 1000\n\nevent: snapshot\ndata: ${JSON.stringify(this.#options.source.snapshot())}\n\n`,
    );
    this.#clients.set(response, { skipped: 0 });
    request.socket.setNoDelay(true);
    request.on('close', () => this.#clients.delete(response));
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
