/** One URL whose counted visitors differ from what was sent. */
export interface UrlReconciliation {
  readonly url: string;
  readonly sent: number;
  readonly counted: number;
}

/** Sent (the simulator's ledger) against counted (the consumer's totals). */
export interface Reconciliation {
  /** Visits sent: those the gateway said Kinesis stored (`?wait=stored`). */
  readonly sent: number;
  /** Visitors counted for the URLs that were sent. */
  readonly counted: number;
  /** Sent but not counted (summed per URL). While running: in flight. */
  readonly missing: number;
  /** Counted more often than sent or possibly sent (summed per URL). The demo promises 0. */
  readonly duplicates: number;
  /**
   * Visits whose outcome the ledger does not know (a POST without an answer, or cut off by a
   * crash): sent again at the next start. A URL may count up to this many more than `sent`.
   */
  readonly inDoubt: number;
  /** Visitors counted for URLs the simulator never sent (posted by other clients). */
  readonly unledgered: number;
  /** URLs the ledger has. */
  readonly urlCount: number;
  /** The URLs that differ (at most 100, largest difference first). */
  readonly urls: readonly UrlReconciliation[];
}

const MAX_LISTED = 100;

/** Compares what was sent with what was counted, URL by URL. */
export function reconcile(
  sent: ReadonlyMap<string, number>,
  counted: ReadonlyMap<string, number>,
  inDoubt: ReadonlyMap<string, number> = new Map(),
): Reconciliation {
  let inDoubtTotal = 0;
  for (const n of inDoubt.values()) inDoubtTotal += n;
  let sentTotal = 0;
  let countedTotal = 0;
  let missing = 0;
  let duplicates = 0;
  const differing: UrlReconciliation[] = [];
  for (const [url, n] of sent) {
    const c = counted.get(url) ?? 0;
    sentTotal += n;
    countedTotal += c;
    if (c < n) missing += n - c;
    const possible = n + (inDoubt.get(url) ?? 0);
    if (c > possible) duplicates += c - possible;
    if (c !== n) differing.push({ url, sent: n, counted: c });
  }
  let unledgered = 0;
  for (const [url, c] of counted) {
    if (sent.has(url)) continue;
    const possible = inDoubt.get(url) ?? 0;
    if (possible === 0) unledgered += c;
    else if (c > possible) duplicates += c - possible;
  }
  differing.sort((a, b) => Math.abs(b.sent - b.counted) - Math.abs(a.sent - a.counted));
  return {
    sent: sentTotal,
    counted: countedTotal,
    missing,
    duplicates,
    inDoubt: inDoubtTotal,
    unledgered,
    urlCount: sent.size,
    urls: differing.slice(0, MAX_LISTED),
  };
}
