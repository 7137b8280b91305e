import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../src/index.js';
import { MODES } from './support/consume.js';
import { createStream, encode, putPlain, useLocalKinesis, waitFor } from './support/local.js';

const child = fileURLToPath(new URL('./support/consumer-child.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface BatchLine {
  readonly type: 'batch';
  readonly shardId: string;
  readonly values: string[];
}

/** The batches a child wrote; a line torn by SIGKILL (the last one) was not handled. */
function batchesOf(path: string): BatchLine[] {
  if (!existsSync(path)) return [];
  const batches: BatchLine[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    let parsed: { type: string };
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (parsed.type === 'batch') batches.push(parsed as BatchLine);
  }
  return batches;
}

const countValues = (batches: readonly BatchLine[]) =>
  batches.reduce((sum, batch) => sum + batch.values.length, 0);

describe.each(MODES)('a consumer process killed mid-stream (%s)', (mode) => {
  const local = useLocalKinesis({ limits: 'off' });
  const directory = mkdtempSync(join(tmpdir(), 'consumer-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const process of children) process.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  function startChild(streamName: string, output: string, hangAfter?: number) {
    const args = [child, local.kinesis.endpoint, streamName, join(directory, 'checkpoints.json')];
    const process = spawn(
      globalThis.process.execPath,
      [...args, output, ...(hangAfter === undefined ? [] : [String(hangAfter)])],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...globalThis.process.env, CONSUMER_MODE: mode },
      },
    );
    children.push(process);
    let stderr = '';
    process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>(
      (resolve) => process.once('exit', (code, signal) => resolve({ code, signal, stderr })),
    );
    return { process, exited };
  }

  it('re-delivers after a restart only the last uncheckpointed batch of each shard', async () => {
    expect(existsSync(dist), 'build first: npx tsup (nx runs it before test)').toBe(true);
    const streamName = await createStream(local.client, 2);
    const total = 600;
    await putPlain(
      local.client,
      streamName,
      Array.from({ length: total }, (_, i) => ({
        partitionKey: `key-${i % 17}`,
        data: encode(String(i)),
      })),
    );
    const firstOutput = join(directory, 'first.jsonl');
    const first = startChild(streamName, firstOutput);
    await waitFor(
      () => countValues(batchesOf(firstOutput)) >= 150,
      'the first child to be under way',
    );
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const before = batchesOf(firstOutput);
    expect(countValues(before)).toBeLessThan(total);

    const secondOutput = join(directory, 'second.jsonl');
    const second = startChild(streamName, secondOutput);
    await waitFor(
      () => new Set([...before, ...batchesOf(secondOutput)].flatMap((b) => b.values)).size >= total,
      'every record after the restart',
      20_000,
    );
    second.process.kill('SIGTERM');
    const secondExit = await second.exited;
    expect(secondExit.code, secondExit.stderr).toBe(0);
    const after = batchesOf(secondOutput);

    // At least once: every record was handled.
    const handled = [...before, ...after].flatMap((batch) => batch.values);
    expect(new Set(handled).size).toBe(total);
    // Within one process, never twice.
    for (const run of [before, after]) {
      const values = run.flatMap((batch) => batch.values);
      expect(new Set(values).size).toBe(values.length);
    }
    // Duplicates: per shard, nothing, or exactly the first process's last batch.
    const secondValues = new Set(after.flatMap((batch) => batch.values));
    for (const shardId of new Set(before.map((batch) => batch.shardId))) {
      const ofShard = before.filter((batch) => batch.shardId === shardId);
      const duplicates = ofShard
        .flatMap((batch) => batch.values)
        .filter((v) => secondValues.has(v));
      if (duplicates.length > 0) expect(duplicates).toEqual(ofShard.at(-1)?.values);
    }
    // The clean stop left a valid checkpoint file covering every shard it read.
    const stored = await new FileCheckpointStore({
      path: join(directory, 'checkpoints.json'),
    }).loadAll();
    expect([...stored.keys()].sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
  }, 30_000);
});
