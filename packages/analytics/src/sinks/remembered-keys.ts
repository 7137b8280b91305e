/**
 * The keys an alert sink has raised, each with when it was first seen, bounded two ways: at most
 * `maxKeys` (the oldest is forgotten first) and for at most `ttlMs` each. A Map keeps insertion
 * order, which is first-seen order, so both evictions take from its front.
 */
export class RememberedKeys {
  readonly #firstSeenMs = new Map<string, number>();
  readonly #maxKeys: number;
  readonly #ttlMs: number;

  constructor(maxKeys: number, ttlMs: number) {
    this.#maxKeys = maxKeys;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#firstSeenMs.size;
  }

  /** Whether `key` is remembered and not expired at `nowMs`. */
  has(key: string, nowMs: number): boolean {
    const firstSeenMs = this.#firstSeenMs.get(key);
    if (firstSeenMs === undefined) return false;
    if (nowMs - firstSeenMs < this.#ttlMs) return true;
    this.#firstSeenMs.delete(key);
    return false;
  }

  /** Remembers `key` as first seen at `firstSeenMs`, forgetting the oldest beyond the bounds. */
  add(key: string, firstSeenMs: number, nowMs: number): void {
    this.#firstSeenMs.delete(key);
    this.#firstSeenMs.set(key, firstSeenMs);
    for (const [oldest, seenMs] of this.#firstSeenMs) {
      if (this.#firstSeenMs.size <= this.#maxKeys && nowMs - seenMs < this.#ttlMs) break;
      this.#firstSeenMs.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#firstSeenMs.delete(key);
  }

  /** Key and first-seen time of every remembered key, oldest first. */
  entries(): IterableIterator<[string, number]> {
    return this.#firstSeenMs.entries();
  }
}
