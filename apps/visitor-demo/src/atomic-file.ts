import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VisitorDemoError } from './errors.js';

let temporaryCounter = 0;

/**
 * Replaces `path` with `text` crash-safely: a temporary file in the same directory, fsync,
 * rename over the old file, fsync of the directory. After a crash the file holds the old or the
 * new text, never a mix.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  temporaryCounter += 1;
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${temporaryCounter}.tmp`,
  );
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Temporary files a crash left before their rename: never the truth. */
export async function removeStaleTemporaryFiles(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
      .map((name) => rm(join(dirname(path), name), { force: true })),
  );
}

/**
 * Wraps a document's JSON with its format, version and SHA-256 digest, so that a file that is
 * edited or not ours is refused instead of being read as something else.
 */
export function sealDocument(format: string, version: number, body: unknown): string {
  const json = JSON.stringify(body);
  const sha256 = createHash('sha256').update(json).digest('hex');
  return `{"format":${JSON.stringify(format)},"version":${version},"sha256":"${sha256}","body":${json}}\n`;
}

/** Reads a sealed document; undefined if the file does not exist. */
export async function readSealedDocument(
  path: string,
  format: string,
  version: number,
): Promise<unknown> {
  await removeStaleTemporaryFiles(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let document: { format?: unknown; version?: unknown; sha256?: unknown; body?: unknown };
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new VisitorDemoError('StateCorrupt', `${path} is not valid JSON`, { cause: error });
  }
  if (document?.format !== format || document.version !== version) {
    throw new VisitorDemoError(
      'StateCorrupt',
      `${path} is not a ${format} version ${version} file`,
    );
  }
  const digest = createHash('sha256').update(JSON.stringify(document.body)).digest('hex');
  if (digest !== document.sha256) {
    throw new VisitorDemoError('StateCorrupt', `${path}: the SHA-256 digest does not match`);
  }
  return document.body;
}
