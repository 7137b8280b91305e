import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';

/**
 * A TCP proxy in front of an endpoint (`target()`, read when a client connects) that counts the
 * connections clients open through it; started before a test file's tests, stopped after them.
 */
export function useConnectionCounter(target: () => string) {
  const context = { url: '', connections: 0 };
  const sockets = new Set<Socket>();
  let server: Server;
  beforeAll(async () => {
    server = createServer((client) => {
      context.connections += 1;
      const { hostname, port } = new URL(target());
      const upstream = connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).on('close', () => client.destroy());
      upstream.pipe(client).on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    context.url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return context;
}

/**
 * Points the standard AWS configuration (`AWS_ENDPOINT_URL_KINESIS`, `AWS_REGION`, access keys)
 * at `endpoint`, as code that builds its own client reads it, with nothing else from the
 * environment that could send it elsewhere (a profile, a session token, an order to ignore
 * configured endpoints); every test gets the environment back as it was.
 */
export function useStandardConfiguration(): (endpoint: string) => void {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return (endpoint) => {
    vi.stubEnv('AWS_ENDPOINT_URL_KINESIS', endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    for (const name of [
      'AWS_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    ]) {
      vi.stubEnv(name, undefined);
    }
  };
}
