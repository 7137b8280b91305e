import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

/** What running a README's example printed, and what its comments say it prints. */
export interface ReadmeExampleRun {
  readonly source: string;
  readonly printed: string[];
  readonly expected: string[];
}

/**
 * Runs the first ```ts block under `## Example` (or another heading) of a package README, with the package's own
 * import replaced by its source entry point, and returns what it printed with `console.log`
 * next to the `// comment` of each `console.log(...)` line: a README whose example no longer
 * runs, or no longer prints what it says, fails its package's tests.
 */
export async function runReadmeExample(
  packageDir: URL,
  packageName: string,
  heading = 'Example',
): Promise<ReadmeExampleRun> {
  const readme = readFileSync(new URL('README.md', packageDir), 'utf8');
  const section = readme.split(`\n## ${heading}\n`)[1];
  const source = section === undefined ? undefined : /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (source === undefined) {
    throw new Error(`${packageName}: README has no ts block under ## ${heading}`);
  }
  const expected = [...source.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(
    (match) => match[1] as string,
  );
  const entry = fileURLToPath(new URL('src/index.ts', packageDir));
  const runnable = source.replaceAll(`from '${packageName}'`, `from ${JSON.stringify(entry)}`);
  // Inside the package (test-results/ is git-ignored), so that the example's other imports
  // resolve through the workspace's node_modules as a user's would.
  const scratchRoot = fileURLToPath(new URL('test-results/', packageDir));
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'readme-example-'));
  const file = join(scratch, 'example.ts');
  writeFileSync(file, runnable);
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
  return { source, printed, expected };
}
