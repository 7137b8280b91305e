/**
 * Deterministic randomness for workloads: the same seed gives the same partition keys and bytes
 * on every run, so runs and machines compare like with like.
 */

/**
 * mulberry32: a small, fast, seeded 32-bit PRNG (not cryptographic, which is not needed here).
 * @param {number} seed
 * @returns {() => number} next unsigned 32-bit integer
 */
export function createPrng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

/** Length of the keys `uuidLike` makes. */
export const UUID_LIKE_CHARS = 36;

/**
 * A 36-character UUID-like key (8-4-4-4-12 hex digits), random from the PRNG.
 * @param {() => number} next
 */
export function uuidLike(next) {
  let hex = '';
  for (let word = 0; word < 4; word++) hex += next().toString(16).padStart(8, '0');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `${groups.join('-')}-${hex.slice(20)}`;
}

/**
 * `count` bytes from the PRNG, in a Buffer of their own (each 32-bit draw gives 4 bytes, low
 * byte first).
 * @param {() => number} next
 * @param {number} count
 */
export function randomBytes(next, count) {
  const data = Buffer.alloc(count);
  for (let offset = 0; offset < count; offset += 4) {
    const word = next();
    for (let byte = 0; byte < 4 && offset + byte < count; byte++) {
      data[offset + byte] = (word >>> (byte * 8)) & 0xff;
    }
  }
  return data;
}
