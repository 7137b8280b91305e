/**
 * The request bodies: page visits valid per the gateway's schema (apps/ingest-gateway/src/visit.ts)
 * with realistic URLs, referrers, countries and both timestamp forms, drawn from a seeded PRNG so
 * that every run and machine sends the same mix; a unique `visitId` in every visit of every
 * request; and a share of invalid bodies that both servers must answer 400.
 */
import { createPrng, uuidLike } from '@kinesis-kit/bench-harness';

/** Share of the request bodies that are invalid (expected answer 400). */
export const INVALID_FRACTION = 0.05;

/**
 * How a body is made invalid. Each is caught by the gateway's validation and by the bare
 * server's minimal check (JSON.parse, the required fields present with the right JSON types), so
 * both servers owe the same answer to every body.
 * - `json-syntax`: the body is cut short by one character;
 * - `required`: one visit lacks `visitorId`;
 * - `type`: one visit's `timestamp` is `true`.
 */
export const INVALID_KINDS = /** @type {const} */ (['json-syntax', 'required', 'type']);

/** Distinct visits (all but the id) the bodies are drawn from. */
const VISIT_POOL_SIZE = 4096;

const SITES = [
  'https://shop.example.com',
  'https://www.example.org',
  'https://news.example.net',
  'https://docs.example.io',
];
const SECTIONS = ['products', 'blog', 'category', 'help', 'account', 'search', 'checkout'];
const SLUGS = [
  'winter-jacket',
  'running-shoes-pro',
  'espresso-machine',
  'kinesis-streams-explained',
  'how-to-shard',
  'returns-policy',
  'gift-cards',
  'noise-cancelling-headphones',
  'release-notes-2026-11',
  'pricing',
];
const REFERRERS = [
  'https://www.google.com/',
  'https://duckduckgo.com/',
  'https://news.ycombinator.com/item?id=41234567',
  'https://t.co/Ab12Cd34',
  'https://www.bing.com/search?q=example',
];
const COUNTRIES = ['DE', 'GB', 'US', 'FR', 'NL', 'SE', 'PL', 'ES', 'IT', 'JP', 'BR', 'IN', 'CA'];
/** Epoch milliseconds of 2026-11-26T00:00:00Z. */
const DAY_START_MS = Date.UTC(2026, 10, 26);

/**
 * @param {() => number} next
 * @param {readonly T[]} items
 * @template T
 * @returns {T}
 */
function pick(next, items) {
  return /** @type {T} */ (items[next() % items.length]);
}

/**
 * One visit without its id, as the JSON text that follows `{"visitId":"<id>"`: fields in the
 * schema's order; `referrer` and `country` present on some visits only, as in real traffic.
 * @param {() => number} next
 */
function visitTail(next) {
  const site = pick(next, SITES);
  const path = `/${pick(next, SECTIONS)}/${pick(next, SLUGS)}`;
  const query = next() % 4 === 0 ? `?utm_source=newsletter&utm_campaign=w${next() % 52}` : '';
  const atMs = DAY_START_MS + (next() % 86_400_000);
  const timestamp = next() % 2 === 0 ? atMs : new Date(atMs).toISOString();
  const fields = [
    `"url":${JSON.stringify(`${site}${path}${query}`)}`,
    `"visitorId":${JSON.stringify(uuidLike(next))}`,
    `"timestamp":${JSON.stringify(timestamp)}`,
  ];
  if (next() % 3 !== 0) fields.push(`"referrer":${JSON.stringify(pick(next, REFERRERS))}`);
  if (next() % 5 !== 0) fields.push(`"country":${JSON.stringify(pick(next, COUNTRIES))}`);
  return `,${fields.join(',')}}`;
}

/**
 * @typedef {object} Body
 * @property {string} text the request body
 * @property {boolean} valid whether the servers must accept it (202) or refuse it (400)
 * @property {number} visits visits in it
 */

/**
 * A source of request bodies of `visitsPerRequest` visits (1: one JSON object; more: an array),
 * every visit with an id never used before by this source (`<idPrefix>-<n>`), and about
 * `INVALID_FRACTION` of the bodies invalid (which ones, and how, from the seeded PRNG).
 * @param {object} options
 * @param {number} options.visitsPerRequest
 * @param {string} options.idPrefix distinguishes the sources of one benchmark run
 * @param {number} [options.seed]
 * @returns {{ next: () => Body }}
 */
export function createBodySource({ visitsPerRequest, idPrefix, seed = 0x766973 }) {
  const random = createPrng(seed);
  // The pool is the same for every source; only the choice of bodies follows `seed`.
  const poolRandom = createPrng(0x706f6f6c);
  const pool = Array.from({ length: VISIT_POOL_SIZE }, () => visitTail(poolRandom));
  const invalidBelow = Math.round(INVALID_FRACTION * 2 ** 32);
  let id = 0;
  return {
    next() {
      const broken = random() < invalidBelow;
      const brokenKind = broken ? pick(random, INVALID_KINDS) : undefined;
      const brokenAt = random() % visitsPerRequest;
      const parts = [];
      for (let index = 0; index < visitsPerRequest; index++) {
        id += 1;
        let tail = /** @type {string} */ (pool[random() % VISIT_POOL_SIZE]);
        if (index === brokenAt && brokenKind === 'required') {
          tail = tail.replace(/,"visitorId":"[^"]*"/, '');
        } else if (index === brokenAt && brokenKind === 'type') {
          tail = tail.replace(/"timestamp":("[^"]*"|\d+)/, '"timestamp":true');
        }
        parts.push(`{"visitId":"${idPrefix}-${id}"${tail}`);
      }
      let text = visitsPerRequest === 1 ? parts.join('') : `[${parts.join(',')}]`;
      if (brokenKind === 'json-syntax') text = text.slice(0, -1);
      return { text, valid: !broken, visits: visitsPerRequest };
    },
  };
}
