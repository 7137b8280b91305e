import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { kill, startChildEndpoint } from './support/child-endpoint.js';
import { clientFor } from './support/local-kinesis.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

describe('kinesis-kit-local', () => {
  it('prints its usage with --help', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--help']);
    expect(stdout).toContain('Usage: kinesis-kit-local [options]');
    expect(stdout).toContain('--create-stream <name:shards>');
  });

  it('names a bad option and exits with status 2', async () => {
    const failure = await run(process.execPath, [CLI, '--limits', 'fast']).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--limits must be aws or off, got fast');
    const unknown = await run(process.execPath, [CLI, '--turbo']).catch((e) => e);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--turbo'");
  });

  it('creates the streams it is given and shuts down cleanly on SIGTERM', async () => {
    const child = await startChildEndpoint([
      '--create-stream',
      'clicks:2',
      '--create-stream',
      'views:1',
    ]);
    const client = clientFor(child.endpoint);
    const { StreamNames } = await client.send(new ListStreamsCommand({}));
    expect(StreamNames).toEqual(['clicks', 'views']);
    client.destroy();
    const exited = once(child.process, 'exit');
    child.process.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    await kill(child, 'SIGKILL');
  });
});
