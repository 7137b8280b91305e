import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isAbsoluteHttpUrl,
  urlPartitionKey,
  type Visit,
  VisitRule,
  validateVisits,
} from '../src/index.js';
import { BAD_VISITS } from './support/bad-visits.js';
import { visit } from './support/http.js';

function issuesOf(input: unknown, maxVisits?: number) {
  const result = validateVisits(input, maxVisits === undefined ? {} : { maxVisits });
  if (result.ok) throw new Error('expected issues');
  return result.issues;
}

describe('validateVisits', () => {
  it('accepts a full visit and a minimal one, keeping only schema fields in schema order', () => {
    const full = visit();
    const minimal = visit({ referrer: undefined, country: undefined, timestamp: 1764121200000 });
    const result = validateVisits([{ ...full }, minimal]);
    expect(result).toEqual({ ok: true, visits: [full, minimal] });
    if (!result.ok) return;
    expect(Object.keys(result.visits[0] as object)).toEqual([
      'visitId',
      'url',
      'visitorId',
      'timestamp',
      'referrer',
      'country',
    ]);
  });

  it('accepts one visit object as a batch of one', () => {
    const one = visit();
    expect(validateVisits(one)).toEqual({ ok: true, visits: [one] });
  });

  for (const [name, overrides, field, rule] of BAD_VISITS) {
    it(`refuses a ${name}, naming the field and the rule`, () => {
      const issues = issuesOf([visit(), visit(overrides)]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ index: 1, field, rule });
      expect(issues[0]?.message.startsWith(`visits[1]: ${field} `)).toBe(true);
    });
  }

  it('refuses a __proto__ key as an unknown field rather than as a prototype', () => {
    const parsed = JSON.parse(`{"__proto__":{"visitId":"x"},${JSON.stringify(visit()).slice(1)}`);
    expect(issuesOf(parsed)[0]).toMatchObject({ field: '__proto__', rule: VisitRule.UnknownField });
  });

  it('accepts the edge values of each rule', () => {
    const edges = [
      visit({ visitId: 'v'.repeat(128), visitorId: '!~' }),
      visit({ url: `https://e.com/${'a'.repeat(2034)}` }),
      visit({ url: 'http://127.0.0.1:8080/x?y=1#z', referrer: 'HTTPS://EXAMPLE.COM' }),
      visit({ timestamp: 0 }),
      visit({ timestamp: 8.64e15 }),
      visit({ timestamp: '2024-02-29T23:59:59.999999999+14:00' }),
      visit({ timestamp: '2000-01-01T00:00:00-00:30' }),
      visit({ country: 'ZW' }),
    ];
    expect(validateVisits(edges)).toEqual({ ok: true, visits: edges });
  });

  it('reports every issue of every visit, up to maxIssues', () => {
    const issues = issuesOf([visit({ url: 'x', country: 'x' }), visit(), visit({ visitId: '' })]);
    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [0, 'url'],
      [0, 'country'],
      [2, 'visitId'],
    ]);
    const many = Array.from({ length: 50 }, () => visit({ country: 'xx' }));
    expect(issuesOf(many)).toHaveLength(20);
  });

  it('refuses bodies that are not visits', () => {
    expect(issuesOf([])[0]?.rule).toBe(VisitRule.Empty);
    expect(issuesOf('visit')[0]?.rule).toBe(VisitRule.Object);
    expect(issuesOf(null)[0]?.rule).toBe(VisitRule.Object);
    expect(issuesOf([visit(), [visit()]])[0]).toMatchObject({ index: 1, rule: VisitRule.Object });
    expect(issuesOf([visit(), visit(), visit()], 2)[0]).toMatchObject({
      rule: VisitRule.MaxVisits,
      message: 'the body holds 3 visits, more than the limit of 2 per request',
    });
  });

  it('accepts any visit built from valid parts (property)', () => {
    const id = fc.stringMatching(/^[\x21-\x7e]{1,128}$/);
    const url = fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true });
    const timestamp = fc.oneof(
      fc.integer({ min: 0, max: 8.64e15 }),
      fc
        .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
    );
    fc.assert(
      fc.property(id, url, id, timestamp, (visitId, page, visitorId, when) => {
        const input = { visitId, url: page, visitorId, timestamp: when };
        fc.pre(page.length <= 2048);
        expect(validateVisits(input)).toEqual({ ok: true, visits: [input] });
      }),
    );
  });
});

describe('isAbsoluteHttpUrl', () => {
  /** The rule as `new URL()` states it (the plain-host fast path must never disagree). */
  function byUrlParser(text: string): boolean {
    if (/[\s\p{Cc}]/u.test(text) || !text.isWellFormed()) return false;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      /^https?:\/\//i.test(text) &&
      url.hostname !== ''
    );
  }

  it('agrees with new URL() on plain hosts, ports, IPv4-like and Punycode hosts', () => {
    const cases = [
      'https://shop.example.com/products/x?utm_source=a#top',
      'HTTP://Example.COM',
      'http://localhost:8080/',
      'http://a.com:65535/',
      'http://a.com:65536/',
      'http://a.com:/',
      'http://a.com:80x/',
      'http://-.com/',
      'http://a..b/',
      'http://a.b./',
      'http://1.2.3.4/',
      'http://1.2.3.256/',
      'http://example.123/',
      'http://a.0x10/',
      'http://a.0x/',
      'http://a.0xg/',
      'http://xn--nxasmq6b.com/',
      'http://xn--a.com/',
      'http://a.com\\x@y',
      'http://user@a.com/',
      'http://a.com/x@y',
      'https:example.com',
      'http:/a.com',
      'ftp://a.com/',
    ];
    for (const text of cases)
      expect([text, isAbsoluteHttpUrl(text)]).toEqual([text, byUrlParser(text)]);
  });

  it('agrees with new URL() on generated URLs', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9-]{0,6}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('http://', 'https://', 'HTTPS://', 'http:/', 'http:'),
        fc.array(fc.oneof(label, fc.constantFrom('xn--a', '0x1f', '0x', '255', '08')), {
          minLength: 0,
          maxLength: 4,
        }),
        fc.option(fc.integer({ min: 0, max: 99_999 }), { nil: undefined }),
        fc.constantFrom('', '/', '/a b', '?q=1', '#f', '\\', '@x', ':', '%41'),
        (scheme, labels, port, tail) => {
          const text = `${scheme}${labels.join('.')}${port === undefined ? '' : `:${port}`}${tail}`;
          expect(isAbsoluteHttpUrl(text)).toBe(byUrlParser(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('urlPartitionKey', () => {
  const at = (path: string) => visit({ url: `https://e.com/${path}` }) as unknown as Visit;

  it('is the URL itself up to 256 characters, and a stable digest beyond', () => {
    const short = at('a'.repeat(242));
    expect(short.url).toHaveLength(256);
    expect(urlPartitionKey(short)).toBe(short.url);
    const long = at('a'.repeat(243));
    const key = urlPartitionKey(long);
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(urlPartitionKey({ ...long, visitId: 'other' })).toBe(key);
    expect(urlPartitionKey(at('b'.repeat(243)))).not.toBe(key);
  });
});
