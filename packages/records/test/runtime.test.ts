import { describe, expect, it } from 'vitest';
import { backoffMs, classifyError, RateCounter, seededRandom, TypedEvents } from '../src/index.js';

describe('backoffMs', () => {
  it('waits between half and all of initial × 2^(attempt-1), capped', () => {
    expect(backoffMs(1, 100, 5000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 5000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 5000, () => 0.5)).toBe(600);
    expect(backoffMs(20, 100, 5000, () => 1)).toBe(5000);
    expect(backoffMs(20, 100, 5000, () => 0)).toBe(2500);
  });
});

describe('classifyError', () => {
  it('names AWS errors by their name and retries only the transient ones', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    expect(classifyError(throttled)).toEqual({
      code: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded',
      retriable: true,
    });
    const missing = Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    expect(classifyError(missing).retriable).toBe(false);
    const serverError = Object.assign(new Error('boom'), {
      name: 'SomethingNew',
      $metadata: { httpStatusCode: 503 },
    });
    expect(classifyError(serverError)).toMatchObject({ code: 'SomethingNew', retriable: true });
    // An exception inside an event stream has no status; the SDK marks a server fault.
    const inStream = Object.assign(new Error('try again'), {
      name: 'InternalFailureException',
    });
    expect(classifyError(inStream).retriable).toBe(true);
    const serverFault = Object.assign(new Error('odd'), { name: 'Unmodelled', $fault: 'server' });
    expect(classifyError(serverFault).retriable).toBe(true);
    const clientFault = Object.assign(new Error('bad'), { name: 'Unmodelled', $fault: 'client' });
    expect(classifyError(clientFault).retriable).toBe(false);
  });

  it('prefers a network error code to the name the SDK wraps it in', () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
    expect(classifyError(reset)).toMatchObject({ code: 'ECONNRESET', retriable: true });
    expect(classifyError('plain string')).toEqual({
      code: 'Error',
      message: 'plain string',
      retriable: false,
    });
  });
});

describe('TypedEvents', () => {
  it('builds an event only when someone listens, and isolates listeners that throw', () => {
    const errors: unknown[] = [];
    const events = new TypedEvents<{ thing_happened: { n: number } }>((error) =>
      errors.push(error),
    );
    let built = 0;
    const build = () => {
      built += 1;
      return { n: built };
    };
    events.emit('thing_happened', build);
    expect(built).toBe(0);
    const seen: number[] = [];
    const off = events.on('thing_happened', () => {
      throw new Error('listener failed');
    });
    events.on('thing_happened', (event) => seen.push(event.n));
    events.emit('thing_happened', build);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
    off();
    events.emit('thing_happened', build);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
  });
});

describe('RateCounter', () => {
  it('averages the completed seconds of its window and forgets older ones', () => {
    const counter = new RateCounter(3);
    counter.add(10, 1_000);
    counter.add(20, 2_000);
    // At 2.5 s the completed seconds of the window are 1 and 0: (10 + 0) / 2.
    expect(counter.perSecond(2_500)).toBe(5);
    // At 3 s: seconds 1 and 2 are complete.
    expect(counter.perSecond(3_000)).toBe(15);
    // Much later every bucket has been cleared.
    expect(counter.perSecond(60_000)).toBe(0);
  });
});

describe('seededRandom', () => {
  it('gives the same numbers in [0, 1) for the same seed, others for another', () => {
    const take = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    const first = take(42);
    expect(take(42)).toEqual(first);
    expect(take(43)).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
    // Spread over the interval, not stuck.
    expect(new Set(first.map((value) => Math.floor(value * 10))).size).toBe(10);
  });
});
