import {
  createServer as createHttp1Server,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  constants as http2Constants,
} from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type RequestHandler = (request: AnyRequest, response: AnyResponse) => void;

/** Timeouts that keep a slow or idle client from holding the server's resources. */
export interface ServerTimeouts {
  /** Time to receive a request's headers (and a new connection's first bytes). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request. */
  readonly requestTimeoutMs: number;
  /** An idle connection is closed after this long. */
  readonly idleTimeoutMs: number;
}

/** The HTTP/2 connection preface starts `PRI * HTTP/2.0`; no HTTP/1 method starts `PRI `. */
const PREFACE_START = Buffer.from('PRI ');

/**
 * One TCP port that speaks HTTP/1.1 and HTTP/2 cleartext with prior knowledge, as the AWS SDK
 * v3's default handler (HTTP/2) and `NodeHttpHandler` (HTTP/1.1) each expect. The first bytes of
 * a connection tell which protocol it speaks; the connection is then handed to the matching
 * Node server with those bytes put back.
 */
export function createDualProtocolServer(
  handler: RequestHandler,
  timeouts: ServerTimeouts,
): Server {
  const http1 = createHttp1Server(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      // Node requires headersTimeout <= requestTimeout.
      requestTimeout: Math.max(timeouts.requestTimeoutMs, timeouts.headersTimeoutMs),
      keepAliveTimeout: timeouts.idleTimeoutMs,
    },
    handler,
  );
  http1.setTimeout(timeouts.idleTimeoutMs);
  const h2 = createHttp2Server({ settings: { maxConcurrentStreams: 256 } }, handler);
  h2.on('session', (session) => {
    // Idle: no stream open and none started for idleTimeoutMs (a streaming answer such as a
    // SubscribeToShard keeps its session; it ends with its subscription). Our own timer rather than
    // session.setTimeout, whose timer outlives a closed session until it fires (holding the
    // session and its buffers): the SDK's Kinesis client opens a session per request.
    let openStreams = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (openStreams === 0) session.destroy();
        else armIdleTimer();
      }, timeouts.idleTimeoutMs);
    };
    session.on('stream', (stream) => {
      openStreams += 1;
      armIdleTimer();
      // A request body must arrive within requestTimeoutMs (as HTTP/1.1's server enforces), so
      // an open stream cannot hold the session forever by stalling.
      const bodyTimer = setTimeout(() => {
        if (!stream.readableEnded) stream.close(http2Constants.NGHTTP2_CANCEL);
      }, timeouts.requestTimeoutMs);
      stream.once('end', () => clearTimeout(bodyTimer));
      stream.once('close', () => {
        clearTimeout(bodyTimer);
        openStreams -= 1;
        armIdleTimer();
      });
    });
    armIdleTimer();
    // A client that sends the preface but never its SETTINGS never starts the session's timer.
    const settingsTimer = setTimeout(() => session.destroy(), timeouts.headersTimeoutMs);
    session.once('remoteSettings', () => clearTimeout(settingsTimer));
    session.once('close', () => {
      clearTimeout(settingsTimer);
      clearTimeout(idleTimer);
    });
  });

  const server = createTcpServer((socket: Socket) => {
    socket.setNoDelay(true);
    let received: Buffer = Buffer.alloc(0);
    const firstBytesTimer = setTimeout(() => socket.destroy(), timeouts.headersTimeoutMs);
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (
        received.length < PREFACE_START.length &&
        PREFACE_START.subarray(0, received.length).equals(received)
      ) {
        return; // Too few bytes to tell yet.
      }
      clearTimeout(firstBytesTimer);
      socket.off('data', onData);
      socket.pause();
      socket.unshift(received);
      if (received.subarray(0, PREFACE_START.length).equals(PREFACE_START)) {
        // A client that half-closes an HTTP/2 connection sends nothing more: end it, rather
        // than hold it until the settings or idle timeout.
        socket.once('end', () => socket.destroy());
        h2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        // The HTTP/1 server reads the buffered bytes only once the socket flows again.
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.once('close', () => clearTimeout(firstBytesTimer));
  });
  server.on('close', () => {
    http1.close();
    h2.close();
  });
  return server;
}
