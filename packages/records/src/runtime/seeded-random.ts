/**
 * A seeded pseudo-random generator (mulberry32: its whole state is one 32-bit number): numbers in
 * [0, 1), the same sequence for the same seed, so that a fault plan, a workload or a failing test
 * run can be repeated. Not for anything secret.
 *
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // the same number on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
