import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const block = (heading: string) =>
  new RegExp(`## ${heading}\\n\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1] ?? '';
const entry = JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname);
const scratch = mkdtempSync(join(tmpdir(), 'firehose-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function materialise(name: string, code: string): string {
  const file = join(scratch, name);
  writeFileSync(file, code.replaceAll("from '@kinesis-kit/firehose'", `from ${entry}`));
  return pathToFileURL(file).href;
}

const transformerExample = block('A transformer and its unit test');
const pipelineExample = block('A local pipeline writing to a directory');

describe('README', () => {
  it('keeps both examples under 30 lines', () => {
    expect(transformerExample.split('\n').length).toBeLessThan(30);
    expect(pipelineExample.split('\n').length).toBeLessThan(30);
    expect(transformerExample).toContain('runTransformer');
    expect(pipelineExample).toContain('s3Directory');
  });

  it('runs the pipeline example and prints what its comments say', async () => {
    const expected = [...pipelineExample.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(
      (m) => m[1],
    );
    expect(expected.length).toBeGreaterThan(0);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
      printed.push(format(...args));
    });
    // The example makes its bucket under os.tmpdir(): inside the scratch directory, it goes
    // when the scratch directory does.
    vi.stubEnv('TMPDIR', scratch);
    try {
      await import(materialise('pipeline.ts', pipelineExample));
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(printed).toEqual(expected);
  });
});

// The transformer example is itself a test: importing it registers its `it` here.
describe('README transformer example', async () => {
  await import(materialise('transformer.ts', transformerExample));
});
