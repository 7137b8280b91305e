import type { AnyRequest } from './dual-protocol-server.js';

/** A request body over the size limit; the connection is not read further. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly limitBytes: number;

  constructor(limitBytes: number, actualBytes: number | undefined) {
    super(
      actualBytes === undefined
        ? `Request body exceeds the limit of ${limitBytes} bytes`
        : `Request body of ${actualBytes} bytes exceeds the limit of ${limitBytes} bytes`,
    );
    this.limitBytes = limitBytes;
  }
}

/**
 * Reads a request body up to `limitBytes`. A declared Content-Length over the limit is refused
 * before any byte is read; a body that grows past the limit is refused as soon as it does, so an
 * oversized body is never buffered whole.
 */
export function readBody(request: AnyRequest, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new BodyTooLargeError(limitBytes, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.off('data', onData);
        request.pause();
        reject(new BodyTooLargeError(limitBytes, undefined));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    request.once('error', reject);
    request.once('aborted', () => reject(new Error('request aborted')));
  });
}
