/**
 * Interleaving: each run measures every subject in turn, in an order that alternates from one
 * run to the next, so that no subject always goes first (or last) on a shared machine.
 */

/**
 * The subjects (or entries) in the order run `run` (from 0) measures them: as listed on even
 * runs, reversed on odd ones.
 * @template T
 * @param {T[]} items
 * @param {number} run
 * @returns {T[]}
 */
export function inRunOrder(items, run) {
  return run % 2 === 0 ? items : [...items].reverse();
}
