import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger, type LedgerVisit } from '../src/index.js';

const A = 'https://shop.example/';
const B = 'https://shop.example/pricing';

function visits(prefix: string, urls: string[]): LedgerVisit[] {
  return urls.map((url, i) => ({
    visitId: `${prefix}-${i}`,
    url,
    visitorId: 'u',
    timestamp: 0,
    country: 'DE',
  }));
}

describe('the ledger', () => {
  const directory = mkdtempSync(join(tmpdir(), 'visitor-ledger-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('survives a crash with what was stored, and the batches in doubt', async () => {
    const path = join(directory, 'crash.ledger.json');
    const ledger = await Ledger.open(path);
    ledger.intent('b1', visits('b1', [A, A, B]));
    ledger.stored('b1', ['b1-0', 'b1-2']);
    ledger.intent('b2', visits('b2', [B]));
    ledger.intent('b3', visits('b3', [A]));
    ledger.abandoned('b3');
    // No save, no close: what a SIGKILL leaves.
    const reopened = await Ledger.open(path);
    expect([...reopened.sent()]).toEqual([
      [A, 1],
      [B, 1],
    ]);
    expect(reopened.inDoubt().map((batch) => batch.visits.map((v) => v.visitId))).toEqual([
      ['b1-1'],
      ['b2-0'],
    ]);
    expect(reopened.failedCount).toBe(1);
    expect([...reopened.inDoubtPerUrl()]).toEqual([
      [A, 1],
      [B, 1],
    ]);
    reopened.close();
  });

  it('counts nothing twice when a crash comes between the snapshot and emptying the journal', async () => {
    const path = join(directory, 'compaction.ledger.json');
    const journal = join(directory, 'compaction.ledger.journal');
    const ledger = await Ledger.open(path);
    ledger.intent('b1', visits('b1', [A, B]));
    ledger.stored('b1', ['b1-0', 'b1-1']);
    copyFileSync(journal, `${journal}.before`);
    ledger.save();
    ledger.intent('b2', visits('b2', [A]));
    ledger.stored('b2', ['b2-0']);
    const afterSave = await Ledger.open(path);
    expect(afterSave.sent().get(A)).toBe(2);
    // The journal as if the truncation never happened: its lines are in the snapshot already.
    copyFileSync(`${journal}.before`, journal);
    const replayed = await Ledger.open(path);
    expect([...replayed.sent()]).toEqual([
      [A, 1],
      [B, 1],
    ]);
    expect(replayed.inDoubt()).toEqual([]);
  });
});
