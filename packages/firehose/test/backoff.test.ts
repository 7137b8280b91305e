import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/shared/backoff.js';

describe('retryDelayMs', () => {
  it('starts at 1 s and doubles without jitter at random 0.5', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => retryDelayMs(retry, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 64_000,
    ]);
  });

  it('never exceeds 2 minutes, jitter included', () => {
    expect(retryDelayMs(8, 0.5)).toBe(120_000);
    expect(retryDelayMs(8, 0.999_999)).toBe(120_000);
    expect(retryDelayMs(100, 0.999_999)).toBe(120_000);
    expect(retryDelayMs(8, 0)).toBe(Math.round(128_000 * 0.85));
  });

  it('keeps jitter within ±15 %', () => {
    expect(retryDelayMs(1, 0)).toBe(850);
    expect(retryDelayMs(1, 0.999_999)).toBe(1150);
    expect(retryDelayMs(3, 0)).toBe(3400);
    expect(retryDelayMs(3, 0.999_999)).toBe(4600);
  });

  it('actually varies with Math.random', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(6800);
      expect(delay).toBeLessThanOrEqual(9200);
    }
  });
});
