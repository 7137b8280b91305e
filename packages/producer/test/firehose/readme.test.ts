import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { decode, useFirehoseServer } from './support/helpers.js';

const packageDir = new URL('../../', import.meta.url);
const context = useFirehoseServer();
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

it('runs the README FirehoseProducer example against a Firehose endpoint', async () => {
  const { server } = context;
  server.deliveryStreams.add('clicks');
  const readme = readFileSync(new URL('README.md', packageDir), 'utf8');
  const source = /## FirehoseProducer\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(source).toContain('new FirehoseProducer');
  const expected = [...(source ?? '').matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(
    (match) => match[1],
  );
  const entry = fileURLToPath(new URL('src/index.ts', packageDir));
  const scratchRoot = fileURLToPath(new URL('test-results/', packageDir));
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'readme-firehose-'));
  const file = join(scratch, 'example.ts');
  writeFileSync(
    file,
    (source ?? '').replaceAll(`from '@kinesis-kit/producer'`, `from ${JSON.stringify(entry)}`),
  );
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_FIREHOSE: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(format(...args));
  };
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    rmSync(scratch, { recursive: true, force: true });
  }
  expect(expected.length).toBeGreaterThan(0);
  expect(printed).toEqual(expected);
  const lines = server.storedData('clicks').flatMap((data) => decode(data).split('\n'));
  expect(lines).toHaveLength(1001);
  expect(lines[0]).toBe('{"click":0}');
});
