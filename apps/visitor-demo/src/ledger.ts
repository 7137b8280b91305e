import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readSealedDocument, sealDocument } from './atomic-file.js';
import { VisitorDemoError } from './errors.js';

const FORMAT = 'kinesis-kit-visitor-ledger';
const VERSION = 1;

/** A visit as the simulator posts it. */
export interface LedgerVisit {
  readonly visitId: string;
  readonly url: string;
  readonly visitorId: string;
  readonly timestamp: number;
  readonly country: string;
}

/** A batch posted whose outcome is not known yet: in flight, or cut off by a crash. */
export interface InDoubtBatch {
  readonly batchId: string;
  readonly visits: readonly LedgerVisit[];
}

interface Snapshot {
  readonly sent: [string, number][];
  readonly failed: number;
  readonly lastSeq: number;
  readonly inDoubt: InDoubtBatch[];
}

type JournalLine =
  | { seq: number; type: 'intent'; batchId: string; visits: LedgerVisit[] }
  | { seq: number; type: 'stored'; batchId: string; visitIds: string[] }
  | { seq: number; type: 'abandoned'; batchId: string };

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/**
 * What the simulator sent: per URL, the visits Kinesis stored (the gateway answered `200` to
 * `?wait=stored`). It survives a SIGKILL exactly: before a batch is posted its visits go to a
 * journal (an `intent`), and once the gateway says which were stored, a `stored` line follows.
 * Journal lines are written with `write()` before anything else happens (the OS keeps them if the
 * process dies); every few seconds and on stop, the whole ledger is written crash-safely (fsync,
 * rename) and the journal emptied. A batch with an intent and no outcome is *in doubt*: on the
 * next start the simulator sends it again with the same visitIds — the counter counts a visitId
 * once, so this is safe whether or not the first try was stored.
 */
export class Ledger {
  readonly #path: string;
  readonly #journalPath: string;
  readonly #sent = new Map<string, number>();
  readonly #inDoubt = new Map<string, LedgerVisit[]>();
  #failed = 0;
  #seq = 0;
  #journal: number | undefined;

  private constructor(path: string) {
    this.#path = path;
    this.#journalPath = `${path.replace(/\.json$/, '')}.journal`;
  }

  /** The ledger of `path` (and its journal), empty if there is none yet. */
  static async open(path: string): Promise<Ledger> {
    const ledger = new Ledger(path);
    const snapshot = (await readSealedDocument(path, FORMAT, VERSION)) as Snapshot | undefined;
    try {
      if (snapshot !== undefined) {
        for (const [url, n] of snapshot.sent) {
          if (typeof url !== 'string' || typeof n !== 'number') throw new TypeError('bad entry');
          ledger.#sent.set(url, n);
        }
        ledger.#failed = snapshot.failed;
        ledger.#seq = snapshot.lastSeq;
        for (const batch of snapshot.inDoubt) ledger.#inDoubt.set(batch.batchId, [...batch.visits]);
      }
    } catch (error) {
      throw new VisitorDemoError('StateCorrupt', `${path} is malformed`, { cause: error });
    }
    ledger.#replay(snapshot?.lastSeq ?? 0);
    ledger.#journal = openSync(ledger.#journalPath, 'a');
    return ledger;
  }

  /** Journal lines after the snapshot; a line torn by a crash (the last) was never acted on. */
  #replay(lastSeq: number): void {
    let text: string;
    try {
      text = readFileSync(this.#journalPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const raw of text.split('\n')) {
      let line: JournalLine;
      try {
        line = JSON.parse(raw);
      } catch {
        continue;
      }
      if (typeof line?.seq !== 'number' || line.seq <= lastSeq) continue;
      this.#seq = line.seq;
      this.#apply(line);
    }
  }

  #apply(line: JournalLine): void {
    if (line.type === 'intent') {
      this.#inDoubt.set(line.batchId, line.visits);
      return;
    }
    const visits = this.#inDoubt.get(line.batchId);
    if (visits === undefined) return;
    if (line.type === 'abandoned') {
      this.#failed += visits.length;
      this.#inDoubt.delete(line.batchId);
      return;
    }
    const stored = new Set(line.visitIds);
    const rest: LedgerVisit[] = [];
    for (const visit of visits) {
      if (stored.has(visit.visitId))
        this.#sent.set(visit.url, (this.#sent.get(visit.url) ?? 0) + 1);
      else rest.push(visit);
    }
    if (rest.length === 0) this.#inDoubt.delete(line.batchId);
    else this.#inDoubt.set(line.batchId, rest);
  }

  #write(line: WithoutSeq<JournalLine>): void {
    this.#seq += 1;
    const full = { seq: this.#seq, ...line } as JournalLine;
    this.#apply(full);
    if (this.#journal === undefined) throw new Error('the ledger is closed');
    writeSync(this.#journal, `${JSON.stringify(full)}\n`);
  }

  /** A batch is about to be posted: journal it first, so that a crash leaves it in doubt. */
  intent(batchId: string, visits: readonly LedgerVisit[]): void {
    this.#write({ type: 'intent', batchId, visits: [...visits] });
  }

  /** The gateway said these visits of the batch are stored. */
  stored(batchId: string, visitIds: readonly string[]): void {
    this.#write({ type: 'stored', batchId, visitIds: [...visitIds] });
  }

  /** The simulator gave up on what is left of the batch (it may or may not be stored). */
  abandoned(batchId: string): void {
    this.#write({ type: 'abandoned', batchId });
  }

  /** Batches whose outcome is unknown (after a crash: to send again). */
  inDoubt(): InDoubtBatch[] {
    return [...this.#inDoubt].map(([batchId, visits]) => ({ batchId, visits }));
  }

  /** Visits in doubt per URL. */
  inDoubtPerUrl(): Map<string, number> {
    const perUrl = new Map<string, number>();
    for (const visits of this.#inDoubt.values()) {
      for (const visit of visits) perUrl.set(visit.url, (perUrl.get(visit.url) ?? 0) + 1);
    }
    return perUrl;
  }

  /** Visits stored per URL. */
  sent(): ReadonlyMap<string, number> {
    return this.#sent;
  }

  /** Visits given up on. */
  get failedCount(): number {
    return this.#failed;
  }

  /**
   * Writes the whole ledger crash-safely (temporary file, fsync, rename, directory fsync), then
   * empties the journal. Synchronous, so no journal line can slip in between; lines the snapshot
   * already holds are skipped by their sequence number if a crash comes before the truncation.
   */
  save(): void {
    if (this.#journal === undefined) return;
    const snapshot: Snapshot = {
      sent: [...this.#sent],
      failed: this.#failed,
      lastSeq: this.#seq,
      inDoubt: this.inDoubt(),
    };
    const temporary = join(dirname(this.#path), `.${basename(this.#path)}.${process.pid}.tmp`);
    const file = openSync(temporary, 'w');
    try {
      writeSync(file, sealDocument(FORMAT, VERSION, snapshot));
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
    renameSync(temporary, this.#path);
    const directory = openSync(dirname(this.#path), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
    ftruncateSync(this.#journal, 0);
  }

  /** Saves and closes the journal. */
  close(): void {
    if (this.#journal === undefined) return;
    this.save();
    closeSync(this.#journal);
    this.#journal = undefined;
  }
}
