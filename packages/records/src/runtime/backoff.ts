/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * `initialMs × 2^(n-1)`, capped at `maxMs`. The jitter spreads apart the retries of many clients (producers,
 * consumers) that failed together.
 */
export function backoffMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
