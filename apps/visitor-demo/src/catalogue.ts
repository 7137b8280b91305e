const LANDMARKS = [
  'https://shop.example/',
  'https://shop.example/pricing',
  'https://shop.example/signup',
  'https://docs.example/getting-started',
  'https://blog.example/',
  'https://shop.example/cart',
  'https://docs.example/api',
  'https://news.example/',
];
const SECTIONS = [
  'https://shop.example/products/',
  'https://blog.example/posts/',
  'https://docs.example/guides/',
  'https://news.example/stories/',
];
const WORDS = [
  'alpine',
  'bamboo',
  'copper',
  'delta',
  'ember',
  'fjord',
  'granite',
  'harbor',
  'indigo',
  'juniper',
  'kelp',
  'lagoon',
  'meadow',
  'nectar',
  'orchid',
  'prairie',
];

/**
 * The simulated site: `count` distinct absolute URLs, the most popular first (a landing page,
 * pricing, sign-up, ...), then products, posts, guides and stories.
 */
export function urlCatalogue(count: number): string[] {
  const urls = LANDMARKS.slice(0, count);
  for (let i = urls.length; i < count; i++) {
    const section = SECTIONS[i % SECTIONS.length] as string;
    const word = WORDS[Math.floor(i / SECTIONS.length) % WORDS.length] as string;
    urls.push(`${section}${word}-${i}`);
  }
  return urls;
}

/**
 * Draws ranks 0..n-1 with Zipf popularity: rank k has weight 1 / (k + 1)^exponent, so the first
 * few URLs get most visits, as on real sites. A draw is a binary search in the cumulative weights.
 */
export class ZipfSampler {
  readonly #cumulative: Float64Array;
  readonly #random: () => number;

  constructor(n: number, exponent: number, random: () => number) {
    this.#cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** exponent;
      this.#cumulative[k] = sum;
    }
    for (let k = 0; k < n; k++) this.#cumulative[k] = (this.#cumulative[k] as number) / sum;
    this.#random = random;
  }

  /** A rank from 0 (the most popular) to n - 1. */
  next(): number {
    const u = this.#random();
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#cumulative[middle] as number) < u) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
