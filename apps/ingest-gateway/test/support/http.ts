import { connect } from 'node:net';

let sequence = 0;

/** A valid visit, unique per call, with any field replaced or removed (`undefined`). */
export function visit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  const base: Record<string, unknown> = {
    visitId: `visit-${sequence}`,
    url: `https://example.com/page-${sequence % 5}`,
    visitorId: `visitor-${sequence % 3}`,
    timestamp: '2026-11-26T01:40:00.123Z',
    referrer: 'https://search.example/?q=kinesis',
    country: 'DE',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are checked field by field
  body: any;
}

/** POSTs to `path` with real fetch and parses the JSON answer. */
export async function post(
  baseUrl: string,
  body: string | Uint8Array,
  options: { contentType?: string | null; path?: string; method?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) {
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${baseUrl}${options.path ?? '/v1/visits'}`, {
    method: options.method ?? 'POST',
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

export function postJson(baseUrl: string, value: unknown, path?: string): Promise<Answer> {
  return post(baseUrl, JSON.stringify(value), path === undefined ? {} : { path });
}

export function ndjson(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join('\n');
}

/**
 * Speaks HTTP/1.1 over a raw socket: writes `head`, then feeds `chunks` one by one while no answer
 * has arrived, and resolves with the answer once the server closes the connection, together with
 * how many body bytes were written before the answer came.
 */
export function rawExchange(
  port: number,
  head: string,
  chunks: Iterable<Uint8Array>,
): Promise<{ answer: string; bytesWritten: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let bytesWritten = 0;
    const iterator = chunks[Symbol.iterator]();
    const feed = () => {
      while (answer === '') {
        const next = iterator.next();
        if (next.done) return;
        bytesWritten += next.value.length;
        if (!socket.write(next.value)) {
          socket.once('drain', feed);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      feed();
    });
    socket.on('data', (data) => {
      answer += data.toString('latin1');
    });
    // The server may reset a connection it stopped reading; what arrived before counts.
    socket.on('error', (error) => {
      if (answer !== '') resolve({ answer, bytesWritten, closed: true });
      else reject(error);
    });
    socket.on('close', () => resolve({ answer, bytesWritten, closed: true }));
  });
}
