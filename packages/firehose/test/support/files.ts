import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'firehose-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `root`, as keys relative to it (`/`-separated), sorted. */
export function listKeys(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** A file's contents, gunzipped when its name ends in `.gz`. */
export function readObject(root: string, key: string): Buffer {
  const data = readFileSync(join(root, key));
  return key.endsWith('.gz') ? gunzipSync(data) : data;
}

/** The JSON lines of an error output object. */
export function readErrorLines(root: string, key: string): Array<Record<string, unknown>> {
  return readObject(root, key)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
