import { describe, expect, it } from 'vitest';
import { ShardRateLimiter } from '../src/kinesis/shard-rate-limiter.js';

const MiB = 1024 * 1024;

describe('ShardRateLimiter', () => {
  it('allows one second of burst, then the shard limits per second', () => {
    const limiter = new ShardRateLimiter(1000, MiB, 0);
    expect(limiter.allows({ records: 1000, bytes: 1000 }, 0)).toBe(true);
    for (let i = 0; i < 1000; i++) limiter.take(100, 0);
    expect(limiter.allows({ records: 1, bytes: 100 }, 0)).toBe(false);
    expect(limiter.waitMs({ records: 100, bytes: 100 }, 0)).toBe(100);
    expect(limiter.allows({ records: 100, bytes: 100 }, 100)).toBe(true);
  });

  it('takes one throttle as a timing slip: the buckets empty, the rate stays', () => {
    const limiter = new ShardRateLimiter(1000, MiB, 0);
    limiter.throttled(0);
    expect(limiter.factor).toBe(1);
    expect(limiter.allows({ records: 1, bytes: 1 }, 0)).toBe(false);
    expect(limiter.allows({ records: 1, bytes: 1 }, 2)).toBe(true);
  });

  it('slows down when throttles repeat within a second, and recovers with time', () => {
    const limiter = new ShardRateLimiter(1000, MiB, 0);
    limiter.throttled(0);
    limiter.throttled(500);
    expect(limiter.factor).toBeCloseTo(0.7, 5);
    limiter.throttled(600);
    expect(limiter.factor).toBeLessThan(0.6);
    limiter.allows({ records: 1, bytes: 1 }, 10_000);
    expect(limiter.factor).toBe(1);
  });

  it('never slows below a tenth of the limits', () => {
    const limiter = new ShardRateLimiter(1000, MiB, 0);
    for (let i = 0; i < 50; i++) limiter.throttled(i);
    expect(limiter.factor).toBeGreaterThanOrEqual(0.1);
  });

  it('lets a record larger than a second of capacity through with a full bucket', () => {
    const limiter = new ShardRateLimiter(1000, MiB, 0);
    expect(limiter.allows({ records: 1, bytes: 2 * MiB }, 0)).toBe(true);
    limiter.take(2 * MiB, 0);
    expect(limiter.waitMs({ records: 1, bytes: 1 }, 0)).toBe(1001);
  });
});
