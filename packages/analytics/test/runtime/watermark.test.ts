import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { BoundedOutOfOrdernessWatermark } from '../../src/runtime/watermark.js';

describe('BoundedOutOfOrdernessWatermark', () => {
  it('is -Infinity before any row', () => {
    expect(new BoundedOutOfOrdernessWatermark(5).current).toBe(Number.NEGATIVE_INFINITY);
  });

  it('is the largest time seen minus the bound, and never goes back', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }),
        (bound, times) => {
          const watermark = new BoundedOutOfOrdernessWatermark(bound);
          let previous = Number.NEGATIVE_INFINITY;
          for (const t of times) {
            watermark.observe(t);
            expect(watermark.current).toBeGreaterThanOrEqual(previous);
            previous = watermark.current;
          }
          expect(watermark.current).toBe(Math.max(...times) - bound);
        },
      ),
    );
  });

  it('ignores times that are not finite numbers', () => {
    const watermark = new BoundedOutOfOrdernessWatermark(0);
    watermark.observe(10);
    watermark.observe(Number.NaN);
    watermark.observe(Number.POSITIVE_INFINITY);
    expect(watermark.current).toBe(10);
  });

  it('refuses a negative or non-finite bound', () => {
    expect(() => new BoundedOutOfOrdernessWatermark(-1)).toThrow(InvalidOptionError);
    expect(() => new BoundedOutOfOrdernessWatermark(Number.NaN)).toThrow(/maxOutOfOrdernessMs/);
  });
});
