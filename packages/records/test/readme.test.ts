import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const scratch = mkdtempSync(join(tmpdir(), 'records-readme-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('runs the README example and prints what its comments say', async () => {
  expect(example).toContain('RecordAggregator');
  const expected = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  expect(expected.length).toBeGreaterThan(0);
  const source = example.replace(
    "from '@kinesis-kit/records'",
    `from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)}`,
  );
  const file = join(scratch, 'example.ts');
  writeFileSync(file, source);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    printed.push(format(...args));
  });
  try {
    await import(pathToFileURL(file).href);
  } finally {
    log.mockRestore();
  }
  expect(printed).toEqual(expected);
});
