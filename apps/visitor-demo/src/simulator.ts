import { randomBytes } from 'node:crypto';
import { type Logger, RateCounter, seededRandom, silentLogger } from '@kinesis-kit/records';
import { urlCatalogue, ZipfSampler } from './catalogue.js';
import { DEFAULTS } from './defaults.js';
import type { Ledger, LedgerVisit } from './ledger.js';

/** Options of {@link Simulator}. */
export interface SimulatorOptions {
  /** The gateway's base URL (`http://127.0.0.1:3001`). */
  readonly gatewayUrl: string;
  /** Where batches are journaled before they are posted, and their stored visits recorded. */
  readonly ledger: Ledger;
  /** Visits per second. @default 2000 */
  readonly ratePerSec?: number;
  /** URLs in the catalogue. @default 200 */
  readonly urlCount?: number;
  /** Zipf exponent of URL popularity. @default 1.07 */
  readonly zipfExponent?: number;
  /** Visits per POST (≤ the gateway's 500). @default 100 */
  readonly batchSize?: number;
  /** POSTs in flight at once. @default 16 */
  readonly maxInFlight?: number;
  /** Seed of the visit generator; a random one by default. */
  readonly seed?: number;
  readonly logger?: Logger;
}

/** What the simulator did, as a snapshot. */
export interface SimulatorMetrics {
  /** Visits Kinesis stored (the gateway answered `?wait=stored`). */
  readonly stored: number;
  /** Stored visits per second, over the last seconds. */
  readonly storedPerSec: number;
  /** Batches refused with 503 (the gateway's buffer was full) and sent again. */
  readonly overloaded: number;
  /** Visits given up on (refused for good, or not stored after every try). */
  readonly dropped: number;
  /** Visits not generated because every POST slot was busy (the pipeline is slower than the rate). */
  readonly skipped: number;
  /** Visits sent again at start because a crash left their outcome unknown. */
  readonly resent: number;
}

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'JP', 'NL', 'SE', 'CA', 'ES', 'AU'];
const TICK_MS = 50;
const MAX_ATTEMPTS = 5;

interface StoredAnswer {
  readonly results?: readonly {
    visitId: string;
    sequenceNumber?: string;
    error?: { retriable: boolean };
  }[];
}

/**
 * Simulated visitors: visits to a catalogue of URLs with Zipf popularity, at a steady rate,
 * POSTed in batches to the ingest gateway with `?wait=stored`. The ledger journals each batch
 * before it is posted and records the visits the gateway says are stored. What was not stored is
 * sent again with the same visitIds: after a 503 (the gateway admits a batch whole or not at
 * all), the failed visits of a 502, a POST without an answer — and, at the next start, batches a
 * crash left in doubt. The counter counts each visitId once, so none of this double-counts.
 */
export class Simulator {
  readonly #options: Required<Omit<SimulatorOptions, 'logger' | 'seed'>>;
  readonly #logger: Logger;
  readonly #urls: string[];
  readonly #sampler: ZipfSampler;
  readonly #random: () => number;
  readonly #runId = randomBytes(4).toString('hex');
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  readonly #storedRate = new RateCounter();
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #generated = 0;
  #sequence = 0;
  #batches = 0;
  #stored = 0;
  #overloaded = 0;
  #dropped = 0;
  #skipped = 0;
  #resent = 0;

  constructor(options: SimulatorOptions) {
    this.#options = {
      gatewayUrl: options.gatewayUrl,
      ledger: options.ledger,
      ratePerSec: options.ratePerSec ?? DEFAULTS.ratePerSec,
      urlCount: options.urlCount ?? DEFAULTS.urlCount,
      zipfExponent: options.zipfExponent ?? DEFAULTS.zipfExponent,
      batchSize: options.batchSize ?? DEFAULTS.simulatorBatchSize,
      maxInFlight: options.maxInFlight ?? DEFAULTS.simulatorMaxInFlight,
    };
    this.#logger = options.logger ?? silentLogger;
    this.#random = seededRandom(options.seed ?? randomBytes(4).readUInt32LE(0));
    this.#urls = urlCatalogue(this.#options.urlCount);
    this.#sampler = new ZipfSampler(this.#urls.length, this.#options.zipfExponent, this.#random);
  }

  /** The simulated URLs, the most popular first. */
  get urls(): readonly string[] {
    return this.#urls;
  }

  /**
   * Sends again, with their visitIds, the batches the ledger has in doubt (a crash cut them off)
   * and waits until they are stored. Returns how many visits that was.
   */
  async resendInDoubt(): Promise<number> {
    const batches = this.#options.ledger.inDoubt();
    const visits = batches.reduce((sum, batch) => sum + batch.visits.length, 0);
    this.#resent += visits;
    await Promise.all(batches.map((batch) => this.#send(batch.batchId, batch.visits)));
    return visits;
  }

  /** Starts sending. */
  start(): void {
    if (this.#timer !== undefined || this.#stopping.signal.aborted) return;
    this.#startedAt = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** Stops generating visits and waits for the POSTs in flight (a 503 is then not retried). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping.abort();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  metrics(): SimulatorMetrics {
    return {
      stored: this.#stored,
      storedPerSec: this.#storedRate.perSecond(Date.now()),
      overloaded: this.#overloaded,
      dropped: this.#dropped,
      skipped: this.#skipped,
      resent: this.#resent,
    };
  }

  #tick(): void {
    const { ratePerSec, batchSize, maxInFlight, ledger } = this.#options;
    const due = Math.floor(((Date.now() - this.#startedAt) * ratePerSec) / 1000) - this.#generated;
    let remaining = Math.min(due, ratePerSec);
    // Falling behind by more than a second is not made up in a burst.
    if (due > remaining) this.#skipped += due - remaining;
    this.#generated += due;
    while (remaining > 0) {
      if (this.#inFlight.size >= maxInFlight) {
        this.#skipped += remaining;
        return;
      }
      const size = Math.min(batchSize, remaining);
      remaining -= size;
      this.#batches += 1;
      const batchId = `${this.#runId}-b${this.#batches.toString(36)}`;
      const visits = Array.from({ length: size }, () => this.#visit());
      ledger.intent(batchId, visits);
      const post = this.#send(batchId, visits).finally(() => {
        this.#inFlight.delete(post);
      });
      this.#inFlight.add(post);
    }
  }

  #visit(): LedgerVisit {
    this.#sequence += 1;
    return {
      visitId: `${this.#runId}-${this.#sequence.toString(36)}`,
      url: this.#urls[this.#sampler.next()] as string,
      visitorId: `visitor-${Math.floor(this.#random() * 50_000)}`,
      timestamp: Date.now(),
      country: COUNTRIES[Math.floor(this.#random() * COUNTRIES.length)] as string,
    };
  }

  /** Posts until every visit of the batch is stored, or gives up (the ledger says which). */
  async #send(batchId: string, batch: readonly LedgerVisit[]): Promise<void> {
    const { ledger, gatewayUrl } = this.#options;
    let visits = batch;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let answer: StoredAnswer;
      let retryAfterMs = 100 * attempt;
      try {
        const response = await fetch(`${gatewayUrl}/v1/visits?wait=stored`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(visits),
        });
        status = response.status;
        answer = (await response.json()) as StoredAnswer;
        if (status === 503) {
          this.#overloaded += 1;
          retryAfterMs = Math.max(50, Number(response.headers.get('retry-after') ?? '1') * 1000);
        }
      } catch (error) {
        // No answer: the batch may be stored or not. It stays in doubt if we stop now; sending
        // it again is safe, the counter counts each visitId once.
        if (attempt >= MAX_ATTEMPTS || !(await this.#pause(retryAfterMs))) {
          this.#logger.warn(`simulator: batch ${batchId} got no answer; left in doubt`, {
            error: String(error),
          });
          return;
        }
        continue;
      }
      if (status === 200 || status === 502) {
        const stored = new Set(
          (answer.results ?? [])
            .filter((r) => r.sequenceNumber !== undefined)
            .map((r) => r.visitId),
        );
        if (stored.size > 0) {
          ledger.stored(batchId, [...stored]);
          this.#stored += stored.size;
          this.#storedRate.add(stored.size, Date.now());
        }
        visits = visits.filter((visit) => !stored.has(visit.visitId));
        if (visits.length === 0) return;
      }
      if (status === 502 && (attempt >= MAX_ATTEMPTS || !(await this.#pause(retryAfterMs)))) {
        // Not stored after every try, as far as the producer knows: a write that timed out may
        // still have landed. Left in doubt, to be sent again at the next start.
        this.#logger.warn(
          `simulator: ${visits.length} visits of batch ${batchId} not stored yet; left in doubt`,
        );
        return;
      }
      if (status === 502) continue;
      // A 503 is worth another try (nothing of the batch was kept); a 4xx never is.
      if (status !== 503 || attempt >= MAX_ATTEMPTS || !(await this.#pause(retryAfterMs))) {
        ledger.abandoned(batchId);
        this.#dropped += visits.length;
        this.#logger.warn(
          `simulator: ${visits.length} visits not stored (HTTP ${status}): dropped`,
        );
        return;
      }
    }
  }
  /** Waits `ms`; false if the simulator is stopping (nothing more is retried then). */
  #pause(ms: number): Promise<boolean> {
    const signal = this.#stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
