/**
 * A running sum of doubles with Neumaier's compensation, so that adding many values, merging
 * partial sums and taking values back out (`add(-x)`) stays accurate to about one rounding of the
 * true sum instead of drifting with the number of operations. Infinities and NaN are counted
 * apart from the finite sum: a sliding window that evicts an `Infinity` must get its finite
 * sum back, and `Infinity - Infinity` inside the sum would turn it into NaN for good.
 */
export class CompensatedSum {
  #sum = 0;
  #compensation = 0;
  #nan = 0;
  #positiveInfinity = 0;
  #negativeInfinity = 0;

  /** Adds `x` (`sign` 1) or takes it back (`sign` -1). */
  add(x: number, sign: 1 | -1 = 1): void {
    if (x - x === 0) {
      const value = sign === 1 ? x : -x;
      const t = this.#sum + value;
      // Neumaier: keep the low-order bits lost by whichever operand is smaller.
      if (Math.abs(this.#sum) >= Math.abs(value)) this.#compensation += this.#sum - t + value;
      else this.#compensation += value - t + this.#sum;
      this.#sum = t;
    } else if (Number.isNaN(x)) {
      this.#nan += sign;
    } else if (x > 0) {
      this.#positiveInfinity += sign;
    } else {
      this.#negativeInfinity += sign;
    }
  }

  /** Adds another sum into this one, keeping both compensations. */
  merge(other: CompensatedSum): void {
    this.add(other.#sum);
    this.#compensation += other.#compensation;
    this.#nan += other.#nan;
    this.#positiveInfinity += other.#positiveInfinity;
    this.#negativeInfinity += other.#negativeInfinity;
  }

  /** The sum now: NaN if a NaN or both infinities are in it, an infinity if one is. */
  value(): number {
    if (this.#nan > 0 || (this.#positiveInfinity > 0 && this.#negativeInfinity > 0)) {
      return Number.NaN;
    }
    if (this.#positiveInfinity > 0) return Number.POSITIVE_INFINITY;
    if (this.#negativeInfinity > 0) return Number.NEGATIVE_INFINITY;
    return this.#sum + this.#compensation;
  }
}
