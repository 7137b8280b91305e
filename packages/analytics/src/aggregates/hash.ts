/**
 * A fast, non-cryptographic 53-bit hash of a SQL value, for HyperLogLog. Two 32-bit
 * multiply-xorshift lanes run over the input (UTF-16 code units of a string, or the two 32-bit
 * words of a number's IEEE-754 bits), then both are finalised with MurmurHash3's `fmix32` and
 * cross-mixed so every input bit reaches every output bit. 53 bits because that is what a JS
 * number holds exactly: the sketch's sparse set stores the hash itself.
 */

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const TWO_POW_32 = 2 ** 32;

function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function finish(lane1: number, lane2: number): number {
  const a = fmix32(lane1 ^ Math.imul(lane2 ^ (lane2 >>> 15), 0x2c1b3c6d));
  const b = fmix32(lane2 ^ Math.imul(a ^ (a >>> 13), 0x297a2d39));
  // The top 21 bits of `a` and all 32 of `b`.
  return (a >>> 11) * TWO_POW_32 + b;
}

/** The hash of a string's UTF-16 code units. */
export function hashString(text: string): number {
  let lane1 = 0xdeadbeef ^ text.length;
  let lane2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    lane1 = Math.imul(lane1 ^ unit, 0x9e3779b1);
    lane2 = Math.imul(lane2 ^ unit, 0x5f356495);
    lane1 ^= lane1 >>> 15;
    lane2 ^= lane2 >>> 13;
  }
  return finish(lane1, lane2);
}

/** The hash of a number's bits; `-0` hashes as `0` and every NaN alike, as they compare equal. */
export function hashNumber(value: number): number {
  BITS[0] = value === 0 ? 0 : Number.isNaN(value) ? Number.NaN : value;
  const low = WORDS[0] as number;
  const high = WORDS[1] as number;
  let lane1 = Math.imul(low ^ 0x3c6ef372, 0x9e3779b1);
  let lane2 = Math.imul(high ^ 0xa54ff53a, 0x5f356495);
  lane1 ^= Math.imul(high ^ (high >>> 15), 0x85ebca6b);
  lane2 ^= Math.imul(low ^ (low >>> 13), 0xc2b2ae35);
  return finish(lane1, lane2);
}

/**
 * The 53-bit hash (an integer in `[0, 2^53)`) of a non-null SQL value: numbers by their bits,
 * strings by their text, booleans and `ANY` values (objects) by their text form.
 */
export function hashValue(value: unknown): number {
  if (typeof value === 'number') return hashNumber(value);
  if (typeof value === 'string') return hashString(value);
  return hashString(typeof value === 'object' ? JSON.stringify(value) : String(value));
}
