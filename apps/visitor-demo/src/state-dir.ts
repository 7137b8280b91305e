import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readSealedDocument, sealDocument, writeFileAtomic } from './atomic-file.js';
import { VisitorDemoError } from './errors.js';

const LOCK_FILE = 'visitor-demo.lock';
const FORMAT = 'kinesis-kit-visitor-stream';
const VERSION = 1;

/**
 * Claims the demo's state directory (counter state, checkpoints, ledger) for this process: two
 * demos sharing one would count and journal over each other. The lock file is created with
 * `O_EXCL` and holds the owner's pid; a lock left by a process that no longer runs (a crash,
 * SIGKILL) is taken over. Resolves to the function that releases it.
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return async () => {
        // Only our own lock: after a takeover the file may be another process's.
        const owner = await readFile(file, 'utf8').catch(() => '');
        if (Number.parseInt(owner, 10) === process.pid) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(file, 'utf8').catch(() => undefined);
    // A lock file being written right now (empty for a moment) is not stale.
    const owner = text === undefined || text === '' ? Number.NaN : Number.parseInt(text, 10);
    if (text === '' || (Number.isInteger(owner) && isRunning(owner))) {
      throw new VisitorDemoError(
        'StateDirLocked',
        `the demo's state in ${stateDir} is in use by ${Number.isInteger(owner) ? `process ${owner}` : 'another process'}: stop that demo, or use another --data-dir`,
      );
    }
    await rm(file, { force: true });
  }
  throw new VisitorDemoError('StateDirLocked', `could not lock the demo's state in ${stateDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Which stream the state of a state directory belongs to. */
export interface StreamIdentity {
  readonly streamArn: string;
  /** The stream's creation time, epoch milliseconds: a stream recreated under the same ARN differs. */
  readonly createdAtMs: number;
  /** The Kinesis endpoint (`'local'` for the demo's own local endpoint, whose port varies). */
  readonly endpoint: string;
  readonly region: string;
}

/**
 * Records which stream the state of `stateDir` belongs to (`<stream>.stream.json`) the first
 * time, and refuses a state of another stream afterwards: the counts, checkpoints and ledger of a
 * deleted or recreated stream, or of another endpoint or region, would make the demo count
 * nothing new (the checkpoints point past the new stream's records) and end with a large
 * `missing` and no explanation.
 */
export async function checkStreamIdentity(
  stateDir: string,
  streamName: string,
  identity: StreamIdentity,
): Promise<void> {
  const path = join(stateDir, `${streamName}.stream.json`);
  const stored = (await readSealedDocument(path, FORMAT, VERSION)) as
    | Partial<StreamIdentity>
    | undefined;
  if (stored === undefined) {
    await writeFileAtomic(path, sealDocument(FORMAT, VERSION, identity));
    return;
  }
  const differs = (Object.keys(identity) as (keyof StreamIdentity)[]).filter(
    (key) => stored[key] !== identity[key],
  );
  if (differs.length === 0) return;
  const describe = (id: Partial<StreamIdentity>) =>
    `${id.streamArn} created ${Number.isFinite(id.createdAtMs) ? new Date(id.createdAtMs as number).toISOString() : '?'} (endpoint ${id.endpoint}, region ${id.region})`;
  throw new VisitorDemoError(
    'StreamMismatch',
    `the demo's state in ${stateDir} belongs to stream ${describe(stored)}, not to ${describe(identity)} (${differs.join(', ')} differ): the stream was recreated, its endpoint lost its data, or the endpoint or region changed. Delete the folder ${stateDir} (or its ${streamName}.* files) to count the new stream from its start`,
  );
}
