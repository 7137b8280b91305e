/**
 * The local endpoint this benchmark reads from, as a child process: in memory, or on a data
 * directory that holds a prepared backlog.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startEndpointProcess } from '@kinesis-kit/bench-harness';

const manifest = createRequire(import.meta.url).resolve('@kinesis-kit/local/package.json');
const CLI = join(dirname(manifest), 'dist', 'cli.js');

/**
 * @param {{ limits: 'aws' | 'off', dataDir?: string }} options
 * @returns {Promise<import('@kinesis-kit/bench-harness').EndpointProcess>}
 */
export function startEndpoint({ limits, dataDir }) {
  return startEndpointProcess(CLI, [
    '--limits',
    limits,
    // Reads are measured, not durability: the backlog is written once, with no fsync.
    ...(dataDir === undefined ? [] : ['--data-dir', dataDir, '--fsync', 'never']),
  ]);
}
