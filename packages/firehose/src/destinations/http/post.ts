import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { Clock } from '../../clock.js';
import { withDeadline } from '../../shared/deadline.js';

/** How one POST ended: a response (body capped at 1 MiB + 1 byte) or why there was none. */
export type PostOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly body: Buffer;
      readonly tooLarge: boolean;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'connection'; readonly message: string };

/**
 * POSTs `body` to `url`, timing out after `timeoutMs` on `clock`; never rejects. Reads at most
 * 1 MiB + 1 byte of the response so an oversized answer is detected without buffering it
 * whole. Whatever way it ends, the timer, the abort listener and the connection are gone.
 *
 * @example
 * ```ts
 * const outcome = await post(url, headers, body, 180_000, systemClock, signal);
 * if (outcome.kind === 'response' && outcome.status === 200) console.log('delivered');
 * ```
 */
export async function post(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<PostOutcome> {
  const controller = new AbortController();
  const outcomes = { timedOut: { kind: 'timeout' }, aborted: { kind: 'aborted' } } as const;
  const outcome = await withDeadline<PostOutcome>(clock, timeoutMs, signal, outcomes, (finish) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const request = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(body.byteLength) },
          signal: controller.signal,
        },
        (response) => {
          const limit = FIREHOSE_LIMITS.httpEndpointMaxResponseBytes;
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.byteLength;
            if (bytes > limit) {
              finish(responseOutcome(response.statusCode, chunks, true));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => finish(responseOutcome(response.statusCode, chunks, false)));
          response.on('error', (error) => finish({ kind: 'connection', message: error.message }));
        },
      );
      request.on('error', (error) => finish({ kind: 'connection', message: error.message }));
      request.end(body);
    } catch (error) {
      // http.request throws synchronously for headers it cannot send; without this the
      // timer would keep the process alive for the whole response timeout.
      finish({ kind: 'connection', message: (error as Error).message });
    }
  });
  // Ends the request (and its socket) whichever way it settled.
  controller.abort();
  return outcome;
}

function responseOutcome(status: number | undefined, chunks: Buffer[], tooLarge: boolean) {
  return { kind: 'response', status: status ?? 0, body: Buffer.concat(chunks), tooLarge } as const;
}
