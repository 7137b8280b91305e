import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes a directory's entries (created, renamed or removed files) durable. Windows cannot open
 * a directory for fsync and NTFS journals its metadata, so there it is a no-op.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `text` so that a crash leaves either the old or the new content, never a
 * mix: write a temporary file, fsync it, rename it over `path`, fsync the directory. With
 * `sync: false` the rename still keeps it atomic for a process crash, not for a power loss.
 */
export async function writeFileAtomic(path: string, text: string, sync: boolean): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  if (sync) await syncDirectory(dirname(path));
}
