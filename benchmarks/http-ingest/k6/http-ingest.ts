/**
 * The http-ingest benchmark's load as a k6 script: POST /v1/visits with single visits, then with
 * batches of 100, from 32 virtual users each (one connection each, one request at a time, like
 * autocannon's 32 connections), 5% of the bodies invalid and expected to get 400. Point it at the
 * ingest gateway (or the bare server) with BASE_URL; see ../README.md.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 k6/http-ingest.ts
 *
 * Environment: BASE_URL (default http://127.0.0.1:8080), VUS (32), WARMUP (2s), DURATION (10s),
 * P99_MS (the p99 latency threshold, 250).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';

const BASE_URL = __ENV.BASE_URL ?? 'http://127.0.0.1:8080';
const VUS = Number(__ENV.VUS ?? 32);
const WARMUP_S = seconds(__ENV.WARMUP ?? '2s');
const DURATION_S = seconds(__ENV.DURATION ?? '10s');
const P99_MS = Number(__ENV.P99_MS ?? 250);
/** Share of invalid bodies, as in the autocannon run. */
const INVALID_FRACTION = 0.05;

/** `'10s'` → 10 (whole seconds only: this script's own durations). */
function seconds(text: string): number {
  const match = /^(\d+)s$/.exec(text);
  if (!match) throw new Error(`durations are whole seconds such as "10s", got ${text}`);
  return Number(match[1]);
}

/**
 * Per scenario of the autocannon run: a warm-up (not measured: thresholds are per scenario tag),
 * then the measured window; the scenarios run one after the other.
 */
function phases(): Record<string, Scenario> {
  const scenarios: Record<string, Scenario> = {};
  let at = 0;
  for (const [name, visits] of [
    ['single_visit', 1],
    ['batch_100', 100],
  ] as const) {
    for (const [phase, duration] of [
      [`${name}_warmup`, WARMUP_S],
      [name, DURATION_S],
    ] as const) {
      scenarios[phase] = {
        executor: 'constant-vus',
        exec: 'ingest',
        vus: VUS,
        duration: `${duration}s`,
        startTime: `${at}s`,
        gracefulStop: '2s',
        env: { VISITS_PER_REQUEST: String(visits) },
      };
      // The next phase starts after this one's graceful stop, so the two never overlap.
      at += duration + 2;
    }
  }
  return scenarios;
}

export const options: Options = {
  scenarios: phases(),
  summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'max'],
  thresholds: {
    // Latency of every answer, as autocannon's p99.
    'http_req_duration{scenario:single_visit}': [`p(99)<${P99_MS}`],
    'http_req_duration{scenario:batch_100}': [`p(99)<${P99_MS * 4}`],
    // 202 and 400 are expected (below); a 503, a 5xx or a connection error counts as failed.
    'http_req_failed{scenario:single_visit}': ['rate<0.001'],
    'http_req_failed{scenario:batch_100}': ['rate<0.01'],
    // Every valid body got 202, every invalid one 400.
    'checks{scenario:single_visit}': ['rate==1'],
    'checks{scenario:batch_100}': ['rate>0.99'],
    // Always true: they make the summary show these per scenario (count ÷ DURATION = per second).
    'http_reqs{scenario:single_visit}': ['count>=0'],
    'http_reqs{scenario:batch_100}': ['count>=0'],
    'visits_accepted{scenario:single_visit}': ['count>=0'],
    'visits_accepted{scenario:batch_100}': ['count>=0'],
    'visits_refused_503{scenario:batch_100}': ['count>=0'],
  },
};

// Invalid bodies are expected to get 400: not a failed request in http_req_failed.
http.setResponseCallback(http.expectedStatuses(202, 400));

const refused = new Counter('visits_refused_503');
const accepted = new Counter('visits_accepted');

/** mulberry32, as the harness's createPrng: seeded per virtual user. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

const SITES = ['https://shop.example.com', 'https://www.example.org', 'https://news.example.net'];
const PAGES = [
  '/products/winter-jacket',
  '/products/running-shoes-pro',
  '/blog/kinesis-streams-explained',
  '/help/returns-policy',
  '/category/gift-cards?utm_source=newsletter&utm_campaign=w47',
  '/pricing',
];
const REFERRERS = ['https://www.google.com/', 'https://duckduckgo.com/', 'https://t.co/Ab12Cd34'];
const COUNTRIES = ['DE', 'GB', 'US', 'FR', 'NL', 'SE', 'PL', 'ES', 'IT', 'JP'];
const DAY_START_MS = Date.UTC(2026, 10, 26);

let random: (() => number) | undefined;

function pick<T>(items: readonly T[]): T {
  const next = random as () => number;
  return items[next() % items.length] as T;
}

/** One valid visit; its id is unique in the test (VU, iteration, index). */
function visit(id: string): Record<string, string | number> {
  const next = random as () => number;
  const atMs = DAY_START_MS + (next() % 86_400_000);
  const fields: Record<string, string | number> = {
    visitId: id,
    url: `${pick(SITES)}${pick(PAGES)}`,
    visitorId: `visitor-${next() % 100_000}`,
    timestamp: next() % 2 === 0 ? atMs : new Date(atMs).toISOString(),
  };
  if (next() % 3 !== 0) fields.referrer = pick(REFERRERS);
  if (next() % 5 !== 0) fields.country = pick(COUNTRIES);
  return fields;
}

/** A body of `count` visits; 5% are invalid in one of three ways the autocannon run uses. */
function body(count: number): { text: string; valid: boolean } {
  const next = random as () => number;
  const prefix = `k6-${exec.vu.idInTest}-${exec.scenario.name}-${exec.vu.iterationInScenario}`;
  const visits = Array.from({ length: count }, (_, index) => visit(`${prefix}-${index}`));
  const broken = next() < INVALID_FRACTION * 2 ** 32;
  const kind = next() % 3;
  const target = visits[next() % count] as Record<string, unknown>;
  if (broken && kind === 1) delete target.visitorId;
  if (broken && kind === 2) target.timestamp = true;
  const text = JSON.stringify(count === 1 ? visits[0] : visits);
  return { text: broken && kind === 0 ? text.slice(0, -1) : text, valid: !broken };
}

/** One request: the scenario's body, its status checked against what was sent. */
export function ingest(): void {
  if (random === undefined) random = prng(0x766973 + exec.vu.idInTest);
  const count = Number(__ENV.VISITS_PER_REQUEST ?? 1);
  const { text, valid } = body(count);
  const response = http.post(`${BASE_URL}/v1/visits`, text, {
    headers: { 'content-type': 'application/json' },
  });
  if (response.status === 503) refused.add(count);
  if (response.status === 202) accepted.add(count);
  check(response, {
    'valid body → 202, invalid → 400': (r) =>
      valid ? r.status === 202 || r.status === 503 : r.status === 400,
  });
}
