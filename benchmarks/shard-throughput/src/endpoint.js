/**
 * The local endpoint under AWS limits, as a child process (it never shares the subjects' event
 * loop): `kinesis-kit-local --port 0 --limits aws --quiet`, through the harness.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startEndpointProcess } from '@kinesis-kit/bench-harness';

const manifest = createRequire(import.meta.url).resolve('@kinesis-kit/local/package.json');
const CLI = join(dirname(manifest), 'dist', 'cli.js');

/**
 * Starts an endpoint and waits until it listens.
 * @returns {Promise<import('@kinesis-kit/bench-harness').EndpointProcess>}
 */
export function startEndpoint() {
  return startEndpointProcess(CLI, ['--limits', 'aws']);
}
