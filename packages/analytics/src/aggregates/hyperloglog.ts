import { hashValue } from './hash.js';

/**
 * HyperLogLog precision: `2^14` = 16,384 one-byte registers (16 KiB once dense), for a standard
 * error of `1.04 / sqrt(16384)` ≈ 0.81 % on large cardinalities.
 */
export const HLL_PRECISION = 14;
/** Registers of a dense sketch: `2^HLL_PRECISION`. */
export const HLL_REGISTERS = 2 ** HLL_PRECISION;
/** The relative standard error of a dense sketch's estimate: `1.04 / sqrt(HLL_REGISTERS)`. */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);
/**
 * Distinct hashes a sketch keeps exactly before it switches to registers. The sparse set is an
 * open-addressing table of 8-byte slots at most half full, so at this limit it takes 16 KiB,
 * the size of the registers: a sketch never holds more than about 16 KiB, and a group with up
 * to 1,024 distinct values costs 8–16 bytes per value and counts them exactly (up to 53-bit
 * hash collisions, about 1 in 10^10 at this size).
 */
export const HLL_SPARSE_LIMIT = HLL_REGISTERS / 16;

const HASH_BITS = 53;
/** Hash bits left after the register index; a register holds 1 + their leading zeros. */
const RANK_BITS = HASH_BITS - HLL_PRECISION;
const RANK_SCALE = 2 ** RANK_BITS;
const TWO_POW_32 = 2 ** 32;
const INITIAL_SLOTS = 8;

/**
 * A HyperLogLog distinct-count sketch over 53-bit value hashes ({@link hashValue}). It starts
 * sparse (an exact set of hashes) and turns into {@link HLL_REGISTERS} registers past
 * {@link HLL_SPARSE_LIMIT} distinct hashes. The dense estimate is Ertl's improved estimator
 * ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which needs no
 * empirical bias tables and behaves as linear counting at small cardinalities, so it stays
 * within about {@link HLL_STANDARD_ERROR} across the whole range. Mergeable: the union of two
 * sketches is the sketch of the union of their inputs.
 */
export class HyperLogLog {
  /** Sparse: hash + 1 per used slot (0 is empty); `null` once dense. */
  #slots: Float64Array | null = new Float64Array(INITIAL_SLOTS);
  #size = 0;
  #registers: Uint8Array | null = null;

  /** Adds a non-null value. */
  add(value: unknown): void {
    this.addHash(hashValue(value));
  }

  /** Adds a value by its 53-bit hash (an integer in `[0, 2^53)`). */
  addHash(hash: number): void {
    const registers = this.#registers;
    if (registers !== null) {
      updateRegister(registers, hash);
      return;
    }
    const stored = hash + 1;
    const slots = this.#slots as Float64Array;
    const slot = findSlot(slots, stored);
    if (slots[slot] === stored) return;
    if (this.#size + 1 > HLL_SPARSE_LIMIT) {
      this.#densify();
      updateRegister(this.#registers as Uint8Array, hash);
      return;
    }
    this.#size++;
    if (this.#size * 2 > slots.length) this.#grow(slots, stored);
    else slots[slot] = stored;
  }

  /** Folds another sketch in: afterwards this one estimates the union of both inputs. */
  merge(other: HyperLogLog): void {
    const theirSlots = other.#slots;
    if (theirSlots !== null) {
      for (let i = 0; i < theirSlots.length; i++) {
        const stored = theirSlots[i] as number;
        if (stored !== 0) this.addHash(stored - 1);
      }
      return;
    }
    if (this.#registers === null) this.#densify();
    const ours = this.#registers as Uint8Array;
    const theirs = other.#registers as Uint8Array;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const rank = theirs[i] as number;
      if (rank > (ours[i] as number)) ours[i] = rank;
    }
  }

  /** Whether the sketch has switched to registers (its count is then an estimate). */
  get dense(): boolean {
    return this.#registers !== null;
  }

  /** Bytes held by the sketch's arrays: 8 per sparse slot, or {@link HLL_REGISTERS} once dense. */
  get byteSize(): number {
    return this.#registers?.byteLength ?? (this.#slots as Float64Array).byteLength;
  }

  /** The distinct count: exact while sparse, Ertl's estimate once dense. */
  estimate(): number {
    const registers = this.#registers;
    if (registers === null) return this.#size;
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const rank = registers[i] as number;
      histogram[rank] = (histogram[rank] as number) + 1;
    }
    const m = HLL_REGISTERS;
    let z = m * tau(1 - (histogram[RANK_BITS + 1] as number) / m);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + (histogram[k] as number));
    z += m * sigma((histogram[0] as number) / m);
    return (m * m) / (2 * Math.LN2 * z);
  }

  /** Moves the sparse set into a table twice the size, adding `stored` to it. */
  #grow(old: Float64Array, stored: number): void {
    const slots = new Float64Array(old.length * 2);
    slots[findSlot(slots, stored)] = stored;
    for (let j = 0; j < old.length; j++) {
      const kept = old[j] as number;
      if (kept !== 0) slots[findSlot(slots, kept)] = kept;
    }
    this.#slots = slots;
  }

  #densify(): void {
    const registers = new Uint8Array(HLL_REGISTERS);
    const slots = this.#slots;
    if (slots !== null) {
      for (let i = 0; i < slots.length; i++) {
        const stored = slots[i] as number;
        if (stored !== 0) updateRegister(registers, stored - 1);
      }
    }
    this.#registers = registers;
    this.#slots = null;
    this.#size = 0;
  }
}

/**
 * The slot holding `stored` in an open-addressing table, or the empty slot where it would go.
 * Probing starts at the hash's low bits, which are as well mixed as the rest.
 */
function findSlot(slots: Float64Array, stored: number): number {
  const mask = slots.length - 1;
  let i = (stored >>> 0) & mask;
  for (;;) {
    const current = slots[i] as number;
    if (current === stored || current === 0) return i;
    i = (i + 1) & mask;
  }
}

/** Register = top {@link HLL_PRECISION} bits; rank = 1 + leading zeros of the other 39 bits. */
function updateRegister(registers: Uint8Array, hash: number): void {
  const index = Math.floor(hash / RANK_SCALE);
  const rest = hash - index * RANK_SCALE;
  const bitLength =
    rest >= TWO_POW_32 ? 64 - Math.clz32(Math.floor(rest / TWO_POW_32)) : 32 - Math.clz32(rest);
  const rank = RANK_BITS + 1 - bitLength;
  if (rank > (registers[index] as number)) registers[index] = rank;
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1): the contribution of empty registers. */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let power = x;
  let weight = 1;
  let sum = x;
  for (;;) {
    power *= power;
    const previous = sum;
    sum += power * weight;
    weight += weight;
    if (sum === previous) return sum;
  }
}

/** Ertl's τ(x): the contribution of saturated registers (all rank bits zero). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    const previous = sum;
    weight *= 0.5;
    sum -= (1 - root) ** 2 * weight;
    if (sum === previous) return sum / 3;
  }
}
