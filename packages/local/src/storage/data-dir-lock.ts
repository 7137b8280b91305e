import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalKinesisError } from '../errors.js';

const LOCK_FILE = 'LOCK';

/**
 * Claims a data directory for this process: two endpoints writing the same logs would corrupt
 * each other. The lock file holds the owner's pid; a lock left by a process that no longer runs
 * (a crash, SIGKILL) is taken over, so a restart after a crash needs no cleanup.
 * Resolves to the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && isRunning(owner)) {
      throw new LocalKinesisError(
        'DataDirLocked',
        `data dir ${dataDir} is in use by process ${owner}; stop it or use another --data-dir`,
      );
    }
    await rm(file, { force: true });
  }
  throw new LocalKinesisError('DataDirLocked', `could not lock data dir ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
