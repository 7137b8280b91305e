import { validateVisits } from '@kinesis-kit/ingest-gateway';
import { seededRandom } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { urlCatalogue, ZipfSampler } from '../src/index.js';

describe('the simulated catalogue', () => {
  it('has distinct URLs that the gateway accepts', () => {
    const urls = urlCatalogue(500);
    expect(new Set(urls).size).toBe(500);
    const visits = urls.map((url, i) => ({ visitId: `v${i}`, url, visitorId: 'u', timestamp: 0 }));
    expect(validateVisits(visits, { maxVisits: 500 }).ok).toBe(true);
  });

  it('draws ranks with Zipf popularity, the same ones for the same seed', () => {
    const draw = (seed: number) => {
      const sampler = new ZipfSampler(100, 1, seededRandom(seed));
      return Array.from({ length: 20_000 }, () => sampler.next());
    };
    const ranks = draw(7);
    expect(draw(7)).toEqual(ranks);
    const hits = new Array<number>(100).fill(0);
    for (const rank of ranks) hits[rank] = (hits[rank] ?? 0) + 1;
    // Weight 1/k over H(100) ≈ 5.19: rank 0 gets ~19%, rank 1 half of that.
    expect((hits[0] ?? 0) / ranks.length).toBeCloseTo(1 / 5.187, 1);
    expect((hits[0] ?? 0) / (hits[1] ?? 1)).toBeGreaterThan(1.6);
    expect((hits[0] ?? 0) / (hits[1] ?? 1)).toBeLessThan(2.4);
    expect(Math.min(...ranks)).toBe(0);
    expect(Math.max(...ranks)).toBeLessThan(100);
  });
});
