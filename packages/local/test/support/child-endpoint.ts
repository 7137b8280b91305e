import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The endpoint's CLI in a child process, so that tests can kill it for real. */
export interface ChildEndpoint {
  readonly process: ChildProcess;
  readonly endpoint: string;
}

/** Starts `kinesis-kit-local` (the built CLI) and resolves once it prints its endpoint. */
export async function startChildEndpoint(args: readonly string[]): Promise<ChildEndpoint> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`endpoint exited with ${code}: ${errors}`)));
  });
  return { process: child, endpoint };
}

/** Kills the child with a signal and waits until it is gone. */
export async function kill(child: ChildEndpoint, signal: NodeJS.Signals): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill(signal);
  await exited;
}
