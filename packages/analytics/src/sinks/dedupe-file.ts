import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';

/**
 * An alert sink's remembered keys on disk: an append-only file of lines `["key",firstSeenMs]`,
 * so that a new process (a restart replaying its input) does not raise the same alerts again.
 * The owner rewrites it from what it remembers (`compact`) once it has grown past twice that,
 * which bounds its size. A line cut short by a crash is skipped when loading, and the file is
 * then rewritten so that the next append starts on a line of its own.
 */
export class DedupeFile {
  readonly path: string;
  #lines = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Lines in the file, as far as this process wrote or read them. */
  get lines(): number {
    return this.#lines;
  }

  /**
   * The entries of the file, oldest first (none when it does not exist), and whether it needs
   * a rewrite (a torn or unreadable line).
   */
  async load(): Promise<{ entries: [string, number][]; damaged: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { entries: [], damaged: false };
      throw error;
    }
    const entries: [string, number][] = [];
    let damaged = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseLine(line);
      if (entry) entries.push(entry);
      else damaged = true;
    }
    this.#lines = entries.length;
    return { entries, damaged };
  }

  /** Appends entries, one line each, in one write. */
  async append(entries: readonly (readonly [string, number])[]): Promise<void> {
    let text = '';
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
    await appendFile(this.path, text, 'utf8');
    this.#lines += entries.length;
  }

  /** Replaces the file with `entries`: written beside it, then renamed over it (atomic). */
  async compact(entries: Iterable<readonly [string, number]>): Promise<void> {
    let text = '';
    let count = 0;
    for (const entry of entries) {
      text += `${JSON.stringify(entry)}\n`;
      count++;
    }
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, this.path);
    this.#lines = count;
  }
}

function parseLine(line: string): [string, number] | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'number' &&
      Number.isFinite(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // A line cut short by a crash: skipped.
  }
  return undefined;
}
