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

  it('names a bad --faults plan and exits with status 2', async () => {
    const json = await run(process.execPath, [CLI, '--faults', '{"rules":']).catch((e) => e);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('--faults is not valid JSON');
    const range = await run(process.execPath, [
      CLI,
      '--faults',
      '{"rules":[{"errorRate":3}]}',
    ]).catch((e) => e);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('faults.rules[0].errorRate must be a number from 0 to 1, got 3');
    const seed = await run(process.execPath, [CLI, '--fault-seed', '3']).catch((e) => e);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--fault-seed needs --faults or --faults-file');
  });

  it('puts the --faults plan in effect, with the --fault-seed', async () => {
    const child = await startChildEndpoint([
      '--faults',
      '{"rules":[{"operations":["PutRecords"],"errorRate":0.5}]}',
      '--fault-seed',
      '17',
    ]);
    try {
      const response = await fetch(`${child.endpoint}/_kinesis-kit/faults`);
      expect(await response.json()).toEqual({
        plan: { seed: 17, rules: [{ operations: ['PutRecords'], errorRate: 0.5 }] },
        counters: {
          InternalFailure: 0,
          ServiceUnavailable: 0,
          Throttling: 0,
          dropped: 0,
          delayed: 0,
        },
      });
    } finally {
      await kill(child, 'SIGKILL');
    }
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
