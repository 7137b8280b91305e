/**
 * The relative accuracy α of {@link QuantileSketch}: a quantile estimate `v` of a true value `x`
 * satisfies `|v − x| ≤ α·|x|`.
 */
export const QUANTILE_RELATIVE_ACCURACY = 0.01;
/**
 * Buckets one sign's store keeps at most (8 bytes each, 16 KiB). With α = 0.01 that spans
 * magnitudes over a ratio of about e^41 ≈ 6·10^17, so real data never reaches it; past it, the
 * smallest magnitudes are merged into one bucket and only quantiles that fall there lose the
 * guarantee.
 */
export const QUANTILE_MAX_BUCKETS = 2048;

const GAMMA = (1 + QUANTILE_RELATIVE_ACCURACY) / (1 - QUANTILE_RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
const LN_ONE_MINUS_ALPHA = Math.log(1 - QUANTILE_RELATIVE_ACCURACY);
/** Magnitudes below the smallest normal double count as zero (only subnormals do). */
const MIN_INDEXABLE = 2 ** -1022;
const INITIAL_BUCKETS = 64;

/** Bucket `i` holds magnitudes in `(γ^(i−1), γ^i]`. */
function bucketIndex(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LN_GAMMA);
}

/**
 * The value reported for bucket `i`: `γ^i·(1 − α)`, within α of both of the bucket's ends.
 * Computed in log space so the top buckets do not overflow.
 */
function bucketValue(index: number): number {
  return Math.exp(index * LN_GAMMA + LN_ONE_MINUS_ALPHA);
}

/** Counts per bucket index over a contiguous, growing range of indices. */
class BucketStore {
  #counts = new Float64Array(0);
  /** Bucket index of `#counts[0]`. */
  #offset = 0;
  /** The range of indices in use, `#min > #max` while empty. */
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  add(index: number, count: number): void {
    const target = index < this.#min || index > this.#max ? this.#extend(index) : index;
    const slot = target - this.#offset;
    this.#counts[slot] = (this.#counts[slot] as number) + count;
  }

  /** Visits the non-empty buckets, lowest index first. */
  forEachAscending(visit: (index: number, count: number) => boolean): boolean {
    for (let i = this.#min; i <= this.#max; i++) {
      const count = this.#counts[i - this.#offset] as number;
      if (count > 0 && visit(i, count)) return true;
    }
    return false;
  }

  /** Visits the non-empty buckets, highest index first; stops when `visit` returns true. */
  forEachDescending(visit: (index: number, count: number) => boolean): boolean {
    for (let i = this.#max; i >= this.#min; i--) {
      const count = this.#counts[i - this.#offset] as number;
      if (count > 0 && visit(i, count)) return true;
    }
    return false;
  }

  merge(other: BucketStore): void {
    other.forEachAscending((index, count) => {
      this.add(index, count);
      return false;
    });
  }

  /** Widens the range to take `index`; returns where its count goes (lower after a collapse). */
  #extend(index: number): number {
    let low = Math.min(this.#min, index);
    const high = Math.max(this.#max, index);
    let target = index;
    const collapse = high - low + 1 > QUANTILE_MAX_BUCKETS;
    if (collapse) {
      low = high - QUANTILE_MAX_BUCKETS + 1;
      if (target < low) target = low;
    }
    const fits = low >= this.#offset && high < this.#offset + this.#counts.length;
    if (!fits || collapse) {
      const span = high - low + 1;
      // Half again the span: room to grow without copying often, and little waste per group.
      const size = Math.min(QUANTILE_MAX_BUCKETS, Math.max(INITIAL_BUCKETS, Math.ceil(span * 1.5)));
      // Centre the range so it can grow either way without copying again soon.
      const offset = low - Math.floor((size - span) / 2);
      const counts = new Float64Array(size);
      for (let i = this.#min; i <= this.#max; i++) {
        const count = this.#counts[i - this.#offset] as number;
        if (count > 0) {
          const slot = Math.max(i, low) - offset;
          counts[slot] = (counts[slot] as number) + count;
        }
      }
      this.#counts = counts;
      this.#offset = offset;
    }
    this.#min = low;
    this.#max = high;
    return target;
  }
}

/**
 * A mergeable quantile sketch with a relative-error guarantee (DDSketch: Masson, Rim and Lee,
 * VLDB 2019): values go to logarithmic buckets `(γ^(i−1), γ^i]` with `γ = (1+α)/(1−α)`, one
 * store for positive and one for negative values, plus counts of zeros and infinities (NaN is
 * ignored). The q-quantile it returns is within α = {@link QUANTILE_RELATIVE_ACCURACY} (1 %)
 * relative error of the exact value of rank `⌊q·(n−1)⌋` (0-based) in sorted order, whatever the
 * distribution. Memory grows with the spread of magnitudes, not the count: about
 * `ln(max/min)/0.02` buckets of 8 bytes per sign, plus up to half again as room to grow (1 ms
 * to 1 h of latencies: 755 buckets, under 9 KiB), at most {@link QUANTILE_MAX_BUCKETS} (16 KiB)
 * per sign. Merging adds bucket counts: exact.
 */
export class QuantileSketch {
  readonly #positive = new BucketStore();
  readonly #negative = new BucketStore();
  #zeros = 0;
  #positiveInfinity = 0;
  #negativeInfinity = 0;
  #count = 0;

  /** Values counted (NaN is not). */
  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    if (value >= MIN_INDEXABLE) {
      if (value === Number.POSITIVE_INFINITY) this.#positiveInfinity++;
      else this.#positive.add(bucketIndex(value), 1);
    } else if (value <= -MIN_INDEXABLE) {
      if (value === Number.NEGATIVE_INFINITY) this.#negativeInfinity++;
      else this.#negative.add(bucketIndex(-value), 1);
    } else if (!Number.isNaN(value)) {
      this.#zeros++;
    } else {
      return;
    }
    this.#count++;
  }

  merge(other: QuantileSketch): void {
    this.#positive.merge(other.#positive);
    this.#negative.merge(other.#negative);
    this.#zeros += other.#zeros;
    this.#positiveInfinity += other.#positiveInfinity;
    this.#negativeInfinity += other.#negativeInfinity;
    this.#count += other.#count;
  }

  /** The estimate of the `q`-quantile (`q` in [0, 1]), or `null` when the sketch is empty. */
  quantile(q: number): number | null {
    if (this.#count === 0) return null;
    const rank = q * (this.#count - 1);
    let seen = this.#negativeInfinity;
    if (seen > rank) return Number.NEGATIVE_INFINITY;
    let found: number | null = null;
    const take = (value: number, count: number): boolean => {
      seen += count;
      if (seen <= rank) return false;
      found = value;
      return true;
    };
    // Negative values ascend as their magnitude falls: the negative store is walked downwards.
    if (this.#negative.forEachDescending((index, count) => take(-bucketValue(index), count))) {
      return found;
    }
    if (take(0, this.#zeros)) return 0;
    if (this.#positive.forEachAscending((index, count) => take(bucketValue(index), count))) {
      return found;
    }
    return Number.POSITIVE_INFINITY;
  }
}
