/**
 * Free TCP ports on the loopback address, for the servers that cannot pick their own (port 0).
 */
import { createServer } from 'node:net';

/**
 * A port that was free a moment ago: the OS picks it for a listener that is closed at once. A
 * server started on it right after gets it unless something else took it in between; if so,
 * that server fails to start and says so.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
